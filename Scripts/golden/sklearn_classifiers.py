"""scikit-learn goldens for the Classifiers module (SPEC.md §5.4, §7.11).

Writes two fixtures into Tests/ClassifiersTests/Fixtures/:

sklearn_classifiers.json -- accuracy goldens on a fixed embedding: the first 6000 MNIST training
  images (pixels / 255) projected on their first 10 principal components (PCA with the full
  SVD, fitted on those 6000) and rounded to 4 decimals; rows 0..3999 train, 4000..5999 test.
  "small" trains on rows 0..999 only (same test rows). For every classifier and preset it
  records scikit-learn's test accuracy; for the randomised ones (MLP, random forest) one
  accuracy per random_state 0..9 and their mean (single forests or MLPs vary by up to
  ~1 pp from seed to seed, so the Swift tests compare means over seeds).

  Presets (scikit-learn 0.21.3 defaults vs >= 0.22 defaults):
    lr      sklearn021: OneVsRestClassifier(LogisticRegression(solver='liblinear')) -- the same
            per-class liblinear problems 0.21's multi_class='ovr' solved internally
            (scikit-learn >= 1.7 no longer accepts multiclass liblinear directly);
            modern: LogisticRegression() (lbfgs, multinomial)
    svm     sklearn021: SVC(gamma='auto') (1/d, what 0.21's 'auto_deprecated' used);
            modern: SVC() (gamma='scale')
    rf      sklearn021: RandomForestClassifier(n_estimators=10); modern: 100 trees
    mlp     MLPClassifier() (identical defaults in both versions)

sklearn_classifiers_exact.json -- small deterministic cases:
  * liblinear and lbfgs weights on a 3-class, 4-feature problem and a 2-class one;
  * SVC on 12 separable 2-D points (support indices, dual coefficients, intercept, decision
    values) and on 45 overlapping 3-class 2-D points (one-vs-one decision values, predictions,
    support counts), gamma 0.5;
  * a DecisionTreeClassifier on one feature (no ties between features, so the tree is
    unique): node count, depth, thresholds and test predictions;
  * MLPClassifier from fixed initial weights (hidden 5, ReLU, batch 8, shuffle=False, float64)
    for 6 epochs: the loss curve and the final weights, for 3 classes (softmax) and 2 classes
    (one logistic output).

Run from the repository root: python3 Scripts/golden/sklearn_classifiers.py [MNIST_DIR]
"""
import gzip
import os
import sys
import warnings

import numpy as np
import sklearn
from sklearn.decomposition import PCA
from sklearn.ensemble import RandomForestClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.neural_network import MLPClassifier
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

sys.path.insert(0, os.path.dirname(__file__))
from _header import header, write  # noqa: E402

warnings.filterwarnings("ignore", category=ConvergenceWarning)
ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
OUT = os.path.join(ROOT, "Tests", "ClassifiersTests", "Fixtures")
# The MNIST folder: the first argument, else ../shared/data/mnist relative to the package root
# (a checkout in /work/main), else ../../shared/data/mnist (a worktree in /work/wt/<name>).
DATA = next((p for p in sys.argv[1:2] + [os.path.join(ROOT, "..", "shared", "data", "mnist"),
                                         os.path.join(ROOT, "..", "..", "shared", "data", "mnist")]
             if os.path.isdir(p)), None)
SEEDS = list(range(10))


def idx(path):
    with gzip.open(path) as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data[4 + 4 * dims:], dtype=np.uint8).reshape(shape)


def embedding():
    images = idx(os.path.join(DATA, "train-images-idx3-ubyte.gz"))[:6000].reshape(6000, -1)
    labels = idx(os.path.join(DATA, "train-labels-idx1-ubyte.gz"))[:6000].astype(int)
    z = PCA(10, svd_solver="full").fit_transform(images / 255.0)
    return np.round(z, 4), labels


