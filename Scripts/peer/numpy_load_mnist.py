"""NumPy peer for `dcrl-bench datasets`: loads MNIST-full from the four IDX .gz files the way
Python pipelines usually do (gzip.decompress + numpy.frombuffer, pixels / 255 as float32, train
then test), optionally verifying each file's SHA-256 first as the Swift loader does. Prints one
JSON line with every timed run's duration in seconds.

Usage: python3 Scripts/peer/numpy_load_mnist.py --data DIR [--runs 5] [--no-verify]
"""
import argparse
import gzip
import hashlib
import json
import os
import time

import numpy as np

parser = argparse.ArgumentParser()
parser.add_argument("--data", required=True, help="folder with the four MNIST .gz files")
parser.add_argument("--runs", type=int, default=5)
parser.add_argument("--no-verify", action="store_true", help="skip the SHA-256 check")
args = parser.parse_args()

CHECKSUMS = {
    "train-images-idx3-ubyte.gz": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    "train-labels-idx1-ubyte.gz": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    "t10k-images-idx3-ubyte.gz": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    "t10k-labels-idx1-ubyte.gz": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}


def read(name, magic):
    with open(os.path.join(args.data, name), "rb") as f:
        raw = f.read()
    if not args.no_verify and hashlib.sha256(raw).hexdigest() != CHECKSUMS[name]:
        raise SystemExit(f"{name}: checksum mismatch")
    data = gzip.decompress(raw)
    assert int.from_bytes(data[:4], "big") == magic
    rank = data[3]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank)


def load():
    images, labels = [], []
    for prefix in ("train", "t10k"):
        images.append(read(f"{prefix}-images-idx3-ubyte.gz", 2051).reshape(-1, 784))
        labels.append(read(f"{prefix}-labels-idx1-ubyte.gz", 2049))
    x = np.concatenate(images).astype(np.float32) / np.float32(255)
    y = np.concatenate(labels).astype(np.int64)
    assert x.shape == (70000, 784) and y.shape == (70000,)
    return x, y


load()  # warm-up: file cache, imports
samples = []
for _ in range(args.runs):
    start = time.perf_counter()
    load()
    samples.append(time.perf_counter() - start)
print(json.dumps({"samples": samples, "verify": not args.no_verify, "numpy": np.__version__}))
