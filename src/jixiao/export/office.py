"""LibreOffice in headless mode: converting documents (docx → pdf) and recomputing workbooks.

Each run gets a private, throw-away user profile so that runs in parallel (and a desktop
LibreOffice the user has open) never lock each other out.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import ExportError

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


def soffice() -> str | None:
    """The LibreOffice command, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(files: list[Path], target: str, outdir: Path, *, recalc: bool = False,
            timeout: int = TIMEOUT_SECONDS) -> list[Path]:
    """Convert ``files`` with one LibreOffice process; returns the outputs in the same order.

    ``target`` is a LibreOffice filter spec such as ``"pdf"`` or ``"xlsx"``. With ``recalc`` every
    formula is recomputed on load instead of keeping the results stored in the file.
    """
    exe = soffice()
    if exe is None:
        raise ExportError(str(files[0]) if files else "-", "未找到 LibreOffice（soffice），请先运行 scripts/setup-system.sh")
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
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise ExportError(str(files[0]), f"LibreOffice 转换超过 {timeout} 秒未完成") from None
    outputs = [outdir / f"{f.stem}.{ext}" for f in files]
    missing = [f for f, out in zip(files, outputs) if not out.exists()]
    if missing:
        detail = (proc.stderr or proc.stdout).strip().splitlines()
        raise ExportError(str(missing[0]), f"LibreOffice 未能转换为 {ext}（{detail[-1] if detail else '无输出'}）")
    return outputs
