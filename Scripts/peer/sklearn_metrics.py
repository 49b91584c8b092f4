"""Peer for `dcrl-bench metrics`: scikit-learn's trustworthiness for k = 3..7 on given .npy
matrices. Prints one JSON line: seconds (all five calls), trust per k, version, peak RSS."""
import argparse
import json
import resource
import time

import numpy as np
import sklearn
from sklearn.manifold import trustworthiness

parser = argparse.ArgumentParser()
parser.add_argument("--x", required=True)
parser.add_argument("--z", required=True)
args = parser.parse_args()
x = np.load(args.x)
z = np.load(args.z)
start = time.perf_counter()
trust = [float(trustworthiness(x, z, n_neighbors=k)) for k in range(3, 8)]
seconds = time.perf_counter() - start
print(json.dumps({
    "seconds": seconds, "trust": trust, "version": sklearn.__version__,
    "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024.0,
}))
