"""Golden values for the Clustering module from scikit-learn / SciPy.

- KMeans (lloyd, n_init=1) from given initial centres: labels, centres, inertia, n_iter; on
  blobs, with sample weights, and a run that relocates empty clusters.
- GaussianMixture (full and diag) from given weights, means and precisions: labels, weights,
  means, covariances, lower_bound_, n_iter_.
- GaussianMixture's n_init loop with fixed starts: four blobs, three components, four starting
  partitions that merge different pairs of blobs; scikit-learn's own fit loop with n_init=4 and
  its k-means initialisation's labels replaced by the given partitions (a subclass overriding
  _initialize_parameters). Each start's lower bound alone, and the kept run's labels and bound.
- The k smallest eigenvalues of the symmetric normalised Laplacian of scikit-learn's
  nearest-neighbour affinity (SciPy's csgraph.laplacian, dense eigh), and scikit-learn's
  SpectralClustering labels on well separated blobs.
- DEC's soft assignment and target distribution written from the DEC/DCRL formulas.

Writes Tests/ClusteringTests/Fixtures/clustering.json. Run from the repository root:
    python3 Scripts/golden/clustering_fixtures.py
"""
import os
import sys

import numpy as np
import scipy
import sklearn
from scipy.sparse.csgraph import laplacian
from sklearn.cluster import KMeans, SpectralClustering
from sklearn.mixture import GaussianMixture
from sklearn.neighbors import kneighbors_graph

sys.path.insert(0, os.path.dirname(__file__))
from _header import header, write  # noqa: E402

SEED = 0
rng = np.random.default_rng(SEED)


