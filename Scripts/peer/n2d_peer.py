"""N2D peer for `dcrl-bench table 1 --methods n2d-published` (and `n2d`): the published N2D
manifold step run by umap-learn and scikit-learn on exactly the codes our cell started from.

A Table 1 N2D cell in the run store keeps `codes.npy` (the autoencoder's codes of the whole
dataset), `embedding.npy` (our UMAP embedding) and `predicted.npy` (our mixture's labels). This
script scores four pipelines on the same codes, so that a gap to N2D's published accuracy can be
placed in the autoencoder, the UMAP step or the mixture step:

- ours: the cell's labels (re-scored here, which also checks the label order);
- sklearn GMM on our UMAP embedding (GaussianMixture, full covariance, n_init 1 and 10);
- umap-learn + sklearn GMM on the codes (N2D's run.sh: n_neighbors 20, min_dist 0,
  n_components = number of clusters, euclidean), n_init 1 and 10;
- sklearn GMM on the codes themselves (no manifold step);
- with --starts N: sklearn's single-start mixture on our UMAP embedding for random_state
  0..N-1 (ACC and the lower bound each start reaches), and EM started from our cell's clusters
  (the lower bound our labels lead to), so that a single start's luck can be told from a fault.

Labels come from the data files (USPS: zip.train then zip.test; MNIST-test: t10k; MNIST-full:
train then t10k), in the library's order. They only score. Prints one JSON line.

Usage: python3 Scripts/peer/n2d_peer.py --store runs/tables --dataset usps --method n2d-published
       --seed 0 --data ../shared/data [--threads 2]
"""
import argparse
import gzip
import json
import os
import time

import numpy as np
import sklearn
import umap
from scipy.optimize import linear_sum_assignment
from sklearn.metrics import normalized_mutual_info_score
from sklearn.mixture import GaussianMixture
from threadpoolctl import threadpool_limits

parser = argparse.ArgumentParser()
parser.add_argument("--store", required=True)
parser.add_argument("--dataset", required=True, choices=["usps", "mnist-test", "mnist-full"])
parser.add_argument("--method", default="n2d-published")
parser.add_argument("--seed", type=int, default=0)
parser.add_argument("--data", required=True)
parser.add_argument("--threads", type=int, default=2)
parser.add_argument("--quick", action="store_true", help="a --quick store (first rows only)")
parser.add_argument("--starts", type=int, default=0, help="single starts of sklearn's mixture to list")
args = parser.parse_args()


def labels(dataset, root):
    def idx(name):
        with gzip.open(os.path.join(root, "mnist", name)) as f:
            return np.frombuffer(f.read(), dtype=np.uint8, offset=8).astype(np.int64)

    if dataset == "mnist-test":
        return idx("t10k-labels-idx1-ubyte.gz")
    if dataset == "mnist-full":
        return np.concatenate([idx("train-labels-idx1-ubyte.gz"), idx("t10k-labels-idx1-ubyte.gz")])
    rows = []
    for name in ("zip.train.gz", "zip.test.gz"):
        with gzip.open(os.path.join(root, "usps", name), "rt") as f:
            rows += [int(float(line.split()[0])) for line in f if line.strip()]
    return np.array(rows, dtype=np.int64)


def accuracy(predicted, truth):
    k = max(predicted.max(), truth.max()) + 1
    counts = np.zeros((k, k), dtype=np.int64)
    np.add.at(counts, (predicted, truth), 1)
    rows, columns = linear_sum_assignment(-counts)
    return counts[rows, columns].sum() / len(truth)


def score(predicted, truth):
    return {
        "acc": round(float(accuracy(predicted, truth)), 4),
        "nmi": round(float(normalized_mutual_info_score(truth, predicted, average_method="geometric")), 4),
    }


def mixture(x, clusters, seed, runs):
    model = GaussianMixture(clusters, covariance_type="full", random_state=seed, n_init=runs)
    return model.fit(x).predict(x)


cell = os.path.join(args.store, *(["quick"] if args.quick else []), "table1", args.dataset, args.method, f"seed{args.seed}")
codes = np.load(os.path.join(cell, "codes.npy")).astype(np.float64)
embedding = np.load(os.path.join(cell, "embedding.npy")).astype(np.float64)
ours = np.load(os.path.join(cell, "predicted.npy")).astype(np.int64)
truth = labels(args.dataset, args.data)
if args.quick:
    truth = truth[: len(codes)]
assert len(truth) == len(codes) == len(ours), (len(truth), len(codes), len(ours))
clusters = int(truth.max()) + 1

result = {
    "dataset": args.dataset, "method": args.method, "seed": args.seed,
    "umap_learn": umap.__version__, "sklearn": sklearn.__version__,
    "ours": score(ours, truth),
}
with threadpool_limits(args.threads):
    for runs in (1, 10):
        result[f"sklearn_gmm_on_our_umap_n_init{runs}"] = score(
            mixture(embedding, clusters, args.seed, runs), truth)
    start = time.perf_counter()
    peer = umap.UMAP(
        n_neighbors=20, min_dist=0.0, n_components=clusters, metric="euclidean",
        random_state=args.seed,
    ).fit_transform(codes)
    result["umap_learn_seconds"] = round(time.perf_counter() - start, 1)
    for runs in (1, 10):
        result[f"umap_learn_sklearn_gmm_n_init{runs}"] = score(
            mixture(peer, clusters, args.seed, runs), truth)
    result["sklearn_gmm_on_codes_n_init1"] = score(mixture(codes, clusters, args.seed, 1), truth)
    if args.starts > 0:
        starts = []
        for state in range(args.starts):
            model = GaussianMixture(clusters, covariance_type="full", random_state=state).fit(embedding)
            starts.append({"random_state": state, **score(model.predict(embedding), truth),
                           "lower_bound": round(float(model.lower_bound_), 4)})
        result["sklearn_single_starts_on_our_umap"] = starts
        means = np.stack([embedding[ours == c].mean(axis=0) for c in np.unique(ours)])
        model = GaussianMixture(len(means), covariance_type="full", means_init=means,
                                random_state=args.seed).fit(embedding)
        result["sklearn_em_from_our_clusters"] = {
            **score(model.predict(embedding), truth), "lower_bound": round(float(model.lower_bound_), 4)}
print(json.dumps(result))
