"""The form as PDF: the Word layout printed by LibreOffice (CJK fonts from fonts-noto-cjk)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from ..errors import ExportError
from ..model import Evaluation
from ..office import convert
from ..scoring import ScoringPolicy
from . import register_exporter
from .docx import form_docx


@register_exporter("pdf", "pdf", "PDF（经 LibreOffice 由 Word 版式生成）")
def write_pdf(items: list[tuple[Evaluation, Path]], policy: ScoringPolicy | str | None) -> None:
    with tempfile.TemporaryDirectory(prefix="jixiao-pdf-") as tmp:
        sources = []
        for n, (ev, _) in enumerate(items):
            # Numbered names: two targets may share a stem in different folders.
            src = Path(tmp) / f"{n:05d}.docx"
            src.write_bytes(form_docx(ev, policy))
            sources.append(src)
        if not sources:
            return
        for pdf, (_, path) in zip(convert(sources, "pdf", Path(tmp) / "pdf", error=ExportError), items):
            shutil.move(str(pdf), path)
