"""Scanned PDF pages (no text layer): OCR with RapidOCR, whose models ship inside its wheel
(optional extra: pip install 'jixiao[ocr]').

The table's ruling lines are found in the page image (long horizontal and vertical runs of
dark pixels) and handed to pdfplumber as explicit lines, so merged cells come out as in a text
PDF; each recognized text box then stands in for a character and the page is laid out by the
same code as a text PDF.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from ...errors import UnreadableFile
from ..grid import Grid
from .pdf import Char, lay_out_page

SCALE = 2.0  # 144 dpi: enough for 8-pt table text, and twice as fast as 200 dpi
INSTALL_HINT = "pip install 'jixiao[ocr]'"


class OcrMissing(UnreadableFile):
    code = "ocr-missing"
    template = "PDF 第{pages}页是扫描图像，没有文字层，读取需要 OCR 扩展（{hint}）"


@lru_cache(maxsize=1)
def _engine() -> Any:
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR()


def _ruling_lines(gray: Any) -> tuple[list[dict[str, float]], list[dict[str, float]]]:
    """Horizontal and vertical ruling segments of a page image, in image pixels."""
    import cv2

    ink = cv2.adaptiveThreshold(255 - gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, 15, -2)
    h, w = ink.shape
    out: tuple[list[dict[str, float]], list[dict[str, float]]] = ([], [])
    for k, size in ((0, (max(w // 40, 10), 1)), (1, (1, max(h // 40, 10)))):
        kernel = cv2.getStructuringElement(cv2.MORPH_RECT, size)
        mask = cv2.dilate(cv2.erode(ink, kernel), kernel)
        contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        for c in contours:
            x, y, cw, ch = cv2.boundingRect(c)
            if k == 0:
                out[0].append({"x0": x, "x1": x + cw, "top": y + ch / 2, "bottom": y + ch / 2})
            else:
                out[1].append({"x0": x + cw / 2, "x1": x + cw / 2, "top": y, "bottom": y + ch})
    return out


def _as_lines(segments: list[dict[str, float]], scale: float, page_height: float) -> list[dict[str, Any]]:
    lines = []
    for s in segments:
        x0, x1, top, bottom = s["x0"] / scale, s["x1"] / scale, s["top"] / scale, s["bottom"] / scale
        lines.append({"object_type": "line", "x0": x0, "x1": x1, "top": top, "bottom": bottom,
                      "width": x1 - x0, "height": bottom - top, "doctop": top, "y0": page_height - bottom,
                      "y1": page_height - top, "pts": [(x0, top), (x1, bottom)]})
    return lines


def _boxes_as_chars(result: list[Any] | None, scale: float) -> list[Char]:
    chars: list[Char] = []
    for box, text, _score in result or []:
        if text.strip() == "一":
            text = "—"  # a lone dash in a form cell reads as the character for one
        xs = [p[0] / scale for p in box]
        ys = [p[1] / scale for p in box]
        top, bottom = min(ys), max(ys)
        chars.append({"x0": min(xs), "x1": max(xs), "top": top, "bottom": bottom, "text": text,
                      "size": max(bottom - top, 1.0), "upright": True})
    return chars


def read_scanned_pages(grid: Grid, data: bytes, file: str, pages: list[int]) -> None:
    """OCR the given pages (1-based) into the grid; without the extra, a clear error or warning."""
    shown = "、".join(map(str, pages))
    try:
        engine = _engine()
    except ImportError:
        if grid.rows:  # the text pages are read; only the scanned ones are missing
            grid.warnings.append(f"PDF 第{shown}页是扫描图像，没有文字层，未读取（需要 OCR 扩展：{INSTALL_HINT}）")
            return
        raise OcrMissing(file, pages=shown, hint=INSTALL_HINT) from None
    import io

    import numpy as np
    import pdfplumber
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for number in pages:
            image = doc[number - 1].render(scale=SCALE, rotation=0).to_pil().convert("L")
            gray = np.asarray(image)
            result, _ = engine(gray)
            horizontal, vertical = _ruling_lines(gray)
            page = pdf.pages[number - 1]
            settings = {"vertical_strategy": "explicit", "horizontal_strategy": "explicit",
                        "explicit_vertical_lines": _as_lines(vertical, SCALE, float(page.height)),
                        "explicit_horizontal_lines": _as_lines(horizontal, SCALE, float(page.height))}
            tables = page.find_tables(settings) if horizontal and vertical else []
            lay_out_page(grid, _boxes_as_chars(result, SCALE), tables, number)
    doc.close()
    grid.warnings.append(f"PDF 第{shown}页是扫描图像，内容由 OCR 识别，请核对")
