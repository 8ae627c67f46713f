"""Bytes in one format → bytes in another through LibreOffice, for the formats no Python library
reads well (doc, wps, odt, ods).

A batch converts its files ahead, many to a LibreOffice run (:func:`convert_ahead` in legacy.py);
each file's result then waits here, keyed by the hash of its bytes, until its reader asks for it.
A file read on its own (or whose bytes changed since) is converted alone.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

from ...errors import JixiaoError
from ...office import convert


@dataclass(frozen=True, slots=True)
class Conversion:
    """What a format needs: the name its input must carry, LibreOffice's target and filter, the kind
    of file for messages, and what its bytes need before LibreOffice reads them."""

    suffix: str
    target: str
    kind: str
    prepare: Callable[[bytes], bytes] | None = None

    def source(self, data: bytes) -> bytes:
        """The bytes LibreOffice is given for ``data``."""
        return self.prepare(data) if self.prepare else data


@dataclass(frozen=True, slots=True)
class Failed:
    """A conversion's error as picklable parts (an exception's own pickling loses its fields)."""

    error: type[JixiaoError]
    detail: str
    params: dict[str, object] = field(default_factory=dict)

    @classmethod
    def of(cls, exc: JixiaoError) -> Failed:
        return cls(type(exc), exc.detail, dict(exc.params))

    def raise_for(self, file: str) -> NoReturn:
        raise self.error(file, self.detail, None, **self.params)


Key = tuple[str, str]
Result = bytes | Failed
_READY: dict[Key, Result] = {}


def key(data: bytes, conversion: Conversion) -> Key:
    return hashlib.sha256(data).hexdigest(), conversion.target


def is_ready(data: bytes, conversion: Conversion) -> bool:
    """Whether these bytes' conversion is already done and in force."""
    return key(data, conversion) in _READY


@dataclass(slots=True)
class Converted:
    """One file's conversion done ahead (picklable, for the process that reads the file): in force
    within ``with``, where :func:`convert_bytes` takes it instead of starting LibreOffice."""

    results: dict[Key, Result] = field(default_factory=dict)

    def __enter__(self) -> Converted:
        _READY.update(self.results)
        return self

    def __exit__(self, *_exc: object) -> None:
        for k in self.results:
            _READY.pop(k, None)


def convert_bytes(data: bytes, conversion: Conversion, file: str) -> bytes:
    ready = _READY.get(key(data, conversion))
    if isinstance(ready, Failed):
        ready.raise_for(file)
    if isinstance(ready, bytes):
        return ready
    with tempfile.TemporaryDirectory(prefix="jixiao-conv-") as tmp:
        src = Path(tmp) / f"input{conversion.suffix}"
        src.write_bytes(conversion.source(data))
        [out] = convert([src], conversion.target, Path(tmp) / "out", name=file, kind=f"读取{conversion.kind}文件")
        return out.read_bytes()
