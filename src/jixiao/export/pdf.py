"""The form as PDF: the Word layout printed by LibreOffice (CJK fonts from fonts-noto-cjk)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from ..errors import ExportError, FileFailure, JixiaoError
from ..files import replacing
from ..model import Evaluation
from ..office import convert_each
from ..scoring import ScoringPolicy
from . import each, output_failure, register_exporter
from .docx import form_docx


@register_exporter("pdf", "pdf", "PDF（经 LibreOffice 由 Word 版式生成）")
def write_pdf(items: list[tuple[Evaluation, Path]], policy: ScoringPolicy | str | None) -> list[FileFailure]:
    with tempfile.TemporaryDirectory(prefix="jixiao-pdf-") as tmp:
        # Numbered names: two targets may share a stem in different folders.
        source = {path: Path(tmp) / f"{n:05d}.docx" for n, (_, path) in enumerate(items)}
        failures = each(items, lambda ev, path: source[path].write_bytes(form_docx(ev, policy)))
        laid_out = [(src, path) for path, src in source.items() if src.exists()]
        if not laid_out:
            return failures
        pdfs = convert_each([src for src, _ in laid_out], "pdf", Path(tmp) / "pdf", error=ExportError,
                            names=[str(path) for _, path in laid_out])
        for pdf, (_, path) in zip(pdfs, laid_out):
            if isinstance(pdf, JixiaoError):
                failures.append(output_failure(path, pdf))
                continue
            try:
                with replacing(path) as part:
                    shutil.move(str(pdf), part)
            except OSError as exc:
                failures.append(output_failure(path, exc))
    return failures
