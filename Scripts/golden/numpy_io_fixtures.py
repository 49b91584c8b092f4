"""NumPy -> Swift interoperability fixtures for the Datasets module: .npy files in every dtype
and layout the reader supports (and some it must reject), .npz archives from numpy.savez and
numpy.savez_compressed, and a CSV from numpy.savetxt, plus their expected values as JSON.

Writes Tests/DatasetsTests/Fixtures/numpy/*. Run from the repository root:
    python3 Scripts/golden/numpy_io_fixtures.py
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from _header import header, write  # noqa: E402

SEED = 4
OUT = "Tests/DatasetsTests/Fixtures/numpy"
os.makedirs(OUT, exist_ok=True)
rng = np.random.default_rng(SEED)

# Arrays whose .npy bytes the Swift writer must reproduce exactly (C order, little-endian).
canonical = {
    "f4_matrix": rng.standard_normal((3, 4)).astype(np.float32),
    "f8_rank3": rng.standard_normal((2, 3, 2)),
    "i8_labels": rng.integers(0, 10, size=7).astype(np.int64),
    "u1_pixels": rng.integers(0, 256, size=(2, 3)).astype(np.uint8),
    "f8_scalar": np.array(2.5),
    "f8_empty": np.zeros((0, 4)),
    "f4_wide_empty": np.zeros((123456789012, 0), dtype=np.float32),
    "f4_long_shape": np.zeros((1, 2, 1, 3, 1, 2, 1, 1, 2, 1, 1, 1), dtype=np.float32),
}
# Arrays the reader must convert (other dtypes, byte order, Fortran order).
converted = {
    "i4_vector": rng.integers(-1000, 1000, size=5).astype(np.int32),
    "b1_mask": np.array([True, False, True]),
    "f4_bigendian": rng.standard_normal((2, 3)).astype(">f4"),
    "i8_bigendian": np.arange(4, dtype=">i8"),
    "f8_fortran": np.asfortranarray(rng.standard_normal((3, 4))),
    "u1_fortran_rank3": np.asfortranarray(np.arange(24, dtype=np.uint8).reshape(2, 3, 4)),
}
expected = {}
for name, array in {**canonical, **converted}.items():
    np.save(f"{OUT}/{name}.npy", array)
    expected[name] = {
        "shape": list(array.shape),
        "descr": np.lib.format.dtype_to_descr(array.dtype),
        "fortran_order": bool(array.flags.f_contiguous and not array.flags.c_contiguous),
        "values": np.ascontiguousarray(array).reshape(-1).astype(np.float64).tolist(),
    }

# Arrays the reader must reject.
nan_array = rng.standard_normal((2, 3)).astype(np.float32)
nan_array[1, 2] = np.nan
np.save(f"{OUT}/bad_nan.npy", nan_array)
inf_array = np.array([1.0, -np.inf, 3.0])
np.save(f"{OUT}/bad_inf.npy", inf_array)
np.save(f"{OUT}/bad_complex.npy", np.array([1 + 2j, 3 - 1j], dtype=np.complex64))
np.save(f"{OUT}/bad_strings.npy", np.array(["ab", "cde"]))
np.save(f"{OUT}/bad_structured.npy", np.zeros(2, dtype=[("a", "<i4"), ("b", "<f8")]))

# Archives: stored (numpy.savez, zip64 local headers) and deflated (numpy.savez_compressed).
archive = {"features": canonical["f4_matrix"], "labels": canonical["i8_labels"], "pixels": canonical["u1_pixels"]}
np.savez(f"{OUT}/savez.npz", **archive)
np.savez_compressed(f"{OUT}/savez_compressed.npz", **archive)

# CSV from numpy.savetxt with a '# ' header line and the default '%.18e' format.
table = rng.standard_normal((4, 3))
np.savetxt(f"{OUT}/savetxt.csv", table, delimiter=",", header="a,b,c")
expected["savetxt"] = {"shape": list(table.shape), "values": table.reshape(-1).tolist()}

write(f"{OUT}/expected.json", header("Scripts/golden/numpy_io_fixtures.py", SEED,
                                       canonical=sorted(canonical), converted=sorted(converted)), expected)
