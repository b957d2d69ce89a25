r"""The trusted harness that runs inside the sandbox (copied there as a script).

It reads its orders from stdin and answers on the file descriptor named by its
first argument, both in the :mod:`grader.wire` format. First it locks itself
down (resource limits, an unprivileged user when started as root), then runs
the notebook's code cells one by one, reporting each, then answers "run"
orders: call an exercise's plan (see :mod:`grader.plan`) on the given inputs
and send back plain data.

It never decides a grade. Everything here can be tampered with by the code
it runs; the parent treats what comes back as untrusted data.
"""
import builtins
import os
import re
import resource
import signal
import sys
import traceback

plan = wire = None  # the sandbox's copies, imported by main() once the path is set
MAX_RESULT_BYTES = 64 * 2**20
MAGIC = re.compile(r"^(\s*)[%!].*$")
# Display-only libraries: plots and widgets cannot change a graded function,
# and importing them costs more than grading does.
NULL_MODULES = ("matplotlib", "ipywidgets", "IPython", "ipympl", "seaborn", "nnkit.plots", "nnkit.explore")


class _Null:
    """Stands in for anything from a display-only module: every use is a no-op."""

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return self

    def __call__(self, *args, **kwargs):
        return self

    def __getitem__(self, key):
        return self

    def __setitem__(self, key, value):
        pass

    def __iter__(self):
        return iter((self, self))  # `fig, ax = plt.subplots()` still unpacks

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def __repr__(self):
        return "<display-only object, inactive while grading>"


class _NullFinder:
    """Meta-path finder that serves :data:`NULL_MODULES` as empty modules."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        import importlib.machinery

        if any(name == m or name.startswith(m + ".") for m in NULL_MODULES):
            return importlib.machinery.ModuleSpec(name, _NullFinder, is_package=True)
        return None

    @staticmethod
    def create_module(spec):
        import types

        module = types.ModuleType(spec.name)
        module.__path__ = []
        module.__getattr__ = lambda name: _Null()
        return module

    @staticmethod
    def exec_module(module):
        pass


def _take_pipes():
    """Keep private copies of the order/answer pipes; give cells an empty stdin."""
    given = int(sys.argv[1])
    orders, answers = os.dup(0), os.dup(given)
    os.close(given)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    return orders, answers


def _lock_down(config):
    limits = config["limits"]
    if config.get("uid") is not None:
        os.setgroups([])
        os.setgid(config["uid"])
        os.setuid(config["uid"])
    for name, value in limits.items():
        resource.setrlimit(getattr(resource, name), (value, value))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails, not the child


def clean_magics(source: str) -> str:
    """IPython magics and shell escapes become ``pass``; cell magics skip the cell."""
    if source.lstrip().startswith("%%"):
        return ""
    return "\n".join(MAGIC.sub(r"\1pass", line) for line in source.splitlines())


def _run_cell(source, ns, index):
    try:
        exec(compile(clean_magics(source), f"<cell {index + 1}>", "exec"), ns)
        return None
    except BaseException as exc:  # sys.exit and KeyboardInterrupt cost only this cell
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.startswith("<cell")]
        line = frames[-1].lineno if frames else None
        return {"type": type(exc).__name__, "message": str(exc)[:300], "line": line}
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except BaseException:
                pass


def _make_record(name):
    import nnkit  # the sandbox's copy, where graded functions are stubs

    return nnkit.ACTIVATIONS[name]


def _run_exercise(header, arrays, ns):
    cases = wire.decode(header["cases"], arrays)
    out_arrays, described = {}, []
    for inputs in cases:
        try:
            outcome = plan.observe(header["plan"], inputs, ns.get, _make_record)
        except BaseException as exc:  # SystemExit inside a graded function
            outcome = {"status": "error", "function": header["plan"]["steps"][-1]["call"],
                       "error_types": [type(exc).__name__], "message": str(exc)[:300]}
        described.append(wire.encode(outcome, out_arrays))
    if sum(a.nbytes for a in out_arrays.values()) > MAX_RESULT_BYTES:
        too_big = {"status": "error", "function": header["plan"]["steps"][-1]["call"],
                   "error_types": ["ResultTooLarge"],
                   "message": f"returned more than {MAX_RESULT_BYTES // 2**20} MB of data"}
        return {"event": "result", "outcomes": [wire.encode(too_big, {})] * len(cases)}, {}
    return {"event": "result", "outcomes": described}, out_arrays


def main():
    global plan, wire
    # argv: the answer pipe's descriptor, then the directories holding numpy.
    sys.path[:0] = [os.path.dirname(os.path.abspath(__file__))]
    sys.path += sys.argv[2:]
    from _harness import plan, wire

    orders, answers = _take_pipes()
    config, _ = wire.receive(orders)
    _lock_down(config)
    import numpy  # noqa: F401  (loaded before any learner code can shadow it)

    sys.meta_path.insert(0, _NullFinder)

    ns = {"__name__": "__main__", "__builtins__": builtins}
    for index, source in enumerate(config["cells"]):
        if index in config["skip"]:
            continue
        wire.send(answers, {"event": "cell", "index": index})
        error = _run_cell(source, ns, index)
        wire.send(answers, {"event": "cell_done", "index": index, "error": error})
    wire.send(answers, {"event": "ready"})
    while True:
        header, arrays = wire.receive(orders)
        if header.get("op") != "run":
            break
        wire.send(answers, *_run_exercise(header, arrays, ns))


if __name__ == "__main__":
    main()
