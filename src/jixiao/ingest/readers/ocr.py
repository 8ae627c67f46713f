"""Scanned PDF pages (no text layer): OCR with RapidOCR, whose models ship inside its wheel
(optional extra: pip install 'jixiao[ocr]').

The table's ruling lines are found in the page image (long horizontal and vertical runs of
dark pixels) and go through the same table geometry as a text PDF's lines, so merged cells
come out alike; each recognized text box then stands in for a character and the page is laid
out by the same code as a text PDF.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from ...errors import UnreadableFile
from ..grid import Grid
from .pdf import Char, Edge, find_tables, lay_out_page, open_pdf

SCALE = 2.0  # 144 dpi: enough for 8-pt table text, and twice as fast as 200 dpi
INSTALL_HINT = "pip install 'jixiao[ocr]'"


class OcrMissing(UnreadableFile):
    code = "ocr-missing"
    template = "PDF 第{pages}页是扫描图像，没有文字层，读取需要 OCR 扩展（{hint}）"


@lru_cache(maxsize=1)
def _engine() -> Any:
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR()


def ruling_edges(gray: Any, scale: float) -> list[Edge]:
    """Horizontal and vertical ruling lines of a page image (long runs of dark pixels), in points."""
    import cv2

    ink = cv2.adaptiveThreshold(255 - gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, 15, -2)
    h, w = ink.shape
    edges: list[Edge] = []
    for orientation, size in (("h", (max(w // 40, 10), 1)), ("v", (1, max(h // 40, 10)))):
        kernel = cv2.getStructuringElement(cv2.MORPH_RECT, size)
        mask = cv2.dilate(cv2.erode(ink, kernel), kernel)
        contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        for c in contours:
            x, y, cw, ch = (v / scale for v in cv2.boundingRect(c))
            if orientation == "h":
                edges.append({"x0": x, "x1": x + cw, "top": y + ch / 2, "bottom": y + ch / 2, "width": cw, "height": 0.0,
                              "orientation": "h"})
            else:
                edges.append({"x0": x + cw / 2, "x1": x + cw / 2, "top": y, "bottom": y + ch, "width": 0.0, "height": ch,
                              "orientation": "v"})
    return edges


def _boxes_as_chars(result: list[Any] | None, scale: float) -> list[Char]:
    chars: list[Char] = []
    for box, text, _score in result or []:
        if text.strip() == "一":
            text = "—"  # a lone dash in a form cell reads as the character for one
        xs = [p[0] / scale for p in box]
        ys = [p[1] / scale for p in box]
        top, bottom = min(ys), max(ys)
        chars.append({"x0": min(xs), "x1": max(xs), "top": top, "bottom": bottom, "text": text,
                      "size": max(bottom - top, 1.0)})
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
    import numpy as np

    doc = open_pdf(data, file)
    end = None
    try:
        for number in pages:
            gray = np.asarray(doc[number - 1].render(scale=SCALE).to_pil().convert("L"))
            result, _ = engine(gray)
            end = lay_out_page(grid, _boxes_as_chars(result, SCALE), find_tables(ruling_edges(gray, SCALE)), number,
                               end if number - 1 in pages else None)
    finally:
        doc.close()
    grid.warnings.append(f"PDF 第{shown}页是扫描图像，内容由 OCR 识别，请核对")
