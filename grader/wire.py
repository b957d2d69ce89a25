r"""The only format that crosses the sandbox boundary: plain arrays, no pickle.

A message is an ``.npz`` archive written with :func:`numpy.savez` and read
with ``allow_pickle=False``. Its ``__header__`` entry holds a JSON document;
values that are arrays travel as further entries and the JSON names them. The
frame on the pipe is an 8-byte big-endian length followed by the archive.

This module is copied into the sandbox, so it imports only numpy and the
standard library.
"""
from __future__ import annotations

import io
import json
import os
import select
import struct
import time

import numpy as np

MAX_MESSAGE_BYTES = 256 * 2**20
MAX_DEPTH = 8
MAX_ITEMS = 10_000


class WireError(Exception):
    """A message that could not be sent, received or decoded."""


def encode(value, arrays: dict, depth: int = 0):
    r"""Describe ``value`` as JSON, moving its arrays into ``arrays``.

    Parameters
    ----------
    value : ndarray, numpy scalar, float, int, bool, str, None, list, tuple or dict
        Nested containers are allowed up to ``MAX_DEPTH`` levels.
    arrays : dict
        Receives the arrays, keyed by the names the JSON uses.

    Returns
    -------
    dict
        A tagged description: ``{"t": "a", "k": key}`` for an array, etc.
        Anything else becomes ``{"t": "x", "v": type name}``, which
        :func:`decode` turns into an :class:`Opaque`.

    Examples
    --------
    >>> arrays = {}
    >>> encode((np.zeros(2), 1.5), arrays)
    {'t': 'tu', 'v': [{'t': 'a', 'k': 'a0'}, {'t': 'f', 'v': 1.5}]}
    """
    if depth > MAX_DEPTH:
        return {"t": "x", "v": "nesting too deep"}
    if isinstance(value, np.generic):
        value = np.asarray(value)
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "biufc":
            return {"t": "x", "v": f"ndarray of dtype {value.dtype}"}
        key = f"a{len(arrays)}"
        arrays[key] = value
        return {"t": "a", "k": key}
    if value is None or isinstance(value, (bool, str)):
        return {"t": "s" if isinstance(value, str) else "v", "v": value}
    if isinstance(value, int):
        return {"t": "i", "v": str(value)}
    if isinstance(value, float):
        return {"t": "f", "v": value if np.isfinite(value) else repr(value)}
    if isinstance(value, dict) and len(value) <= MAX_ITEMS and all(isinstance(k, str) for k in value):
        return {"t": "d", "v": {k: encode(v, arrays, depth + 1) for k, v in value.items()}}
    if isinstance(value, (list, tuple)) and len(value) <= MAX_ITEMS:
        tag = "tu" if isinstance(value, tuple) else "l"
        return {"t": tag, "v": [encode(v, arrays, depth + 1) for v in value]}
    return {"t": "x", "v": type(value).__name__}


class Opaque(str):
    """Stands for a value that is not plain data (names only its type)."""


def decode(desc, arrays):
    r"""Rebuild a value described by :func:`encode`; refuses malformed input.

    Examples
    --------
    >>> arrays = {}
    >>> decode(encode([1, (2.0, None)], arrays), arrays)
    [1, (2.0, None)]
    """
    if not isinstance(desc, dict) or "t" not in desc:
        raise WireError("malformed value description")
    tag, v = desc["t"], desc.get("v")
    if tag == "a":
        return arrays[str(desc["k"])]
    if tag == "i":
        return int(str(v)[:400])
    if tag == "f":
        return float(v)
    if tag in ("tu", "l") and isinstance(v, list):
        items = [decode(d, arrays) for d in v[:MAX_ITEMS]]
        return tuple(items) if tag == "tu" else items
    if tag == "d" and isinstance(v, dict):
        return {str(k): decode(d, arrays) for k, d in list(v.items())[:MAX_ITEMS]}
    if tag in ("v", "s") and (v is None or isinstance(v, (bool, str))):
        return v
    if tag == "x":
        return Opaque(str(v)[:200])
    raise WireError(f"unknown value tag {tag!r}")


def pack(header: dict, arrays: dict | None = None) -> bytes:
    """Serialise a header and its arrays as one ``.npz`` archive."""
    buf = io.BytesIO()
    entries = dict(arrays or {})
    entries["__header__"] = np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)
    np.savez(buf, **entries)
    return buf.getvalue()


def unpack(data: bytes) -> tuple[dict, dict]:
    """Inverse of :func:`pack`; never unpickles, raises :class:`WireError`."""
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as archive:
            arrays = {k: archive[k] for k in archive.files}
        header = json.loads(arrays.pop("__header__").tobytes().decode())
    except Exception as exc:  # anything malformed is the sender's fault
        raise WireError(f"undecodable message: {type(exc).__name__}: {exc}") from None
    if not isinstance(header, dict):
        raise WireError("message header is not a JSON object")
    return header, arrays


def send(fd: int, header: dict, arrays: dict | None = None) -> None:
    """Write one framed message to file descriptor ``fd``."""
    data = pack(header, arrays)
    view = memoryview(struct.pack(">Q", len(data)) + data)
    while view:
        view = view[os.write(fd, view):]


def _read_exact(fd: int, n: int, deadline: float | None) -> bytes:
    chunks, got = [], 0
    while got < n:
        wait = None if deadline is None else max(0.0, deadline - time.monotonic())
        ready, _, _ = select.select([fd], [], [], wait)
        if not ready:
            raise TimeoutError("no message before the deadline")
        chunk = os.read(fd, min(n - got, 1 << 20))
        if not chunk:
            raise EOFError("the other side closed the pipe")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def receive(fd: int, deadline: float | None = None) -> tuple[dict, dict]:
    """Read one framed message; ``deadline`` is a :func:`time.monotonic` time.

    Raises
    ------
    TimeoutError, EOFError, WireError
    """
    (length,) = struct.unpack(">Q", _read_exact(fd, 8, deadline))
    if length > MAX_MESSAGE_BYTES:
        raise WireError(f"message of {length} bytes is over the limit")
    return unpack(_read_exact(fd, length, deadline))
