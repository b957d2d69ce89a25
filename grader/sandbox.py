r"""Start the sandboxed child that runs a learner's code, and talk to it.

Isolation levels, strongest first:

``bwrap``
    bubblewrap: new mount, PID, network, IPC and UTS namespaces; the only
    files visible are the system and Python installation (read-only), the
    harness and a copy of nnkit with the lesson's graded functions stubbed out
    (read-only), and an empty writable work directory. No network. When the
    grader runs as root the child also drops to an unprivileged user id, so
    the process limit holds.
``process``
    a plain child process: empty environment, own temporary directory,
    isolated interpreter (``-I -S``: the real nnkit is not importable, only
    the stubbed copy), resource limits. Course files stay readable by path and
    the network is reachable; as root the process limit is not enforced.

Both have limits on address space, CPU time, open files, file size and
processes, and the parent enforces wall-clock timeouts by killing the child.
"""
from __future__ import annotations

import ast
import compileall
import functools
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import wire

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Limits:
    """Resource limits of one child; times in seconds, sizes in MB."""

    memory_mb: int = 1024
    cpu_seconds: int = 120
    file_mb: int = 16
    processes: int = 32
    open_files: int = 256
    cell_timeout: float = 30.0
    exercise_timeout: float = 10.0

    def rlimits(self, process_base: int = 0) -> dict:
        """``resource`` names and values the child sets on itself."""
        return {"RLIMIT_AS": self.memory_mb * 2**20, "RLIMIT_CPU": self.cpu_seconds,
                "RLIMIT_FSIZE": self.file_mb * 2**20, "RLIMIT_NOFILE": self.open_files,
                "RLIMIT_NPROC": process_base + self.processes, "RLIMIT_CORE": 0}


@dataclass(frozen=True)
class Isolation:
    """Which isolation the children get, and why (shown in every report)."""

    kind: str
    detail: str


def _site_dirs() -> list[str]:
    """Directories a child needs on ``sys.path`` besides the standard library."""
    return sorted({str(Path(np.__file__).resolve().parents[1])})


def _python_roots() -> list[str]:
    roots = {sys.base_prefix, sys.prefix, *_site_dirs()}
    return sorted(os.path.realpath(r) for r in roots)


def _ro_bind_with_parents(path: str) -> list[str]:
    """bwrap arguments binding ``path`` read-only, with traversable parent dirs."""
    args, parts = [], Path(path).parts
    for i in range(2, len(parts)):
        args += ["--perms", "0755", "--dir", str(Path(*parts[:i]))]
    return args + ["--ro-bind", path, path]


def bwrap_command(lib: Path, work: Path) -> list[str]:
    """The bubblewrap wrapper around the child interpreter."""
    cmd = ["bwrap", "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
           "--unshare-cgroup-try", "--die-with-parent", "--new-session", "--clearenv"]
    if os.geteuid() != 0:
        cmd.append("--unshare-user")
    for top in ("/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin"):
        if os.path.islink(top):
            cmd += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            cmd += ["--ro-bind", top, top]
    if _bwrap_has_size():
        # Writable places are small tmpfs mounts: a flood of files fills them, not the disk.
        for where in ("/sandbox", "/tmp"):
            cmd += ["--perms", "01777", "--size", str(TMPFS_BYTES), "--tmpfs", where]
    else:
        cmd += ["--bind", str(work), "/sandbox", "--tmpfs", "/tmp"]
    # After /tmp: a Python (or virtual environment) living under /tmp is bound on top
    # of the empty tmpfs instead of being hidden by it.
    for root in _python_roots():
        if not root.startswith("/usr/"):
            cmd += _ro_bind_with_parents(root)
    for name, value in CHILD_ENV.items():
        cmd += ["--setenv", name, value]
    cmd += ["--ro-bind", str(lib), "/grader", "--proc", "/proc", "--dev", "/dev"]
    return cmd + ["--chdir", "/sandbox"]


TMPFS_BYTES = 64 * 2**20


