"""HTML pages: the form's tables (rowspan/colspan laid out on the grid) and the text between
them, in reading order, with the site's chrome (navigation, header, footer, scripts) left out.

Pages come in any encoding; old government sites declare gb2312 and write GBK, so every GB
charset is decoded as GB18030, its superset. A table that holds other tables is page layout,
not a form: it is walked like a container.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from ... import limits
from ...errors import EncodingError, UnreadableFile
from ..grid import Grid, Place
from ..vocab import FORM_TITLE
from . import register
from .decode import decode_text, where
from .rows import SpanCell, add_row, lay_out

_START = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|meta|body|table)\b", re.I | re.S)
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", re.I)
_GB = {"gb2312", "gbk", "gb_2312-80", "x-gbk", "gb18030", "euc-cn", "cp936"}
_SPACE = re.compile(r"[ \t\r\n\f]+")
_BLOCK = frozenset("p div h1 h2 h3 h4 h5 h6 li ul ol dl dt dd section article main center blockquote pre form "
                   "fieldset address figure figcaption hr body caption tr".split())
_CHROME_TAGS = frozenset("script style noscript template nav header footer aside head iframe select button".split())
_CHROME_WORDS = frozenset("nav navbar menu footer header breadcrumb crumb sidebar share copyright banner topbar "
                          "search login toolbar".split())
_WORD_SPLIT = re.compile(r"[\s_\-]+")
_BR = "\x00"
_WRAPPERS = "font|span|div|b|i|u|s|em|strong|small|big|sub|sup|a|center|section|article|p"
_WRAPPER = re.compile(rf"<(/?)({_WRAPPERS})\b[^<>]*>", re.I)
_WRAPPER_SLASH = re.compile(rf"<(/?)(?:{_WRAPPERS})\b[^<>]*>", re.I)  # the same tags, findall giving each one's '/'


def is_html(data: bytes) -> bool:
    return bool(_START.match(data[:4096]))


def decode_html(data: bytes, file: str) -> str:
    m = _CHARSET.search(data[:4096])
    declared = m.group(1).decode("ascii", "replace").lower() if m else ""
    if declared in _GB:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise EncodingError(file, f"页面声明为 {declared}，但{where(data, exc.start)}无法解码") from None
    if declared and declared not in ("utf-8", "utf8"):
        try:
            return data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_text(data, file)[0]


def _is_chrome(el: etree._Element) -> bool:
    if el.tag in _CHROME_TAGS:
        return True
    names = f"{el.get('class', '')} {el.get('id', '')}".lower()
    if not names.strip() or not _CHROME_WORDS.intersection(_WORD_SPLIT.split(names)):
        return False
    # A container named "header" that holds the form title is content after all.
    return FORM_TITLE not in el.text_content()


class _Text:
    """Inline text as a browser shows it: runs of white space one space, <br> and blocks break lines."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def add(self, text: str | None) -> None:
        if text:
            self.parts.append(_SPACE.sub(" ", text))

    def brk(self) -> None:
        self.parts.append(_BR)

    def take(self) -> list[str]:
        lines = [ln.strip(" ").replace("\xa0", " ") for ln in "".join(self.parts).split(_BR)]
        self.parts = []
        return lines

    def collect(self, el: etree._Element) -> None:
        """All text under ``el`` (a table cell), line breaks kept."""
        for child in el:
            if isinstance(child.tag, str) and child.tag not in _CHROME_TAGS:
                if child.tag == "br":
                    self.brk()
                else:
                    block = child.tag in _BLOCK or child.tag in ("table", "td", "th")
                    if block:
                        self.brk()
                    self.add(child.text)
                    self.collect(child)
                    if block:
                        self.brk()
            self.add(child.tail)


