"""LibreOffice in headless mode, for readers (doc, wps, et, odt, ods → docx/xlsx) and exporters
(docx → pdf, recomputing a workbook's formulas).

Each run gets a private, throw-away user profile (and HOME), so runs in parallel — tests, batch
workers, a desktop LibreOffice the user has open — never wait on one another's lock; and a
timeout, so a file that hangs LibreOffice fails alone.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .errors import JixiaoError, UnreadableFile

TIMEOUT_SECONDS = 240
# Recalculate every formula on load: LibreOffice's default for xlsx is to trust the cached results.
_RECALC_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">
<value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse">
<value>0</value></prop></item>
</oor:items>
"""


class ConverterMissing(UnreadableFile):
    code = "converter-missing"
    template = ("{detail}需要 LibreOffice 转换，但本机没有找到 soffice 命令"
                "（Debian/Ubuntu：apt-get install libreoffice-writer-nogui libreoffice-calc-nogui，"
                "或运行 scripts/setup-system.sh）")


def soffice() -> str | None:
    """The LibreOffice command, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(files: list[Path], target: str, outdir: Path, *, recalc: bool = False, timeout: int = TIMEOUT_SECONDS,
            error: type[JixiaoError] = UnreadableFile, name: str | None = None, kind: str = "") -> list[Path]:
    """Convert ``files`` with one LibreOffice process; returns the outputs in the same order.

    ``target`` is a LibreOffice filter spec such as ``"pdf"`` or ``"xls:MS Excel 97"``. With ``recalc``
    every formula is recomputed on load instead of keeping the results stored in the file. Failures
    raise ``error`` naming ``name`` (the user's file, when ``files`` are temporary copies).
    """
    shown = name or (str(files[0]) if files else "-")
    exe = soffice()
    if exe is None:
        raise ConverterMissing(shown, detail=kind)
    outdir.mkdir(parents=True, exist_ok=True)
    ext = target.split(":", 1)[0]
    with tempfile.TemporaryDirectory(prefix="jixiao-office-") as profile:
        if recalc:
            user = Path(profile) / "user"
            user.mkdir()
            (user / "registrymodifications.xcu").write_text(_RECALC_XCU, encoding="utf-8")
        cmd = [exe, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
               "--nolockcheck", "--convert-to", target, "--outdir", str(outdir), *map(str, files)]
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=timeout, env={**os.environ, "HOME": profile})
        except subprocess.TimeoutExpired:
            raise error(shown, f"LibreOffice 转换超过 {timeout} 秒仍未完成，已放弃") from None
    outputs = [outdir / f"{f.stem}.{ext}" for f in files]
    missing = [f for f, out in zip(files, outputs) if not out.exists()]
    if missing:
        said = (proc.stderr or proc.stdout).decode("utf-8", "replace").strip().splitlines()
        raise error(name or str(missing[0]),
                    f"LibreOffice 未能转换为 {ext}（{said[-1] if said else '无输出'}），文件可能已损坏或加密")
    return outputs
