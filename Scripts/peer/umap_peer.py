"""UMAP peer for `dcrl-bench umap`: umap-learn with its defaults on MNIST or a raw matrix.

The numba functions are compiled first by fitting a small random data set (their JIT warm-up
is excluded from the timing, as the benchmark specification asks); then the real fit is timed
once. Threads: NUMBA_NUM_THREADS and threadpoolctl limit numba, OpenMP and BLAS. With one
thread random_state is set (umap-learn then runs its SGD serially and reproducibly); with more
threads it is left unset, because setting it disables umap-learn's parallel SGD.
Writes the embedding as raw float32 to --out and prints one JSON line.

Usage: python3 Scripts/peer/umap_peer.py --mnist DIR --threads 2 --out Y.f32
       python3 Scripts/peer/umap_peer.py --input X.f32 --rows N --cols D ...
"""
import argparse
import gzip
import json
import os
import time

parser = argparse.ArgumentParser()
parser.add_argument("--mnist")
parser.add_argument("--input")
parser.add_argument("--rows", type=int)
parser.add_argument("--cols", type=int)
parser.add_argument("--threads", type=int, default=1)
parser.add_argument("--seed", type=int, default=0)
parser.add_argument("--out", required=True)
args = parser.parse_args()
os.environ["NUMBA_NUM_THREADS"] = str(args.threads)

import numpy as np  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402
import umap  # noqa: E402

if args.mnist:
    def idx(name):
        with gzip.open(os.path.join(args.mnist, name)) as f:
            return np.frombuffer(f.read(), dtype=np.uint8, offset=16).reshape(-1, 784)
    x = np.concatenate([idx("train-images-idx3-ubyte.gz"), idx("t10k-images-idx3-ubyte.gz")])
    x = x.astype(np.float32) / np.float32(255)
else:
    x = np.fromfile(args.input, dtype="<f4").reshape(args.rows, args.cols)

seed = args.seed if args.threads == 1 else None
with threadpool_limits(limits=args.threads):
    warm = np.random.RandomState(0).normal(size=(5000, x.shape[1])).astype(np.float32)
    umap.UMAP(random_state=seed, n_jobs=args.threads).fit(warm)
    start = time.perf_counter()
    y = umap.UMAP(random_state=seed, n_jobs=args.threads).fit_transform(x)
    seconds = time.perf_counter() - start
np.ascontiguousarray(y, dtype="<f4").tofile(args.out)
print(json.dumps({"library": "umap-learn", "version": umap.__version__, "seconds": seconds,
                  "threads": args.threads, "random_state": seed}))
