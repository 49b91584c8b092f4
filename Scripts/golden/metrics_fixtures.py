"""Golden values for the Metrics module.

scikit-learn / SciPy: trustworthiness for several k, normalized_mutual_info_score for every
normaliser, adjusted_rand_score, mutual_info_score, linear_sum_assignment.

A plain NumPy implementation of SPEC.md section 4 (written below from the formulas, full N x N
matrices, stable sort so that ties go to the lower index): trustworthiness, continuity, MRRE in
both directions, RMRE, LGD and CRA.

Writes Tests/MetricsTests/Fixtures/metrics.json. Run from the repository root:
    python3 Scripts/golden/metrics_fixtures.py
"""
import os
import sys

import numpy as np
import scipy
import sklearn
from scipy.optimize import linear_sum_assignment
from sklearn.manifold import trustworthiness
from sklearn.metrics import adjusted_rand_score, mutual_info_score, normalized_mutual_info_score
from sklearn.metrics.cluster import contingency_matrix

sys.path.insert(0, os.path.dirname(__file__))
from _header import header, write  # noqa: E402

SEED = 0
FLOOR = 1e-8
rng = np.random.default_rng(SEED)


# ---------------------------------------------------------------- SPEC.md section 4, plainly


def neighbours_and_ranks(points):
    """Section 4.3: sort every point by max(d^2, 1e-8), self first, ties by lower index."""
    n = points.shape[0]
    squared = ((points[:, None, :] - points[None, :, :]) ** 2).sum(axis=-1)
    key = np.maximum(squared, FLOOR)
    np.fill_diagonal(key, -np.inf)
    order = np.argsort(key, axis=1, kind="stable")
    ranks = np.empty_like(order)
    ranks[np.arange(n)[:, None], order] = np.arange(n)[None, :]
    return order[:, 1:], ranks


def spec_metrics(x, z, ks):
    n = x.shape[0]
    nx, rx = neighbours_and_ranks(x)
    nz, rz = neighbours_and_ranks(z)
    out = {}
    for k in ks:
        scale = 2.0 / (n * k * (2 * n - 3 * k - 1))
        trust = cont = 0.0
        for i in range(n):
            for j in set(nz[i, :k]) - set(nx[i, :k]):
                trust += rx[i, j] - k
            for j in set(nx[i, :k]) - set(nz[i, :k]):
                cont += rz[i, j] - k
        h = n * sum(abs(2 * l - n) / l for l in range(1, k + 1))
        mrre_zx = sum(abs(rx[i, j] - rz[i, j]) / rz[i, j] for i in range(n) for j in nz[i, :k]) / h
        mrre_xz = sum(abs(rx[i, j] - rz[i, j]) / rx[i, j] for i in range(n) for j in nx[i, :k]) / h
        lgd = 0.0
        for i in range(n):
            for j in nx[i, :k]:
                dx = np.sqrt(((x[i] - x[j]) ** 2).sum()) / np.sqrt(x.shape[1])
                dz = np.sqrt(((z[i] - z[j]) ** 2).sum()) / np.sqrt(z.shape[1])
                lgd += (dx - dz) ** 2
        out[str(k)] = {
            "trust": 1 - scale * trust,
            "cont": 1 - scale * cont,
            "mrre_xz": mrre_xz,
            "mrre_zx": mrre_zx,
            "lgd": np.sqrt(lgd / (k * n)),
        }
    dx = np.sqrt(np.maximum(((x[:, None] - x[None]) ** 2).sum(-1), FLOOR))
    dz = np.sqrt(np.maximum(((z[:, None] - z[None]) ** 2).sum(-1), FLOOR))
    out["rmre"] = np.sqrt(((dx - dz) ** 2).sum() / n**2)
    out["x_neighbours"] = nx[:, :7].tolist()
    out["z_neighbours"] = nz[:, :7].tolist()
    return out


def spec_cra(a, b):
    """Section 4.8: fraction of equal positions in the row-wise argsorts (self included)."""
    def orders(c):
        key = np.maximum(((c[:, None] - c[None]) ** 2).sum(-1), FLOOR)
        return np.argsort(key, axis=1, kind="stable")
    return float((orders(a) == orders(b)).mean())


