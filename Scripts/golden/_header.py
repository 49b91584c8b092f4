"""Shared header for golden fixtures: generator path, library versions, seed, format version."""
import json
import platform
import sys


def header(generator, seed, format_version=1, **extra):
    versions = {"python": platform.python_version()}
    for name in ("numpy", "torch", "sklearn", "scipy", "safetensors", "openTSNE", "umap"):
        module = sys.modules.get(name)
        if module is not None:
            versions[name] = getattr(module, "__version__", "unknown")
    result = {"generator": generator, "format_version": format_version, "versions": versions, "seed": seed}
    result.update(extra)
    return result


def exact(value):
    """Floats become their shortest round-trip repr strings: the Swift side parses them with
    strtod, which rounds correctly, while Foundation's JSON number parser on Linux can be off by
    a few ulps."""
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dict):
        return {k: exact(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [exact(v) for v in value]
    return value


def write(path, header_object, data):
    with open(path, "w") as f:
        json.dump({"header": header_object, "data": exact(data)}, f, indent=None, separators=(",", ":"))
        f.write("\n")
