"""Golden values for the Manifold module's t-SNE and kNN, from scikit-learn.

Writes Tests/ManifoldTests/Fixtures/tsne_golden.json:
- exact_p: scikit-learn's _joint_probabilities (the exact method's P) at perplexity 30 for a
  40x5 input on a grid of multiples of 1/4, whose squared distances are exact in float32, so
  the comparison tests the algorithm, not rounding;
- nn_p: _joint_probabilities_nn (the Barnes-Hut method's P) from the 91 nearest neighbours of
  a 150x3 integer input (squared distances exact in float32; the script checks that no row has
  a tie at the 91st neighbour, so the neighbour sets are unambiguous);
- kl_gradient: _kl_divergence (exact KL and gradient, float64) at a fixed 40x2 embedding with
  the exact_p P;
- knn_ties: 5 nearest neighbours on integer data with many exact ties and duplicates; the
  reference order is (distance, index) from exact integer distances (numpy lexsort); the
  script also records scikit-learn's brute-force distances (must agree) and whether its index
  order happens to equal the lexsort order.

Run from the repository root:  python3 Scripts/golden/manifold_tsne.py
"""
import os
import sys

import numpy as np
import sklearn
from scipy.spatial.distance import squareform
from sklearn.manifold._t_sne import _joint_probabilities, _joint_probabilities_nn, _kl_divergence
from sklearn.metrics import pairwise_distances
from sklearn.neighbors import NearestNeighbors

sys.path.insert(0, os.path.dirname(__file__))
from _header import header, write  # noqa: E402

SEED = 0
rng = np.random.RandomState(SEED)
out = {}

# Exact P.
x_exact = rng.randint(-8, 8, size=(40, 5)) / 4.0
d2 = pairwise_distances(x_exact, squared=True)
p_condensed = _joint_probabilities(d2, 30.0, 0)
out["exact_p"] = {"x": x_exact.tolist(), "perplexity": 30.0, "p": squareform(p_condensed).tolist()}

# Nearest-neighbour P.
k = 91
while True:
    x_nn = rng.randint(0, 1000, size=(150, 3)).astype(np.float64)
    full = pairwise_distances(x_nn, squared=True)
    np.fill_diagonal(full, np.inf)
    ordered = np.sort(full, axis=1)
    if np.all(ordered[:, k - 1] < ordered[:, k]):
        break
knn = NearestNeighbors(n_neighbors=k, algorithm="brute").fit(x_nn)
graph = knn.kneighbors_graph(mode="distance")
graph.data **= 2
p_nn = _joint_probabilities_nn(graph, 30.0, 0).toarray()
out["nn_p"] = {"x": x_nn.tolist(), "perplexity": 30.0, "neighbors": k, "p": p_nn.tolist()}

# Exact KL and gradient at a fixed embedding.
y = rng.normal(size=(40, 2))
kl, grad = _kl_divergence(y.ravel(), p_condensed, 1, 40, 2)
out["kl_gradient"] = {"y": y.tolist(), "kl": float(kl), "gradient": grad.reshape(40, 2).tolist()}

# kNN with ties.
x_ties = rng.randint(0, 4, size=(60, 2)).astype(np.float64)
x_ties[10] = x_ties[3]
x_ties[11] = x_ties[3]
exact = pairwise_distances(x_ties, squared=True)
n = len(x_ties)
indices = []
distances = []
for i in range(n):
    candidates = [j for j in range(n) if j != i]
    order = sorted(candidates, key=lambda j: (exact[i, j], j))[:5]
    indices.append(order)
    distances.append([float(np.sqrt(exact[i, j])) for j in order])
sk_dist, sk_ind = NearestNeighbors(n_neighbors=5, algorithm="brute").fit(x_ties).kneighbors()
assert np.allclose(np.sort(sk_dist, axis=1), np.array(distances)), "sklearn distances disagree"
out["knn_ties"] = {
    "x": x_ties.tolist(),
    "neighbors": 5,
    "indices": indices,
    "distances": distances,
    "sklearn_distances": sk_dist.tolist(),
    "sklearn_order_equals_index_tiebreak": bool(np.array_equal(sk_ind, np.array(indices))),
}

path = "Tests/ManifoldTests/Fixtures/tsne_golden.json"
write(path, header("Scripts/golden/manifold_tsne.py", SEED), out)
print("wrote", path, "sklearn", sklearn.__version__)
