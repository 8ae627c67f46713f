"""Bytes in one format → bytes in another through LibreOffice, for the formats no Python library
reads well (doc, wps, et, odt, ods)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from ...office import convert


def convert_bytes(data: bytes, suffix: str, target: str, file: str, kind: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix="jixiao-conv-") as tmp:
        src = Path(tmp) / f"input{suffix}"
        src.write_bytes(data)
        [out] = convert([src], target, Path(tmp) / "out", name=file, kind=f"读取{kind}文件")
        return out.read_bytes()