@functools.lru_cache(maxsize=None)
def _bwrap_has_size() -> bool:
    """Whether this bubblewrap can limit a tmpfs (``--size``, bubblewrap 0.7 and later)."""
    try:
        done = subprocess.run(["bwrap", "--help"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return "--size" in done.stdout + done.stderr


# NNKIT_KERNELS=numpy: untrusted code never starts numba's compiler (seconds per
# submission) nor writes a compilation cache that the next submission would load.
CHILD_ENV = {"PATH": "/usr/bin:/bin", "HOME": "/sandbox", "LANG": "C.UTF-8",
             "MPLBACKEND": "Agg", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
             "MKL_NUM_THREADS": "1", "PYTHONHASHSEED": "0", "NNKIT_KERNELS": "numpy"}


@functools.lru_cache(maxsize=None)
def detect_isolation(wanted: str = "auto") -> Isolation:
    """Probe whether bubblewrap works here; fall back to ``process`` when allowed.

    Raises
    ------
    RuntimeError
        When ``wanted == "bwrap"`` and bubblewrap cannot be used.
    """
    if wanted == "process":
        return Isolation("process", "plain child process (chosen with --isolation process)")
    reason = _bwrap_problem()
    if reason is None:
        who = "an unprivileged uid" if os.geteuid() == 0 else "a user namespace"
        return Isolation("bwrap", f"bubblewrap: no network, no course files, {who}")
    if wanted == "bwrap":
        raise RuntimeError(f"bubblewrap isolation requested but unusable: {reason}")
    note = "; as root the process-count limit is not enforced" if os.geteuid() == 0 else ""
    return Isolation("process", f"plain child process ({reason}; install bubblewrap for "
                                f"stronger isolation{note})")


def _bwrap_problem() -> str | None:
    if shutil.which("bwrap") is None:
        return "bwrap is not installed"
    with tempfile.TemporaryDirectory() as tmp:
        cmd = bwrap_command(Path(tmp), Path(tmp)) + [sys.executable, "-I", "-S", "-c", "pass"]
        try:
            done = subprocess.run(cmd, capture_output=True, timeout=30, env=CHILD_ENV)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"bwrap failed to start ({exc})"
    if done.returncode != 0:
        return f"bwrap cannot create a sandbox here: {done.stderr.decode(errors='replace').strip()[:200]}"
    return None


def _stub_functions(source: str, blocked: set, lesson: str) -> str:
    """Source of an nnkit module whose top-level functions in ``blocked`` raise."""
    tree = ast.parse(source)
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name in blocked:
            message = (f"nnkit.{node.name} is not available while {lesson} is graded: "
                       "this notebook has to implement it")
            node.body = [ast.parse(f"raise NotImplementedError({message!r})").body[0]]
    return ast.unparse(tree)


def build_lesson_lib(dest: Path, lesson: str, blocked: tuple) -> Path:
    """Write the read-only tree a child of ``lesson`` sees: harness, nnkit copy, grader stub."""
    import nnkit

    src = Path(nnkit.__file__).resolve().parent
    for path in sorted(src.rglob("*.py")):
        if path.name == "plots.py" or "explore" in path.relative_to(src).parts:
            continue  # display-only: the child serves them as inert modules
        target = dest / "nnkit" / path.relative_to(src)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_stub_functions(path.read_text(encoding="utf-8"), set(blocked), lesson))
    (dest / "_harness").mkdir(parents=True, exist_ok=True)
    (dest / "_harness" / "__init__.py").write_text("")
    for name in ("wire.py", "plan.py"):
        shutil.copy(HERE / name, dest / "_harness" / name)
    shutil.copy(HERE / "child.py", dest / "child.py")
    (dest / "grader").mkdir(exist_ok=True)
    (dest / "grader" / "__init__.py").write_text(
        '"""Stand-in for the grader inside the sandbox: check() is feedback only."""\n\n\n'
        "def check(fn=None, *args, **kwargs):\n    return None\n")
    compileall.compile_dir(dest, quiet=1)  # the child cannot write .pyc files
    for path in [dest, *dest.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    return dest


def _user_process_count() -> int:
    uid, count = os.getuid(), 0
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                count += entry.stat().st_uid == uid
            except OSError:
                continue
    return count


@dataclass
class Child:
    """A running child: write orders to ``orders``, read answers from ``answers``."""

    proc: subprocess.Popen
    orders: int
    answers: int
    work: Path
    log: Path
    closed: bool = field(default=False)

    def send(self, header: dict, arrays: dict | None = None) -> None:
        wire.send(self.orders, header, arrays)

    def receive(self, timeout: float) -> tuple[dict, dict]:
        return wire.receive(self.answers, time.monotonic() + timeout)

    def output_tail(self, limit: int = 2000) -> str:
        """The end of what the learner's code printed (for feedback on crashes)."""
        try:
            with open(self.log, "rb") as f:
                f.seek(max(0, self.log.stat().st_size - limit))
                return f.read().decode("utf-8", errors="replace")
        except OSError:
            return ""

    def exit_code(self) -> int | None:
        try:
            return self.proc.wait(timeout=1)
        except subprocess.TimeoutExpired:
            return None

    def close(self) -> None:
        """Kill the child and everything it started; remove its work directory."""
        if self.closed:
            return
        self.closed = True
        for fd in (self.orders, self.answers):
            try:
                os.close(fd)
            except OSError:
                pass
        try:
            os.killpg(self.proc.pid, 9)
        except (ProcessLookupError, PermissionError):
            pass
        self.proc.wait()
        shutil.rmtree(self.work, ignore_errors=True)
        self.log.unlink(missing_ok=True)


def start_child(lib: Path, isolation: Isolation, limits: Limits, cells: list, skip: list,
                workroot: Path) -> Child:
    """Start a child for one notebook and send it its configuration."""
    work = Path(tempfile.mkdtemp(prefix="sub-", dir=workroot))
    log = work.parent / (work.name + ".log")
    to_child_r, to_child_w = os.pipe()
    from_child_r, from_child_w = os.pipe()
    if isolation.kind == "bwrap":
        cmd = bwrap_command(lib, work) + [sys.executable, "-I", "-S", "/grader/child.py"]
    else:
        cmd = [sys.executable, "-I", "-S", str(lib / "child.py")]
    cmd += [str(from_child_w), *_site_dirs()]
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, stdin=to_child_r, stdout=out, stderr=out, cwd=work,
                                env=CHILD_ENV, pass_fds=(from_child_w,), process_group=0)
    os.close(to_child_r)
    os.close(from_child_w)
    child = Child(proc, to_child_w, from_child_r, work, log)
    uid = None
    if isolation.kind == "bwrap" and os.geteuid() == 0:
        uid = 200_000 + proc.pid % 100_000
        os.chown(work, uid, uid)
    base = _user_process_count() if (isolation.kind == "process" and os.geteuid() != 0) else 0
    child.send({"cells": cells, "skip": skip, "uid": uid,
                "limits": limits.rlimits(base)})
    return child