def plain(value):
    """NumPy values become Python numbers (numpy 2's repr of np.float64 is not a float repr)."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return plain(value.tolist())
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


def blobs(n_per, centres, spread):
    points = [c + spread * rng.normal(size=(n_per, len(c))) for c in centres]
    return np.concatenate(points)


data = {}

# ------------------------------------------------------------------ k-means
x = blobs(50, [(0, 0, 0), (4, 0, 1), (0, 5, -1), (3, 3, 3)], 1.2)
x = x[rng.permutation(len(x))]
init = x[:4] + 0.1
cases = {}
for name, weights in (("uniform", None), ("weighted", rng.uniform(0.2, 3.0, size=len(x)))):
    km = KMeans(4, init=init, n_init=1, max_iter=300, tol=1e-4, algorithm="lloyd").fit(
        x, sample_weight=weights)
    cases[name] = {"weights": weights, "labels": km.labels_, "centers": km.cluster_centers_,
                   "inertia": km.inertia_, "iterations": km.n_iter_}
data["kmeans"] = {"x": x.ravel(), "n": len(x), "d": 3, "init": init.ravel(), **cases}

# More than 32 features: the GEMM path of Lloyd's iterations.
wide = np.concatenate([rng.normal(loc=3.0 * c, size=(40, 40)) for c in range(3)])
wide = wide[rng.permutation(len(wide))]
wide_init = wide[:3] + 0.05
km = KMeans(3, init=wide_init, n_init=1, max_iter=300, tol=1e-4, algorithm="lloyd").fit(wide)
data["kmeans_wide"] = {"x": wide.ravel(), "n": len(wide), "d": 40, "init": wide_init.ravel(),
                       "labels": km.labels_, "centers": km.cluster_centers_.ravel(),
                       "inertia": km.inertia_, "iterations": km.n_iter_}

# Empty clusters: all three centres start on the first point (scikit-learn's
# test_relocate_empty_clusters data); one iteration relocates two of them.
line = np.array([-10.0, -9.5, -9, -8.5, -8, -1, 1, 9, 9.5, 10]).reshape(-1, 1)
km = KMeans(3, init=np.array([[-10.0], [-10.0], [-10.0]]), n_init=1, max_iter=1).fit(line)
data["relocation"] = {"x": line.ravel(), "centers": km.cluster_centers_.ravel(),
                      "labels": km.labels_, "inertia": km.inertia_}

# ------------------------------------------------------------------ Gaussian mixture
g = blobs(100, [(0, 0), (5, 1), (1, 6)], 1.0)
g = g[rng.permutation(len(g))]
means0 = np.array([[0.5, 0.5], [4.0, 0.0], [1.0, 5.0]])
covs0 = np.array([[[1.5, 0.2], [0.2, 1.0]], [[1.0, 0.0], [0.0, 2.0]], [[2.0, -0.3], [-0.3, 1.0]]])
weights0 = np.array([0.3, 0.3, 0.4])
mixtures = {"x": g.ravel(), "n": len(g), "d": 2, "means0": means0.ravel(),
            "weights0": weights0, "covariances_full0": covs0.ravel(),
            "variances_diag0": np.stack([np.diag(c) for c in covs0]).ravel()}
for kind in ("full", "diag"):
    precisions = np.linalg.inv(covs0) if kind == "full" else 1 / np.stack([np.diag(c) for c in covs0])
    gm = GaussianMixture(3, covariance_type=kind, weights_init=weights0, means_init=means0,
                         precisions_init=precisions, tol=1e-6, max_iter=200, reg_covar=1e-6,
                         random_state=0).fit(g)
    mixtures[kind] = {"labels": gm.predict(g), "weights": gm.weights_, "means": gm.means_.ravel(),
                      "covariances": gm.covariances_.ravel(), "lower_bound": gm.lower_bound_,
                      "iterations": gm.n_iter_, "proba": gm.predict_proba(g[:5]).ravel(),
                      "score_samples": gm.score_samples(g[:5])}
data["mixture"] = mixtures

# ------------------------------------------------------------------ spectral
s = blobs(40, [(0, 0), (6, 0), (0, 6)], 0.7)
s = s[rng.permutation(len(s))]
connectivity = kneighbors_graph(s, n_neighbors=8, include_self=True)
affinity = 0.5 * (connectivity + connectivity.T)
lap = laplacian(affinity.toarray(), normed=True)
eigenvalues = np.linalg.eigvalsh(lap)[:3]
labels = SpectralClustering(3, affinity="nearest_neighbors", n_neighbors=8, random_state=0).fit(s).labels_
data["spectral"] = {"x": s.ravel(), "n": len(s), "d": 2, "neighbors": 8,
                    "laplacian_eigenvalues": eigenvalues, "sklearn_labels": labels}

# A connected graph, so that the eigenvalues beyond the first are not all zero.
c = blobs(60, [(0, 0), (3, 0), (0, 3)], 1.0)
connectivity = kneighbors_graph(c, n_neighbors=10, include_self=True)
lap = laplacian((0.5 * (connectivity + connectivity.T)).toarray(), normed=True)
data["spectral_connected"] = {"x": c.ravel(), "n": len(c), "d": 2, "neighbors": 10,
                              "laplacian_eigenvalues": np.linalg.eigvalsh(lap)[:4]}

# ------------------------------------------------------------------ DEC soft assignment


def soft_assignment(z, mu, nu):
    d2 = ((z[:, None, :] - mu[None, :, :]) ** 2).sum(-1)
    w = (1 + d2 / nu) ** (-(nu + 1) / 2)
    return w / w.sum(1, keepdims=True)


def target(q):
    w = q**2 / q.sum(0)
    return w / w.sum(1, keepdims=True)


z = rng.normal(size=(7, 3))
mu = rng.normal(size=(4, 3))
dec = {"z": z.ravel(), "mu": mu.ravel()}
for nu in (1.0, 2.5):
    q = soft_assignment(z, mu, nu)
    dec[f"q_{nu}"] = q.ravel()
    dec[f"p_{nu}"] = target(q).ravel()
data["dec"] = dec

# ------------------------------------------------------------------ mixture n_init, fixed starts


class FixedStarts(GaussianMixture):
    """scikit-learn's GaussianMixture whose n_init runs start from given hard partitions, in
    order, the way its k-means initialisation starts from k-means labels."""

    _parameter_constraints = dict(GaussianMixture._parameter_constraints, starts=[list])

    def __init__(self, starts=None, **kwargs):
        super().__init__(**kwargs)
        self.starts = starts

    def _initialize_parameters(self, X, random_state, xp=None):
        labels = self.starts[self._next_start]
        self._next_start += 1
        resp = np.zeros((len(X), self.n_components), dtype=X.dtype)
        resp[np.arange(len(X)), labels] = 1
        self._initialize(X, resp)

    def fit(self, X, y=None):
        self._next_start = 0
        return super().fit(X)


start_rng = np.random.default_rng(5)
centres = [(0, 0), (4, 0), (0, 7), (9, 8)]
points = np.concatenate([start_rng.normal(c, 1.0, size=(50, 2)) for c in centres])
blob = np.repeat(np.arange(4), 50)
order = start_rng.permutation(len(points))
points, blob = points[order], blob[order]
merges = [[0, 1, 2, 2], [0, 0, 1, 2], [0, 1, 1, 2], [0, 1, 2, 1]]
starts = [np.array(m)[blob] for m in merges]
partitioned = {"x": points.ravel(), "n": len(points), "starts": [s for s in starts]}
for kind in ("full", "diag"):
    settings = dict(n_components=3, covariance_type=kind, tol=1e-6, max_iter=200, reg_covar=1e-6)
    alone = [FixedStarts(starts=[s], n_init=1, **settings).fit(points).lower_bound_ for s in starts]
    gm = FixedStarts(starts=starts, n_init=len(starts), **settings).fit(points)
    partitioned[kind] = {"lower_bounds_alone": alone, "lower_bound": gm.lower_bound_,
                         "iterations": gm.n_iter_, "labels": gm.predict(points),
                         "means": gm.means_.ravel()}
data["mixture_partitions"] = partitioned

path = os.path.join(os.path.dirname(__file__), "../../Tests/ClusteringTests/Fixtures/clustering.json")
write(os.path.normpath(path), header("Scripts/golden/clustering_fixtures.py", SEED), plain(data))
print("wrote", os.path.normpath(path), "with sklearn", sklearn.__version__, "scipy", scipy.__version__)
