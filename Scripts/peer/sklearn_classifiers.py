"""scikit-learn peer for `dcrl-bench classifiers`: fits and scores the downstream classifiers of
the paper's Table 4 on the embedding the bench wrote, with scikit-learn 0.21's and >= 0.22's
defaults, and prints one JSON line per (classifier, preset) with fit and predict seconds and
the test accuracy.

The data file holds (train + test) x dims float32 features followed by (train + test) int32
labels, little-endian, rows 0..train-1 for training.

Presets (as in Scripts/golden/sklearn_classifiers.py):
  lr   sklearn021: OneVsRestClassifier(LogisticRegression(solver='liblinear'));
       modern: LogisticRegression()
  svm  sklearn021: SVC(gamma='auto'); modern: SVC()
  rf   sklearn021: RandomForestClassifier(10); modern: RandomForestClassifier(100)
  mlp  MLPClassifier() (the same in both; run once, reported as preset "both")

Usage: python3 Scripts/peer/sklearn_classifiers.py --data FILE --train N --test M --dims D
           [--classifiers lr,svm,rf,mlp] [--presets sklearn021,modern] [--seed 0]
Set OMP_NUM_THREADS / OPENBLAS_NUM_THREADS in the environment to fix the thread count.
"""
import argparse
import json
import time
import warnings

import numpy as np
import sklearn
from sklearn.ensemble import RandomForestClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.neural_network import MLPClassifier
from sklearn.svm import SVC

warnings.filterwarnings("ignore", category=ConvergenceWarning)
parser = argparse.ArgumentParser()
parser.add_argument("--data", required=True)
parser.add_argument("--train", type=int, required=True)
parser.add_argument("--test", type=int, required=True)
parser.add_argument("--dims", type=int, required=True)
parser.add_argument("--classifiers", default="lr,svm,rf,mlp")
parser.add_argument("--presets", default="sklearn021,modern")
parser.add_argument("--seed", type=int, default=0)
args = parser.parse_args()

n = args.train + args.test
raw = np.fromfile(args.data, dtype="<f4", count=n * args.dims)
x = raw.reshape(n, args.dims)
y = np.fromfile(args.data, dtype="<i4", count=n, offset=4 * n * args.dims).astype(np.int64)
train_x, test_x = x[:args.train], x[args.train:]
train_y, test_y = y[:args.train], y[args.train:]


def make(name, preset, seed):
    old = preset == "sklearn021"
    if name == "lr":
        return (OneVsRestClassifier(LogisticRegression(solver="liblinear")) if old
                else LogisticRegression())
    if name == "svm":
        return SVC(gamma="auto") if old else SVC()
    if name == "rf":
        return RandomForestClassifier(n_estimators=10 if old else 100, random_state=seed)
    return MLPClassifier(random_state=seed)


for name in args.classifiers.split(","):
    presets = ["both"] if name == "mlp" else args.presets.split(",")
    for preset in presets:
        model = make(name, preset, args.seed)
        start = time.perf_counter()
        model.fit(train_x, train_y)
        fitted = time.perf_counter()
        accuracy = float(model.score(test_x, test_y))
        done = time.perf_counter()
        print(json.dumps({
            "classifier": name, "preset": preset, "fit": fitted - start, "predict": done - fitted,
            "accuracy": accuracy, "sklearn": sklearn.__version__,
        }), flush=True)
