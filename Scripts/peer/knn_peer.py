"""Exact kNN peer for `dcrl-bench knn`: scikit-learn's brute-force NearestNeighbors.

Reads MNIST (training then test images, scaled to [0, 1], float32) from the IDX .gz files, or
a raw float32 matrix, finds the k nearest other points of every point (kneighbors() with no
argument, which excludes each point itself), times fit + kneighbors once, writes the indices as
raw int32 to --out and prints one JSON line.

Usage: python3 Scripts/peer/knn_peer.py --mnist DIR --neighbors 10 --threads 2 --out I.i32
       python3 Scripts/peer/knn_peer.py --input X.f32 --rows N --cols D ...
"""
import argparse
import gzip
import json
import os
import time

import numpy as np
import sklearn
from sklearn.neighbors import NearestNeighbors
from threadpoolctl import threadpool_limits

parser = argparse.ArgumentParser()
parser.add_argument("--mnist")
parser.add_argument("--input")
parser.add_argument("--rows", type=int)
parser.add_argument("--cols", type=int)
parser.add_argument("--neighbors", type=int, default=10)
parser.add_argument("--threads", type=int, default=1)
parser.add_argument("--out", required=True)
args = parser.parse_args()

if args.mnist:
    def idx(name):
        with gzip.open(os.path.join(args.mnist, name)) as f:
            return np.frombuffer(f.read(), dtype=np.uint8, offset=16).reshape(-1, 784)
    x = np.concatenate([idx("train-images-idx3-ubyte.gz"), idx("t10k-images-idx3-ubyte.gz")])
    x = x.astype(np.float32) / np.float32(255)
else:
    x = np.fromfile(args.input, dtype="<f4").reshape(args.rows, args.cols)

with threadpool_limits(limits=args.threads):
    start = time.perf_counter()
    model = NearestNeighbors(n_neighbors=args.neighbors, algorithm="brute", n_jobs=args.threads).fit(x)
    _, indices = model.kneighbors()
    seconds = time.perf_counter() - start
indices.astype("<i4").tofile(args.out)
print(json.dumps({"library": "scikit-learn", "version": sklearn.__version__, "seconds": seconds,
                  "threads": args.threads, "rows": int(x.shape[0]), "cols": int(x.shape[1])}))
