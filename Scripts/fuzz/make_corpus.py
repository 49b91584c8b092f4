"""Writes the seed corpus of loaders-fuzz: small valid inputs for each parser, under
Fuzz/corpus/<target>/. Run from the repository root:  python3 Scripts/fuzz/make_corpus.py
"""
import gzip
import io
import os
import struct

import numpy as np

rng = np.random.default_rng(0)
root = "Fuzz/corpus"


def put(target, name, data):
    os.makedirs(f"{root}/{target}", exist_ok=True)
    with open(f"{root}/{target}/{name}", "wb") as f:
        f.write(data)


def idx(array, code=0x08):
    header = struct.pack(">I", code << 8 | array.ndim) + b"".join(struct.pack(">I", d) for d in array.shape)
    dtype = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}[code]
    return header + array.astype(dtype).tobytes()


images = rng.integers(0, 256, size=(3, 4, 4))
labels = rng.integers(0, 10, size=3)
put("idx", "images_labels", idx(images) + idx(labels))  # split in half by the harness
put("idx", "images", idx(images))
put("idx", "labels", idx(labels))
put("idx", "floats", idx(rng.standard_normal((2, 3)), 0x0D))
put("idx", "shorts", idx(rng.integers(-500, 500, size=5), 0x0B))

for name, array in {
    "f4": rng.standard_normal((3, 4)).astype(np.float32),
    "f8_fortran": np.asfortranarray(rng.standard_normal((2, 3))),
    "i8": np.arange(6, dtype=np.int64),
    "u1": np.arange(12, dtype=np.uint8).reshape(3, 4),
    "be": np.arange(3, dtype=">i4"),
    "scalar": np.array(1.5),
}.items():
    buffer = io.BytesIO()
    np.save(buffer, array)
    put("npy", name, buffer.getvalue())

for name, save in [("stored", np.savez), ("deflated", np.savez_compressed)]:
    buffer = io.BytesIO()
    save(buffer, x=rng.standard_normal((2, 2)).astype(np.float32), y=np.arange(3))
    put("npz", name, buffer.getvalue())

put("csv", "plain", b"1,2,3\n4.5,-6e-3,7\n")
put("csv", "header", b"h1,h2\n1,2\n3,4\n")
put("csv", "comments", b"# comment\n 1.0 , nan\n\n2,inf\r\n")
buffer = io.StringIO()
np.savetxt(buffer, rng.standard_normal((3, 2)), delimiter=",")
put("csv", "savetxt", buffer.getvalue().encode())

put("gzip", "text", gzip.compress(b"hello hello hello hello", mtime=0))
put("gzip", "two_members", gzip.compress(b"abc", mtime=0) + gzip.compress(b"defdef", mtime=0))
put("gzip", "idx", gzip.compress(idx(images), mtime=0))

line = lambda label: (f"{label:.4f} " + " ".join(f"{v:.4f}" for v in rng.uniform(-1, 1, 256))).encode()
put("usps", "two_lines", line(3) + b"\n" + line(7) + b"\n")
put("tab", "documents", b"Category\tText\nd\tstring\nclass\t\nearn\tprofit rose in the quarter\nacq\tcompany agreed to buy shares\n")


# safetensors: small files of each supported dtype, with and without metadata.
def safetensors(tensors, metadata=None):
    import json

    header, payload = {}, b""
    for name, array in tensors.items():
        raw = array.tobytes()
        dtype = {np.float32: "F32", np.float64: "F64", np.int64: "I64"}[array.dtype.type]
        header[name] = {"dtype": dtype, "shape": list(array.shape),
                        "data_offsets": [len(payload), len(payload) + len(raw)]}
        payload += raw
    if metadata is not None:
        header["__metadata__"] = metadata
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + payload


put("safetensors", "f32", safetensors({"w": rng.standard_normal((2, 3)).astype(np.float32)}))
put("safetensors", "mixed", safetensors(
    {"a": rng.standard_normal(4), "b": np.arange(3, dtype=np.int64),
     "c": np.zeros((0, 2), dtype=np.float32)}, {"format": "test"}))

# model: a whole DCRL model file (DCRLModel.load's model.safetensors): 3 inputs, one hidden layer
# of 4 units, 2-d codes, 2 clusters.
configuration = {
    "ablation": "none", "batchSize": 16, "centerInitialization": "kmeans",
    "clusteringReduction": "mean", "clusteringWeight": 0.1, "clusters": 2,
    "degreesOfFreedom": 1, "epochs": 2, "fullPassChunkSize": 8192, "hiddenSizes": [4],
    "initializationKMeansRuns": 2, "initializationKMeansSeed": 0,
    "initializationSubsetSize": 3000, "isometryNeighbors": 3, "latentDimension": 2,
    "learningRate": 0.001,
    "pretraining": {"batchSize": 16, "epochs": 2, "noise": 0.2,
                    "optimizer": {"adam": {"learningRate": 0.001}}, "seed": 0},
    "rankingScale": 3, "reconstructionDuringFineTuning": True, "scheduleEnd": 2, "seed": 0,
    "warmUpEpochs": 0,
}
shapes = {"encoder.0": (4, 3), "encoder.2": (2, 4), "decoder.0": (4, 2), "decoder.2": (3, 4)}
weights = {}
for layer, (rows, columns) in shapes.items():
    weights[f"{layer}.weight"] = rng.standard_normal((rows, columns)).astype(np.float32)
    weights[f"{layer}.bias"] = rng.standard_normal(rows).astype(np.float32)
weights["centers"] = rng.standard_normal((2, 2)).astype(np.float32)
import json  # noqa: E402

put("model", "model.safetensors", safetensors(weights, {
    "configuration": json.dumps(configuration), "format": "dcrl-model", "format_version": "1",
    "input_dimension": "3"}))
