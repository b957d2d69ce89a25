"""Package-level promises: what importing nnkit pulls in, and what it exports."""
import subprocess
import sys

import nnkit

# numba too: it is imported on the first large array, not by ``import nnkit``.
HEAVY = ("IPython", "ipywidgets", "matplotlib", "notebook", "jupyter_client", "numba")


def test_import_nnkit_stays_light():
    # A fresh interpreter: this test process may already have imported anything.
    code = "import sys, nnkit; print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    modules = set(loaded.stdout.split())
    assert "nnkit" in modules
    assert not modules & set(HEAVY), f"import nnkit loaded {sorted(modules & set(HEAVY))}"


def test_every_exported_function_is_documented_with_an_example():
    for name in dir(nnkit):
        obj = getattr(nnkit, name)
        if callable(obj) and getattr(obj, "__module__", "").startswith("nnkit") and not isinstance(obj, type):
            doc = obj.__doc__ or ""
            assert "Parameters" in doc or "Attributes" in doc, f"{name} lacks a Parameters section"
            assert "Examples" in doc, f"{name} lacks an Examples section"
