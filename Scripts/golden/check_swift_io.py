"""Checks that the files the Swift Datasets module writes load in NumPy with the right values:
the committed Tests/DatasetsTests/Fixtures/swift/* (written once by the Swift test
`SwiftWrittenFixtureTests` with DCRL_WRITE_SWIFT_FIXTURES=1, and compared byte for byte with
the current writer on every `swift test`).

Usage: python3 Scripts/golden/check_swift_io.py [FOLDER]   (exits 1 on any mismatch)
"""
import io
import sys
import zipfile

import numpy as np

folder = sys.argv[1] if len(sys.argv) > 1 else "Tests/DatasetsTests/Fixtures/swift"
failures = []


def check(name, actual, expected):
    ok = actual.dtype == expected.dtype and actual.shape == expected.shape and np.array_equal(actual, expected, equal_nan=True)
    print(f"{'ok  ' if ok else 'FAIL'} {name}: {actual.dtype} {actual.shape}")
    if not ok:
        failures.append(name)
        print("  expected", expected.dtype, expected.shape, expected.reshape(-1)[:6])
        print("  actual  ", actual.dtype, actual.shape, actual.reshape(-1)[:6])


# The same formulas as SwiftWrittenFixtureTests.swift.
features = np.array([(i * 3 + j) * 0.25 - 1.1 for i in range(5) for j in range(3)], dtype=np.float32).reshape(5, 3)
doubles = np.array([0.1, -2.5e-8, 3e100, -0.0], dtype=np.float64).reshape(2, 2)
labels = np.array([3, 1, 4, 1, 5, 9, 2, 6], dtype=np.int64)
pixels = np.array([0, 17, 255, 128], dtype=np.uint8).reshape(2, 2)

check("features.npy", np.load(f"{folder}/features.npy"), features)
check("doubles.npy", np.load(f"{folder}/doubles.npy"), doubles)
check("labels.npy", np.load(f"{folder}/labels.npy"), labels)
check("pixels.npy", np.load(f"{folder}/pixels.npy"), pixels)
for archive in ("stored.npz", "deflated.npz", "zip64.npz"):
    with np.load(f"{folder}/{archive}") as data:
        check(f"{archive}:features", data["features"], features)
        check(f"{archive}:labels", data["labels"], labels)
        check(f"{archive}:pixels", data["pixels"], pixels)
    with zipfile.ZipFile(f"{folder}/{archive}") as z:
        bad = z.testzip()
        methods = sorted({info.compress_type for info in z.infolist()})
        print(f"     {archive}: zip members {z.namelist()}, methods {methods}, CRC {'ok' if bad is None else 'BAD ' + bad}")
        if bad is not None:
            failures.append(archive + " CRC")
check("features.csv", np.loadtxt(f"{folder}/features.csv", delimiter=",", dtype=np.float32), features)
check("doubles.csv", np.loadtxt(f"{folder}/doubles.csv", delimiter=",", skiprows=1), doubles)

# Our .npy bytes equal numpy.save's for the same arrays.
for name, array in [("features.npy", features), ("doubles.npy", doubles), ("labels.npy", labels), ("pixels.npy", pixels)]:
    buffer = io.BytesIO()
    np.save(buffer, array)
    same = buffer.getvalue() == open(f"{folder}/{name}", "rb").read()
    print(f"{'ok  ' if same else 'FAIL'} {name} is byte-identical to numpy.save")
    if not same:
        failures.append(name + " bytes")

print("all Swift-written files load in NumPy" if not failures else f"{len(failures)} failure(s): {failures}")
sys.exit(1 if failures else 0)