def classifiers(preset, seed):
    old = preset == "sklearn021"
    return {
        "lr": OneVsRestClassifier(LogisticRegression(solver="liblinear")) if old
        else LogisticRegression(),
        "svm": SVC(gamma="auto") if old else SVC(),
        "rf": RandomForestClassifier(n_estimators=10 if old else 100, random_state=seed),
        "mlp": MLPClassifier(random_state=seed),
    }


def accuracies(x, y, train, test):
    result = {}
    for preset in ("sklearn021", "modern"):
        entry = {}
        for name in ("lr", "svm", "rf", "mlp"):
            seeds = SEEDS if name in ("rf", "mlp") else [0]
            scores = []
            for seed in seeds:
                model = classifiers(preset, seed)[name]
                model.fit(x[train], y[train])
                scores.append(float(model.score(x[test], y[test])))
            entry[name] = {"seeds": seeds, "accuracies": scores, "mean": float(np.mean(scores))}
        result[preset] = entry
    return result


def accuracy_fixture():
    x, y = embedding()
    full = accuracies(x, y, slice(0, 4000), slice(4000, 6000))
    small = accuracies(x, y, slice(0, 1000), slice(4000, 6000))
    data = {
        "x": x.tolist(), "labels": y.tolist(), "train": [0, 4000], "test": [4000, 6000],
        "small_train": [0, 1000], "small_test": [4000, 6000], "full": full, "small": small,
    }
    write(os.path.join(OUT, "sklearn_classifiers.json"),
          header("Scripts/golden/sklearn_classifiers.py", seed=SEEDS,
                 data="MNIST train[:6000] / 255, PCA(10, svd_solver='full'), rounded to 4 dp"),
          data)


def logistic_cases(rng):
    cases = {}
    x = rng.normal(size=(60, 4))
    y3 = (x[:, 0] + 0.5 * x[:, 1] + rng.normal(scale=0.7, size=60) > 0).astype(int)
    y3 += (x[:, 2] - x[:, 3] + rng.normal(scale=0.7, size=60) > 0.8).astype(int)
    y2 = (x[:, 0] - x[:, 2] + rng.normal(scale=0.5, size=60) > 0).astype(int)
    for name, y in (("three", y3), ("two", y2)):
        liblinear = (OneVsRestClassifier(LogisticRegression(solver="liblinear", tol=1e-10))
                     if name == "three" else LogisticRegression(solver="liblinear", tol=1e-10))
        liblinear.fit(x, y)
        if name == "three":
            coef = np.vstack([e.coef_ for e in liblinear.estimators_])
            intercept = np.concatenate([e.intercept_ for e in liblinear.estimators_])
        else:
            coef, intercept = liblinear.coef_, liblinear.intercept_
        lbfgs = LogisticRegression(tol=1e-10, max_iter=1000).fit(x, y)
        cases[name] = {
            "y": y.tolist(), "liblinear_coef": coef.tolist(),
            "liblinear_intercept": intercept.tolist(),
            "liblinear_proba": liblinear.predict_proba(x[:5]).tolist(),
            "lbfgs_coef": lbfgs.coef_.tolist(), "lbfgs_intercept": lbfgs.intercept_.tolist(),
            "lbfgs_proba": lbfgs.predict_proba(x[:5]).tolist(),
        }
    cases["x"] = x.tolist()
    return cases