def floats(a):
    return [float(v) for v in np.ravel(a)]


def plain(value):
    """NumPy scalars become Python numbers (numpy 2's repr of np.float64 is not a float repr)."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


# ---------------------------------------------------------------- fixtures

data = {}

# Random structure case; X is rounded to float32 so that Swift's float32 and float64 paths see
# the same numbers.
n, dim_x, dim_z = 60, 8, 3
x = rng.normal(size=(n, dim_x)).astype(np.float32).astype(np.float64)
z = (x[:, :dim_z] + 0.6 * rng.normal(size=(n, dim_z))).astype(np.float32).astype(np.float64)
case = {"x": floats(x), "z": floats(z), "n": n, "dim_x": dim_x, "dim_z": dim_z}
case["spec"] = spec_metrics(x, z, range(1, 8))
case["sklearn_trust"] = {str(k): trustworthiness(x, z, n_neighbors=k) for k in (1, 3, 5, 7, 10, 29)}
labels = rng.integers(0, 4, size=n)
case["labels"] = labels.tolist()
centres_x = np.stack([x[labels == c].mean(0) for c in range(4)])
centres_z = np.stack([z[labels == c].mean(0) for c in range(4)])
case["cra"] = spec_cra(centres_x, centres_z)
data["random"] = case

# Ties: integer coordinates with duplicate points, so distances tie exactly.
n = 40
x = rng.integers(0, 3, size=(n, 3)).astype(np.float64)
z = rng.integers(0, 2, size=(n, 2)).astype(np.float64)
data["ties"] = {"x": floats(x), "z": floats(z), "n": n, "dim_x": 3, "dim_z": 2,
                "spec": spec_metrics(x, z, range(3, 8))}

# CRA on hand-made centres, including a tie.
a = rng.normal(size=(6, 5))
b = a[:, :2] + 0.3 * rng.normal(size=(6, 2))
data["cra"] = {"a": floats(a), "b": floats(b), "value": spec_cra(a, b),
               "a_self": spec_cra(a, a)}

# Label metrics: 6 predicted clusters with gaps and a negative label against 5 classes.
pairs = []
for size, clusters, classes in ((300, 6, 5), (50, 2, 7), (200, 10, 10)):
    truth = rng.integers(0, classes, size=size)
    predicted = np.where(rng.random(size) < 0.6, truth, rng.integers(0, clusters, size=size))
    predicted = np.array([-1, 3, 7, 8, 20, 100, 5, 6, 9, 11])[predicted % clusters]
    table = contingency_matrix(truth, predicted)
    rows, cols = linear_sum_assignment(-table)
    pairs.append({
        "truth": truth.tolist(), "predicted": predicted.tolist(),
        "nmi": {m: normalized_mutual_info_score(truth, predicted, average_method=m)
                for m in ("arithmetic", "geometric", "max", "min")},
        "mi": mutual_info_score(truth, predicted),
        "ari": adjusted_rand_score(truth, predicted),
        "acc": table[rows, cols].sum() / size,
    })
data["labels"] = pairs

# Linear sum assignment, square and rectangular, minimise and maximise.
problems = []
for shape in ((5, 5), (4, 7), (7, 4), (1, 3), (12, 12)):
    cost = rng.normal(size=shape)
    for maximize in (False, True):
        rows, cols = linear_sum_assignment(cost, maximize=maximize)
        problems.append({"cost": cost.tolist(), "maximize": maximize, "rows": rows.tolist(),
                         "columns": cols.tolist(), "total": float(cost[rows, cols].sum())})
data["assignment"] = problems

path = os.path.join(os.path.dirname(__file__), "../../Tests/MetricsTests/Fixtures/metrics.json")
write(os.path.normpath(path), header("Scripts/golden/metrics_fixtures.py", SEED), plain(data))
print("wrote", os.path.normpath(path), "with sklearn", sklearn.__version__, "scipy", scipy.__version__)
