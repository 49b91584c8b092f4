"""Checks that a safetensors file written by this library loads in the Python `safetensors`
package, and prints each tensor's name, dtype, shape and first values.

Usage: python3 Scripts/golden/check_swift_safetensors.py FILE.safetensors
"""
import sys

from safetensors import safe_open

with safe_open(sys.argv[1], framework="numpy") as f:
    print("metadata:", f.metadata())
    for name in f.keys():
        t = f.get_tensor(name)
        print(name, t.dtype, t.shape, t.reshape(-1)[:4])
