"""Safetensors interoperability fixture: a file written by the Python `safetensors` package
(float32 and float64 tensors, an empty tensor, metadata) plus the expected values as JSON.

Writes Tests/NNTests/Fixtures/python_written.safetensors and python_written.json.
Run from the repository root:  python3 Scripts/golden/safetensors_fixture.py
"""
import os
import sys

import numpy as np
import safetensors
from safetensors.numpy import save_file

sys.path.insert(0, os.path.dirname(__file__))
from _header import header, write  # noqa: E402

SEED = 1
rng = np.random.default_rng(SEED)
tensors = {
    "0.weight": rng.standard_normal((3, 5)).astype(np.float32),
    "0.bias": rng.standard_normal(3).astype(np.float32),
    "centres": rng.standard_normal((2, 4)).astype(np.float64),
    "scalar": np.array(3.5, dtype=np.float64),
    "empty": np.zeros((0, 4), dtype=np.float32),
}
save_file(tensors, "Tests/NNTests/Fixtures/python_written.safetensors", metadata={"format": "dcrl-test", "seed": str(SEED)})
write(
    "Tests/NNTests/Fixtures/python_written.json",
    header("Scripts/golden/safetensors_fixture.py", SEED),
    {name: {"shape": list(t.shape), "values": t.reshape(-1).astype(np.float64).tolist(),
            "dtype": "F32" if t.dtype == np.float32 else "F64"} for name, t in tensors.items()},
)
