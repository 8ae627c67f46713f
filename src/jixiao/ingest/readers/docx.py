"""docx: the body in reading order, paragraphs and tables alike, straight from word/document.xml.

Read with lxml on the OOXML itself (python-docx's own parser) rather than through python-docx's
object layer, which re-walks each row for every cell and is the slowest part of reading a form.
Horizontal spans (gridSpan) and vertical merges (vMerge) are laid out on the table's grid: the
text at the top-left, covered cells empty, as in the other table formats. A cell's paragraphs,
nested tables included, become the lines of its text; paragraphs between tables (titles,
附件 labels, 单位 lines, 备注) become one-cell rows.
"""

from __future__ import annotations

from lxml import etree

from ... import limits
from ...errors import UnreadableFile
from ..grid import Grid, Place
from . import register
from .containers import open_zip, read_member, zip_names
from .rows import add_row

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
P, TBL, TR, TC, SDT, SDT_CONTENT = (f"{W}{t}" for t in ("p", "tbl", "tr", "tc", "sdt", "sdtContent"))
T, TAB, BR, CR = (f"{W}{t}" for t in ("t", "tab", "br", "cr"))
VAL = f"{W}val"


def is_docx(data: bytes) -> bool:
    return "word/document.xml" in zip_names(data)


def paragraph_text(p: etree._Element) -> str:
    parts = []
    for el in p.iter(T, TAB, BR, CR):
        if el.tag == T:
            parts.append(el.text or "")
        else:
            parts.append(" " if el.tag == TAB else "\n")
    return "".join(parts)


def cell_text(tc: etree._Element) -> str:
    return "\n".join(paragraph_text(p) for p in tc.iter(P)).strip("\n")


def _int(el: etree._Element | None, default: int = 0) -> int:
    if el is None:
        return default
    try:
        return int(el.get(VAL, default))
    except ValueError:
        return default


class _Body:
    def __init__(self, grid: Grid) -> None:
        self.grid = grid
        self.paragraphs = 0
        self.tables = 0

    def walk(self, parent: etree._Element) -> None:
        for el in parent:
            if el.tag == P:
                self.paragraphs += 1
                n = self.paragraphs
                add_row(self.grid, [paragraph_text(el)], Place(para=n), lambda _c, n=n: Place(para=n))
            elif el.tag == TBL:
                self.tables += 1
                self.table(el, self.tables)
            elif el.tag == SDT:
                content = el.find(SDT_CONTENT)
                if content is not None:
                    self.walk(content)

    def table(self, tbl: etree._Element, t: int) -> None:
        for r, tr in enumerate(tbl.iterchildren(TR), start=1):
            pr = tr.find(f"{W}trPr")
            before = _int(pr.find(f"{W}gridBefore")) if pr is not None else 0
            limits.check(self.grid.file, "columns", before, Place(table=t, row=r).zh())
            texts = [""] * max(before, 0)
            for tc in tr.iterchildren(TC):
                tc_pr = tc.find(f"{W}tcPr")
                span = max(_int(tc_pr.find(f"{W}gridSpan"), 1), 1) if tc_pr is not None else 1
                if span > limits.active().span or len(texts) + span > limits.active().columns:
                    raise limits.LimitExceeded(self.grid.file, "span" if span > limits.active().span else "columns",
                                               f"单元格跨 {span:,} 列".replace(",", " "), Place(table=t, row=r).zh())
                texts.append(cell_text(tc))
                texts.extend([""] * (span - 1))
            add_row(self.grid, texts, Place(table=t, row=r), lambda c, t=t, r=r: Place(col=c + 1, table=t, row=r))


@register("docx", is_docx, priority=10)
def read_docx(data: bytes, file: str) -> Grid:
    with open_zip(data, file) as zf:
        xml = read_member(zf, "word/document.xml", file)
    try:
        root = etree.fromstring(xml, parser=etree.XMLParser(huge_tree=False, resolve_entities=False))
    except etree.XMLSyntaxError as exc:
        raise UnreadableFile(file, f"docx 文件已损坏：正文 XML 无法解析（{exc}）") from None
    grid = Grid(file=file, format="docx")
    body = root.find(f"{W}body")
    if body is not None:
        _Body(grid).walk(body)
    return grid
