"""The sandboxed child: blocked references, usable helpers, isolation, the wire format."""
from __future__ import annotations

import io

import numpy as np
import pytest

from grader import exercises, plan, wire
from grader.runner import run_notebook
from grader.sandbox import Limits, build_lesson_lib, detect_isolation

LIMITS = Limits(memory_mb=768, cell_timeout=5.0, exercise_timeout=5.0)
KINDS = ["process"] + (["bwrap"] if detect_isolation().kind == "bwrap" else [])


@pytest.fixture(scope="module")
def lib01(tmp_path_factory):
    return build_lesson_lib(tmp_path_factory.mktemp("lib"), "01_neuron", exercises.blocked_names("01_neuron"))


def _run(cells, lib, kind, tmp_path, jobs=()):
    return run_notebook(cells, list(jobs), lib, detect_isolation(kind), LIMITS, tmp_path)


@pytest.mark.parametrize("kind", KINDS)
def test_graded_references_blocked_helpers_usable(lib01, kind, tmp_path):
    cells = ["import nnkit\nnnkit.sigmoid(0.0)",
             "import nnkit\nnnkit.ACTIVATIONS['sigmoid'](0.0)",
             "import numpy as np\nimport nnkit\nnnkit.predict_proba(np.ones((1, 1)), np.ones(1), 0.0)",
             "import numpy as np\nimport nnkit\nX, y = nnkit.make_blobs(n=10, seed=0)\nassert X.shape == (10, 2)\n"
             "r = nnkit.check_gradient(lambda x: float(np.sum(x ** 2)), np.ones(3), 2 * np.ones(3))\nassert r.passed",
             "import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot([1], [2])",
             "from grader import check\nassert check(print) is None"]
    result = _run(cells, lib01, kind, tmp_path)
    for index in (0, 1, 2):
        err = result.cell_errors[index]
        assert err["type"] == "NotImplementedError" and "01_neuron is graded" in err["message"]
    assert set(result.cell_errors) == {0, 1, 2}


@pytest.mark.skipif("bwrap" not in KINDS, reason="bubblewrap does not work on this machine")
def test_bwrap_hides_course_files_and_network(lib01, tmp_path):
    import grader

    course = str(__import__("pathlib").Path(grader.__file__).resolve().parents[1])
    cells = [f"import os\nassert not os.path.exists({course!r})",
             "import socket\ntry:\n    socket.create_connection(('1.1.1.1', 53), timeout=2)\n    raise AssertionError('network')\n"
             "except OSError:\n    pass",
             "import os\nassert os.getuid() != 0 and os.environ.get('HOME') == '/sandbox'"]
    assert _run(cells, lib01, "bwrap", tmp_path).cell_errors == {}


@pytest.mark.parametrize("kind", KINDS)
def test_untrusted_code_never_starts_the_compiler(lib01, kind, tmp_path):
    # A large array would take nnkit's compiled loops anywhere else.
    cells = ["import os, sys\nimport numpy as np\nimport nnkit\n"
             "assert os.environ['NNKIT_KERNELS'] == 'numpy'\n"
             "g = nnkit.relu_grad(np.linspace(-1, 1, 10**6))\n"
             "assert g.sum() == 5 * 10**5 and 'numba' not in sys.modules"]
    assert _run(cells, lib01, kind, tmp_path).cell_errors == {}


@pytest.mark.parametrize("kind", KINDS)
def test_exercise_outcomes_come_back_as_plain_data(lib01, kind, tmp_path):
    ex = exercises.get("sigmoid")
    cells = ["import numpy as np\ndef sigmoid(z):\n    return np.tanh(z)"]
    result = _run(cells, lib01, kind, tmp_path, [(ex.name, ex.plan, ex.public())])
    outcomes = result.outcomes["sigmoid"]
    assert [o["status"] for o in outcomes] == ["ok"] * len(ex.public())
    np.testing.assert_array_equal(outcomes[0]["value"], np.tanh(ex.public()[0].inputs["z"]))


def test_isolation_is_reported():
    iso = detect_isolation()
    assert iso.kind in ("bwrap", "process") and iso.detail
    assert detect_isolation("process").kind == "process"


def test_wire_round_trip_and_refuses_pickles():
    arrays = {}
    value = {"a": (np.arange(3.0), 2, [1.5, None, "s"]), "f32": np.float32(1.5)}
    desc = wire.encode(value, arrays)
    header, back = wire.unpack(wire.pack({"v": desc}, arrays))
    got = wire.decode(header["v"], back)
    np.testing.assert_array_equal(got["a"][0], np.arange(3.0))
    assert got["a"][1:] == (2, [1.5, None, "s"]) and got["f32"].dtype == np.float32
    assert wire.encode(object(), {}) == {"t": "x", "v": "object"}
    buf = io.BytesIO()
    np.savez(buf, __header__=np.frombuffer(b"{}", np.uint8), evil=np.array([object()], dtype=object))
    with pytest.raises(wire.WireError):
        wire.unpack(buf.getvalue())


def test_plan_chains_steps_and_reports_the_failing_function():
    p = plan.make_plan(plan.call("f", plan.inp("x"), save="s"), plan.call("g", plan.saved("s", 1)))
    fns = {"f": lambda x: (x, x * 2), "g": lambda c: c + 1}
    assert plan.run_plan(p, {"x": np.ones(2)}, fns.get).value.tolist() == [3.0, 3.0]
    out = plan.observe(p, {"x": np.ones(2)}, {"f": lambda x: 1 / 0, "g": fns["g"]}.get)
    assert out["status"] == "error" and out["function"] == "f" and "ZeroDivisionError" in out["error_types"]
    assert plan.observe(p, {"x": np.ones(2)}, {}.get)["status"] == "missing"
    z = np.array([-1.0, 1.0])
    mut = plan.observe(plan.make_plan(plan.call("r", plan.inp("z"))), {"z": z},
                       {"r": lambda a: np.clip(a, 0, None, out=a)}.get)
    assert mut["mutated"] == ["z"] and z.tolist() == [-1.0, 1.0]
