"""Prepares the shared inputs of the Manifold benchmarks (dcrl-bench tsne/umap/knn) once.

Reads MNIST (IDX .gz) with numpy and writes raw little-endian float32 matrices (no header)
into OUT (default .build/bench-data):
- mnist70k_pca50.f32   70000 x 50: the 60k training then 10k test images scaled to [0, 1],
                       projected on their first 50 principal components (sklearn PCA,
                       svd_solver='full'), the t-SNE input of the 70k benchmark;
- mnist3000_pca10.f32  3000 x 10: the first 3000 training images, PCA to 10 dimensions: a
                       stand-in for DCRL's 3000 x 10 latent codes (SPEC.md 3.2);
- mnist70k_labels.i32  70000 int32 labels.
Both sides of every benchmark read these same files. Prints one JSON line with the versions.

Usage: python3 Scripts/peer/manifold_inputs.py --data ../shared/data/mnist [--out DIR]
"""
import argparse
import gzip
import json
import os

import numpy as np
import sklearn
from sklearn.decomposition import PCA

parser = argparse.ArgumentParser()
parser.add_argument("--data", default="../shared/data/mnist")
parser.add_argument("--out", default=".build/bench-data")
args = parser.parse_args()
os.makedirs(args.out, exist_ok=True)


def idx(name, offset):
    with gzip.open(os.path.join(args.data, name)) as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)


images = np.concatenate([
    idx("train-images-idx3-ubyte.gz", 16).reshape(-1, 784),
    idx("t10k-images-idx3-ubyte.gz", 16).reshape(-1, 784),
]).astype(np.float32) / 255.0
labels = np.concatenate([idx("train-labels-idx1-ubyte.gz", 8), idx("t10k-labels-idx1-ubyte.gz", 8)])

paths = {
    "mnist70k_pca50.f32": lambda: PCA(50, svd_solver="full", random_state=0).fit_transform(images),
    "mnist3000_pca10.f32": lambda: PCA(10, svd_solver="full", random_state=0).fit_transform(images[:3000]),
}
for name, make in paths.items():
    path = os.path.join(args.out, name)
    if not os.path.exists(path):
        np.ascontiguousarray(make(), dtype="<f4").tofile(path)
labels.astype("<i4").tofile(os.path.join(args.out, "mnist70k_labels.i32"))
print(json.dumps({"sklearn": sklearn.__version__, "numpy": np.__version__, "out": args.out}))