def cell_text(td: etree._Element) -> str:
    if not len(td):  # text alone (most cells): _Text's one part, taken at once
        text = _SPACE.sub(" ", td.text) if td.text else ""
        if _BR not in text:
            return text.strip(" ").replace("\xa0", " ")
    t = _Text()
    t.add(td.text)
    t.collect(td)
    return "\n".join(ln for ln in t.take() if ln) if t.parts else ""


class _Page:
    def __init__(self, grid: Grid) -> None:
        self.grid = grid
        self.text = _Text()
        self.paragraphs = 0
        self.tables = 0

    def flush(self) -> None:
        """The text since the last block ends: one paragraph, its <br> breaks kept, as in a docx."""
        text = "\n".join(ln for ln in self.text.take() if ln.strip())
        if text:
            self.paragraphs += 1
            n = self.paragraphs
            add_row(self.grid, [text], Place(para=n), lambda _c, n=n: Place(para=n))

    def walk(self, el: etree._Element) -> None:
        for child in el:
            if isinstance(child.tag, str) and not _is_chrome(child):
                self.element(child)
            self.text.add(child.tail)

    def element(self, el: etree._Element) -> None:
        tag = el.tag
        if tag == "br":
            self.text.brk()
            return
        if tag == "table" and next(el.iterdescendants("table"), None) is None:
            self.flush()
            self.table(el)
            return
        block = tag in _BLOCK or tag == "table"
        if block:
            self.flush()
        self.text.add(el.text)
        self.walk(el)
        if block:
            self.flush()

    def table(self, table: etree._Element) -> None:
        caption = table.find("caption")
        if caption is not None:
            self.text.add(cell_text(caption))
            self.flush()
        self.tables += 1
        t = self.tables
        rows = [[SpanCell(cell_text(td), self.span(td, "rowspan", t, r), self.span(td, "colspan", t, r))
                 for td in tr if td.tag in ("td", "th")] for r, tr in enumerate(table.iter("tr"), start=1)]
        covered = sum(c.rowspan * c.colspan for row in rows for c in row)
        limits.check(self.grid.file, "cells", covered, Place(table=t).zh(), f"合并后共 {covered:,} 个单元格".replace(",", " "))
        for r, texts in enumerate(lay_out(rows), start=1):
            add_row(self.grid, texts, Place(table=t, row=r), lambda c, t=t, r=r: Place(col=c + 1, table=t, row=r))


    def span(self, td: etree._Element, attr: str, t: int, r: int) -> int:
        raw = td.get(attr)
        if raw is None:
            return 1  # most cells (and no limit is below 1)
        try:
            value = max(int(raw.strip() or 1), 1)
        except ValueError:
            return 1
        if value > limits.active().span:
            raise limits.LimitExceeded(self.grid.file, "span", f"{attr}={value:,}".replace(",", " "),
                                       Place(table=t, row=r).zh())
        return value


def _flat(text: str) -> str:
    """The page with its wrapper tags dropped when they nest deeper than the depth limit.

    lxml (libxml2) keeps only 256 levels and silently drops what lies deeper, so 255 unclosed <font>
    tags would lose the form; the tags carry no structure a form needs, and a dropped block tag
    becomes a line break."""
    depth = 0
    cap = limits.active().depth
    if text.count("<") - text.count("</") <= cap:
        return text  # fewer tags open anywhere than the limit: no nesting reaches it
    for closing in _WRAPPER_SLASH.findall(text):
        if closing:
            depth = max(depth - 1, 0)
        else:
            depth += 1
            if depth > cap:
                return _WRAPPER.sub(lambda w: "<br>" if w.group(2).lower() in _BLOCK else "", text)
    return text


@register("html", is_html, priority=5)
def read_html(data: bytes, file: str) -> Grid:
    text = _flat(decode_html(data, file))
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise UnreadableFile(file, f"HTML 页面无法解析（{exc}）") from None
    grid = Grid(file=file, format="html")
    page = _Page(grid)
    body = root.find("body")
    page.element(body if body is not None else root)
    page.flush()
    return grid
