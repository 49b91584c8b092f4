"""scikit-learn peer for `dcrl-bench datasets --pca`: PCA(n_components).fit_transform on
MNIST-full / 255 (float32, 70,000 x 784), which scikit-learn solves with its covariance_eigh
solver, as the Swift PCA does. Prints one JSON line with every timed run's duration in seconds
and the explained-variance ratio.

Usage: python3 Scripts/peer/sklearn_pca.py --data DIR [--components 50] [--runs 3] [--threads 1]
"""
import argparse
import gzip
import json
import os
import time

parser = argparse.ArgumentParser()
parser.add_argument("--data", required=True, help="folder with the four MNIST .gz files")
parser.add_argument("--components", type=int, default=50)
parser.add_argument("--runs", type=int, default=3)
parser.add_argument("--threads", type=int, default=1)
args = parser.parse_args()
for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[variable] = str(args.threads)

import numpy as np  # noqa: E402
from sklearn.decomposition import PCA  # noqa: E402

images = [
    np.frombuffer(gzip.open(os.path.join(args.data, name)).read(), np.uint8, offset=16).reshape(-1, 784)
    for name in ("train-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte.gz")
]
x = np.concatenate(images).astype(np.float32) / np.float32(255)
PCA(args.components).fit_transform(x)  # warm-up
samples = []
for _ in range(args.runs):
    start = time.perf_counter()
    model = PCA(args.components)
    model.fit_transform(x)
    samples.append(time.perf_counter() - start)
print(json.dumps({"samples": samples, "ratio": float(model.explained_variance_ratio_.sum()),
                  "solver": model._fit_svd_solver}))
