"""LibreOffice headless conversion, for the formats no Python library reads well (doc, wps, et, odt, ods).

Each run gets its own LibreOffice profile directory, so parallel runs (tests, batch workers)
never wait on one another's lock, and a timeout, so a file that hangs LibreOffice fails alone.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ...errors import UnreadableFile

TIMEOUT_SECONDS = 120


class ConverterMissing(UnreadableFile):
    code = "converter-missing"
    template = ("{detail}需要 LibreOffice 转换，但本机没有找到 soffice 命令"
                "（Debian/Ubuntu：apt-get install libreoffice-writer-nogui libreoffice-calc-nogui，"
                "或运行 scripts/setup-system.sh）")


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_file(src: Path, target: str, outdir: Path, *, file: str | None = None, kind: str = "") -> Path:
    """Convert ``src`` to ``target`` (an extension, optionally with a filter: "xls:MS Excel 97") into outdir."""
    exe = soffice()
    name = file or str(src)
    if exe is None:
        raise ConverterMissing(name, detail=f"读取{kind}文件" if kind else "")
    ext = target.split(":", 1)[0]
    with tempfile.TemporaryDirectory(prefix="jixiao-lo-") as profile:
        cmd = [exe, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
               "--convert-to", target, "--outdir", str(outdir), str(src)]
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=TIMEOUT_SECONDS, env={**os.environ, "HOME": profile})
        except subprocess.TimeoutExpired:
            raise UnreadableFile(name, f"LibreOffice 转换超过 {TIMEOUT_SECONDS} 秒仍未完成，已放弃") from None
    out = outdir / f"{src.stem}.{ext}"
    if proc.returncode != 0 or not out.exists():
        said = (proc.stderr or proc.stdout).decode("utf-8", "replace").strip().splitlines()
        raise UnreadableFile(name, f"LibreOffice 无法转换此文件（{said[-1] if said else '无输出'}），文件可能已损坏或加密")
    return out


def convert_bytes(data: bytes, suffix: str, target: str, file: str, kind: str) -> bytes:
    """Bytes of a file in one format → bytes of the converted file."""
    with tempfile.TemporaryDirectory(prefix="jixiao-conv-") as tmp:
        src = Path(tmp) / f"input{suffix}"
        src.write_bytes(data)
        outdir = Path(tmp) / "out"
        outdir.mkdir()
        return convert_file(src, target, outdir, file=file, kind=kind).read_bytes()
