"""Peer for `dcrl-bench kmeans`: prepares the benchmark inputs from MNIST and times
scikit-learn's KMeans(n_clusters=10, n_init=RUNS, random_state=0) on each.

Inputs written as float32 .npy into --out:
  pca10.npy     MNIST-full (70 000) pixels / 255, PCA to 10 components (random_state 0)
  test784.npy   MNIST-test (10 000) pixels / 255
  pca2_3000.npy the first 3000 rows of MNIST-full, PCA to 2 components (a stand-in for the
                2-D t-SNE points DCRL's initialisation clusters)
Prints one JSON line: {"version", "threads", "datasets": [{"name", "path", "seconds", "inertia",
"iterations"}]}.
"""
import argparse
import gzip
import json
import os
import time

import numpy as np
import sklearn
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from threadpoolctl import threadpool_info

parser = argparse.ArgumentParser()
parser.add_argument("--data", required=True, help="folder with the MNIST IDX .gz files")
parser.add_argument("--out", required=True)
parser.add_argument("--runs", type=int, default=20)
parser.add_argument("--repeats", type=int, default=3)
args = parser.parse_args()


def images(path):
    with gzip.open(path) as f:
        return np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784)


train = images(os.path.join(args.data, "train-images-idx3-ubyte.gz"))
test = images(os.path.join(args.data, "t10k-images-idx3-ubyte.gz"))
full = np.concatenate([train, test]).astype(np.float32) / 255
inputs = {
    "pca10": PCA(10, random_state=0).fit_transform(full).astype(np.float32),
    "test784": test.astype(np.float32) / 255,
    "pca2_3000": PCA(2, random_state=0).fit_transform(full[:3000]).astype(np.float32),
}
results = []
for name, x in inputs.items():
    path = os.path.join(args.out, name + ".npy")
    np.save(path, np.ascontiguousarray(x))
    samples = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        model = KMeans(10, n_init=args.runs, random_state=0).fit(x)
        samples.append(time.perf_counter() - start)
    results.append({"name": name, "path": path, "seconds": samples,
                    "inertia": float(model.inertia_), "iterations": int(model.n_iter_)})
threads = sorted({(i.get("user_api"), i.get("num_threads")) for i in threadpool_info()})
print(json.dumps({"version": sklearn.__version__, "threads": str(threads), "datasets": results}))
