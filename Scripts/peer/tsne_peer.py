"""t-SNE peer for `dcrl-bench tsne`: scikit-learn or openTSNE on a raw float32 matrix.

--library sklearn021: sklearn.manifold.TSNE with scikit-learn 0.21's defaults (perplexity 30,
  early exaggeration 12, learning rate 200, 1000 iterations, random init, Barnes-Hut angle 0.5),
  DCRL's centre-initialisation settings (SPEC.md 3.2).
--library opentsne: openTSNE.TSNE with its defaults (FFT gradients, PCA init, learning rate
  'auto', 250 + 500 iterations, approximate neighbours), the common choice for 70k points.
Threads are limited with threadpoolctl (OpenMP/BLAS) and n_jobs. The fit is timed once
(openTSNE's numba-free code needs no warm-up). Writes the embedding as raw float32 to --out and
prints one JSON line.

Usage: python3 Scripts/peer/tsne_peer.py --library sklearn021 --input X.f32 --rows 3000
       --cols 10 --threads 1 --out Y.f32 [--seed 0]
"""
import argparse
import json
import time

import numpy as np
from threadpoolctl import threadpool_limits

parser = argparse.ArgumentParser()
parser.add_argument("--library", choices=["sklearn021", "opentsne"], required=True)
parser.add_argument("--input", required=True)
parser.add_argument("--rows", type=int, required=True)
parser.add_argument("--cols", type=int, required=True)
parser.add_argument("--threads", type=int, default=1)
parser.add_argument("--seed", type=int, default=0)
parser.add_argument("--out", required=True)
args = parser.parse_args()

x = np.fromfile(args.input, dtype="<f4").reshape(args.rows, args.cols)
with threadpool_limits(limits=args.threads):
    if args.library == "sklearn021":
        import sklearn
        from sklearn.manifold import TSNE

        model = TSNE(
            n_components=2, perplexity=30.0, early_exaggeration=12.0, learning_rate=200.0,
            max_iter=1000, init="random", method="barnes_hut", angle=0.5,
            random_state=args.seed, n_jobs=args.threads)
        start = time.perf_counter()
        y = model.fit_transform(x)
        seconds = time.perf_counter() - start
        result = {"library": "scikit-learn", "version": sklearn.__version__,
                  "kl": float(model.kl_divergence_), "iterations": int(model.n_iter_) + 1}
    else:
        import openTSNE

        model = openTSNE.TSNE(n_components=2, n_jobs=args.threads, random_state=args.seed)
        start = time.perf_counter()
        embedding = model.fit(x)
        seconds = time.perf_counter() - start
        y = np.asarray(embedding)
        result = {"library": "openTSNE", "version": openTSNE.__version__,
                  "kl": float(embedding.kl_divergence), "iterations": 750}
np.ascontiguousarray(y, dtype="<f4").tofile(args.out)
result.update({"seconds": seconds, "threads": args.threads})
print(json.dumps(result))
