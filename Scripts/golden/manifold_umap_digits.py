"""Golden values for the Manifold module's UMAP, and the digits behaviour references.

Writes Tests/ManifoldTests/Fixtures/umap_golden.json:
- curves: umap-learn's find_ab_params(spread, min_dist) for four settings;
- fuzzy: smooth_knn_dist (sigmas, rhos) and fuzzy_simplicial_set (dense graph) for a 60x4
  input with 10 neighbours, from the exact kNN (the point itself first); the script checks
  that no row has a tie at the 10th neighbour;

and Tests/ManifoldTests/Fixtures/digits_reference.json:
- scikit-learn's digits (1797 x 64, integer pixels 0-16) with labels;
- trustworthiness (k = 5, scikit-learn) of scikit-learn's t-SNE with its 0.21 defaults
  (random init, learning rate 200, Barnes-Hut) and with its modern defaults (PCA init,
  learning rate 'auto'), of openTSNE with its defaults, and of umap-learn with its defaults and
  with the DCRL figure settings (5 neighbours, min_dist 0.7, correlation), each for seeds
  0, 1, 2 (mean recorded too).

Run from the repository root:  python3 Scripts/golden/manifold_umap_digits.py
"""
import os
import sys
import warnings

import numpy as np
import openTSNE
import sklearn
import umap
from sklearn.datasets import load_digits
from sklearn.manifold import TSNE, trustworthiness
from sklearn.metrics import pairwise_distances
from umap.umap_ import find_ab_params, fuzzy_simplicial_set, smooth_knn_dist

sys.path.insert(0, os.path.dirname(__file__))
from _header import header, write  # noqa: E402

warnings.filterwarnings("ignore")
SEED = 0
rng = np.random.RandomState(SEED)

curves = []
for min_dist, spread in [(0.1, 1.0), (0.7, 1.0), (0.0, 1.0), (0.5, 2.0)]:
    a, b = find_ab_params(spread, min_dist)
    curves.append({"min_dist": min_dist, "spread": spread, "a": float(a), "b": float(b)})

k = 10
while True:
    x = rng.normal(size=(60, 4))
    d = pairwise_distances(x)
    order = np.argsort(d, axis=1, kind="stable")
    ordered = np.take_along_axis(d, order, axis=1)
    if np.all(ordered[:, k - 1] < ordered[:, k]) and np.all(order[:, 0] == np.arange(60)):
        break
knn_indices = order[:, :k]
knn_dists = ordered[:, :k]
sigmas, rhos = smooth_knn_dist(knn_dists.astype(np.float32), float(k))
graph, _, _ = fuzzy_simplicial_set(x, k, np.random.RandomState(0), "euclidean",
                                   knn_indices=knn_indices, knn_dists=knn_dists.astype(np.float32))
write("Tests/ManifoldTests/Fixtures/umap_golden.json", header("Scripts/golden/manifold_umap_digits.py", SEED), {
    "curves": curves,
    "fuzzy": {"x": x.tolist(), "neighbors": k, "sigmas": sigmas.astype(float).tolist(),
              "rhos": rhos.astype(float).tolist(), "graph": graph.toarray().tolist()},
})

digits = load_digits()
X = digits.data
seeds = [0, 1, 2]


def trust(y):
    return float(trustworthiness(X, y, n_neighbors=5))


references = {}
runs = {
    "sklearn_tsne_021": lambda s: TSNE(init="random", learning_rate=200.0, random_state=s).fit_transform(X),
    "sklearn_tsne_modern": lambda s: TSNE(random_state=s).fit_transform(X),
    "opentsne_default": lambda s: np.asarray(openTSNE.TSNE(random_state=s).fit(X)),
    "umap_default": lambda s: umap.UMAP(random_state=s).fit_transform(X),
    "umap_dcrl_figures": lambda s: umap.UMAP(n_neighbors=5, min_dist=0.7, metric="correlation", random_state=s).fit_transform(X),
}
for name, run in runs.items():
    values = [trust(run(s)) for s in seeds]
    references[name] = {"seeds": seeds, "trustworthiness": values, "mean": float(np.mean(values))}
    print(name, values)

write("Tests/ManifoldTests/Fixtures/digits_reference.json",
      header("Scripts/golden/manifold_umap_digits.py", SEED),
      {"x": X.astype(int).tolist(), "labels": digits.target.astype(int).tolist(), "references": references})
print("sklearn", sklearn.__version__, "umap", umap.__version__, "openTSNE", openTSNE.__version__)