def svm_cases(rng):
    separable = np.vstack([rng.normal(loc=(-1.5, -1.0), scale=0.6, size=(6, 2)),
                           rng.normal(loc=(1.5, 1.0), scale=0.6, size=(6, 2))])
    labels = np.array([0] * 6 + [1] * 6)
    probe = rng.normal(scale=1.5, size=(8, 2))
    svc = SVC(gamma=0.5).fit(separable, labels)
    three = np.vstack([rng.normal(loc=c, scale=0.9, size=(15, 2))
                       for c in ((0, 0), (2, 0.5), (1, 2))])
    three_labels = np.repeat([3, 5, 7], 15)
    svc3 = SVC(gamma=0.5, decision_function_shape="ovo").fit(three, three_labels)
    probe3 = rng.normal(loc=(1, 1), scale=1.5, size=(20, 2))
    return {
        "binary": {
            "x": separable.tolist(), "labels": labels.tolist(), "probe": probe.tolist(),
            "support": svc.support_.tolist(), "dual_coef": svc.dual_coef_[0].tolist(),
            "intercept": float(svc.intercept_[0]),
            "decision": svc.decision_function(probe).tolist(),
        },
        "three": {
            "x": three.tolist(), "labels": three_labels.tolist(), "probe": probe3.tolist(),
            "n_support": svc3.n_support_.tolist(), "support": svc3.support_.tolist(),
            "decision": svc3.decision_function(probe3).tolist(),
            "predict": svc3.predict(probe3).tolist(), "intercept": svc3.intercept_.tolist(),
        },
    }


def tree_case(rng):
    x = np.round(rng.uniform(0, 10, size=(40, 1)), 2)
    y = np.where(x[:, 0] < 3, 0, np.where(x[:, 0] < 6.5, 1, 2))
    flip = rng.choice(40, size=6, replace=False)
    y[flip] = (y[flip] + 1) % 3
    probe = np.round(rng.uniform(0, 10, size=(15, 1)), 3)
    tree = DecisionTreeClassifier(random_state=0).fit(x, y)
    t = tree.tree_
    return {
        "x": x[:, 0].tolist(), "labels": y.tolist(), "probe": probe[:, 0].tolist(),
        "node_count": int(t.node_count), "depth": int(tree.get_depth()),
        "leaves": int(tree.get_n_leaves()),
        "threshold": [float(v) for v in t.threshold], "children_left": t.children_left.tolist(),
        "predict": tree.predict(probe).tolist(),
        "proba": tree.predict_proba(probe).tolist(),
    }


class FixedInitMLP(MLPClassifier):
    """An MLPClassifier whose initial weights come from a list instead of its RNG."""

    initial = None

    def _init_coef(self, fan_in, fan_out, dtype):
        coef, intercept = self.initial.pop(0)
        return coef.astype(dtype), intercept.astype(dtype)


def mlp_case(rng, classes):
    x = rng.normal(size=(20, 4))
    y = rng.integers(0, classes, size=20)
    outputs = 1 if classes == 2 else classes
    init = [(rng.uniform(-0.6, 0.6, size=(4, 5)), rng.uniform(-0.6, 0.6, size=5)),
            (rng.uniform(-0.6, 0.6, size=(5, outputs)), rng.uniform(-0.6, 0.6, size=outputs))]
    mlp = FixedInitMLP(hidden_layer_sizes=(5,), batch_size=8, shuffle=False, max_iter=6,
                       alpha=1e-2, learning_rate_init=1e-2, tol=0.0)
    mlp.initial = [(c.copy(), b.copy()) for c, b in init]
    mlp.fit(x, y)
    return {
        "x": x.tolist(), "labels": y.tolist(),
        "init_coefs": [c.tolist() for c, _ in init], "init_intercepts": [b.tolist() for _, b in init],
        "loss_curve": [float(v) for v in mlp.loss_curve_],
        "coefs": [c.tolist() for c in mlp.coefs_],
        "intercepts": [b.tolist() for b in mlp.intercepts_],
        "proba": mlp.predict_proba(x[:4]).tolist(),
    }


def exact_fixture():
    rng = np.random.default_rng(7)
    data = {
        "logistic": logistic_cases(rng), "svm": svm_cases(rng), "tree": tree_case(rng),
        "mlp3": mlp_case(rng, 3), "mlp2": mlp_case(rng, 2),
    }
    write(os.path.join(OUT, "sklearn_classifiers_exact.json"),
          header("Scripts/golden/sklearn_classifiers.py", seed=7), data)


if __name__ == "__main__":
    print("scikit-learn", sklearn.__version__)
    exact_fixture()
    accuracy_fixture()
