"""Text a PDF's table became with its columns kept by spaces (``pdftotext -layout``, a viewer's copy that pads).

Each line prints a row's cells left to right, two spaces or more between them; a cell's own words are one
space apart. Where a cell starts is only roughly where its column is: pdftotext packs a line whose first
cells are empty (a merged 一级指标, a merged 项目资金) closer together than the header above it. So each row
under a table's header (funds, goals, indicators) is laid under the header's labels by the one order-keeping
assignment that fits best: a number never under a text column, a word never under 分值/得分/执行率 or an
amount, a rate with its '%' only under 执行率, a level label only under its level, then the nearest start.
The form reader then finds every value under the label that names its column, as in the PDF itself; where
the arithmetic of a row disagrees it says so, as it does for any grid.

A line whose every piece starts under a piece of the line above that ran to the next cell (a Chinese
character is two columns wide on the page, one in the text) is that cell's wrapped text, joined back;
a page break inside a row does not end it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ...text import label_key
from ...values import BLANKS
from ..grid import Cell, Grid, Place, Row
from ..vocab import FUNDS_COLUMNS, LEVEL1, LEVEL2, MONEY_UNIT
from . import register
from .decode import decode_lines, looks_binary

_PIECE = re.compile(r"\S+(?: \S+)*")
_FUNDS_NEEDLES = tuple(n for n, _ in FUNDS_COLUMNS)
_INDICATOR_NEEDLES = ("一级指标", "二级指标", "三级指标", "指标值", "完成值", "指标名称")
_GOAL_LABELS = frozenset({"预期目标", "实际完成情况", "项目年度目标", "年度目标完成情况", "全年实际完成情况", "总体目标"})
_TOTALS = ("总分", "合计", "总计")
_RECORD = re.compile(r"指标 ?\d+ ?[:：]")
_TITLES = ("绩效自评表", "绩效评价表", "绩效目标自评表")
_FULL = 3  # a cell ending this close to the next one's start ran to its edge: it wrapped
_WRAPPING = 6  # narrower cells (three Chinese characters) do not wrap
_SAME_COLUMN = 1  # starts this close are one column (pdftotext rounds positions to whole characters)
# pdftotext puts a space wherever the script changes inside a cell: "测试项目 2 号经费", "(50 分)", "2023 年度".
_SCRIPT_SPACE = re.compile(r"(?<=[\u4e00-\u9fff]) (?=\d)|(?<=\d) (?=[\u4e00-\u9fff])")
_NUMBER = re.compile(r"[+-]?\d[\d,]*(?:\.\d+)?%?")
_UNIT = 6  # the widest unit (万人次, 平方米)
_GAP = 4  # an amount column skipped before a value of the row
_WRONG = 100  # the cost of a piece under a column that cannot hold it: only when nothing else fits


@dataclass(frozen=True, slots=True)
class Piece:
    start: int
    end: int
    text: str


def _pieces(line: str) -> list[Piece]:
    return [Piece(m.start(), m.end(), m.group(0)) for m in _PIECE.finditer(line)]


def _header_kind(pieces: list[Piece]) -> str | None:
    keys = [label_key(p.text) for p in pieces]
    if sum(1 for k in keys if any(n in k for n in _INDICATOR_NEEDLES)) >= 3:
        return "indicators"  # before funds: 权重 and 得分 head both tables
    if sum(1 for k in keys if any(n in k for n in _FUNDS_NEEDLES)) >= 3:
        return "funds"
    if sum(1 for k in keys if k in _GOAL_LABELS) >= 2:
        return "goals"
    return None


def _is_layout(data: bytes) -> bool:
    """A funds header printed as three column labels or more two spaces apart, with a line below it holding
    values that start where two of the labels do: columns kept by position."""
    head = data[:65536]
    if b"\t" in head or head.count(b"|") > 5 or looks_binary(head):
        return False
    lines = head.decode("utf-8", "ignore").replace("\f", "").splitlines()
    for n, line in enumerate(lines):
        pieces = _pieces(line)
        if "  " not in line or _header_kind(pieces) != "funds":
            continue
        starts = {p.start for p in pieces}
        below = {p.start for ln in lines[n + 1:n + 4] for p in _pieces(ln)}
        if len(starts & below) >= 2:
            return True
    return False


def _width(text: str) -> int:
    """Character columns the text takes on the page: a Chinese or full-width character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _wraps(pieces: list[Piece], above: list[Piece]) -> bool:
    """Whether every piece continues a cell of the line above: it starts where that cell does, and that cell's
    text ran to the next cell's start (or is the row's last)."""
    if len(pieces) >= len(above):
        return False  # a cell in every column again: the next row (two pairs of a header, a packed row)
    for p in pieces:
        k = next((k for k, a in enumerate(above) if abs(a.start - p.start) <= _SAME_COLUMN), None)
        if k is None:
            return False
        a = above[k]
        if _NUMBER.fullmatch(p.text.replace(" ", "")) or _width(a.text) < _WRAPPING or _RECORD.match(p.text) \
                or _piece_kind("indicators", p.text) in ("level1", "level2"):
            return False  # a number does not wrap, nor a cell of a word or two; a level label or 指标N： opens a row
        short = 2 * _width(p.text) <= _width(a.text)  # a word or two left over ("人次" under "年度接待读者")
        if not short and k + 1 < len(above) and above[k + 1].start - (a.start + _width(a.text)) > _FULL:
            return False
    return True


def _opens(pieces: list[Piece]) -> bool:
    """A title or a table's header: the start of something, never a cell's wrapped text."""
    return _header_kind(pieces) is not None or any(w in p.text for p in pieces for w in _TITLES)


# ------------------------------------------------------------------ a table's columns and a row under them

def _column_kind(table: str, key: str) -> str:
    """What a header label's column holds: label, level1, level2, number (分值, 得分), rate, amount or text."""
    if table == "funds":
        if "执行率" in key:
            return "rate"
        if any(w in key for w in ("分值", "权重", "得分")):
            return "number"
        if MONEY_UNIT.search(key) is None and any(w in key for w in ("年初预算", "全年预算", "调整", "执行数", "预算数")):
            return "amount"
        return "label" if not any(w in key for w in ("原因", "说明")) else "text"
    if table == "indicators":
        if "一级指标" in key:
            return "level1"
        if "二级指标" in key:
            return "level2"
        if any(w in key for w in ("分值", "权重", "得分")):
            return "number"
        if "绩效指标" in key and not any(w in key for w in ("名称", "三级")):
            return "label"
        if "单位" in key:
            return "unit"
        return "text"
    return "text" if key in _GOAL_LABELS else "label"


def _piece_kind(table: str, text: str) -> str:
    key = label_key(text)
    if text.strip() in BLANKS:
        return "blank"
    if _NUMBER.fullmatch(text.replace(" ", "")):
        return "percent" if text.endswith("%") else "number"
    if table == "indicators" or key.startswith(_TOTALS):
        if key.startswith(_TOTALS):
            return "label"
        # Only a level label as the template prints it: a name may be "服务对象满意度" or "满意度" too.
        if LEVEL2.fullmatch(key) and not LEVEL1.fullmatch(key):
            return "level2" if key.endswith("指标") else "level2-word"
        if m := LEVEL1.fullmatch(key):
            return "level1" if key.endswith("指标") or m.group(2) else "level1-word"
    return "word"


_FITS = {  # piece kind → the column kinds it may stand under
    "blank": {"number", "rate", "amount", "text", "level1", "level2", "label", "unit"},
    "number": {"number", "rate", "amount", "text"},
    "percent": {"rate", "text", "unit"},
    "level1": {"level1"},
    "level2": {"level2"},
    "level1-word": {"level1", "text"},
    "level2-word": {"level2", "text"},
    "word": {"label", "text", "level1", "level2", "unit"},
    "label": {"label", "level1"},
}


def _cost(piece: Piece, kind: str, col: int, col_kind: str) -> float:
    wrong = 0 if col_kind in _FITS[kind] else _WRONG
    if kind == "number" and col_kind == "number" and _over_hundred(piece.text):
        wrong = _WRONG  # 分值 and 得分 are points: an amount of 512000.10 is not one
    if kind == "number" and col_kind == "text":
        wrong = 2  # a target or actual may be a bare number; 分值/得分 is likelier
    if kind == "word" and col_kind in ("level1", "level2"):
        wrong = 2  # a level label the template does not know
    if col_kind == "unit" and _width(piece.text) > _UNIT:
        wrong = _WRONG  # 度量单位 holds 万人次, %, 天: a longer text is the next column's
    if kind.endswith("-word") and col_kind == "text":
        wrong = 3  # "服务对象满意度" names a level or an indicator: likelier the level where its column is free
    return wrong + abs(piece.start - col)


def _over_hundred(text: str) -> bool:
    try:
        return Decimal(text.replace(",", "").replace(" ", "")) > 100
    except InvalidOperation:
        return False


def _assign(pieces: list[Piece], kinds: list[str], cols: list[int], col_kinds: list[str]) -> list[int] | None:
    """The order-keeping assignment of pieces to columns of least cost (dynamic programming), or None when
    the row has more pieces than the table has columns."""
    n, m = len(pieces), len(cols)
    if n > m:
        return None
    inf = float("inf")
    # best[i][j]: least cost of the first i pieces in the first j columns, piece i-1 in column j-1 or before
    best = [[inf] * (m + 1) for _ in range(n + 1)]
    take = [[False] * (m + 1) for _ in range(n + 1)]
    best[0][0] = 0.0
    for i in range(n + 1):
        for j in range(max(i, 1), m + 1):
            # An amount left empty before a later value costs: a funds row fills its amounts from the left.
            skip = best[i][j - 1] + (_GAP if i < n and col_kinds[j - 1] == "amount" else 0)
            if i == 0:
                best[i][j] = skip
                continue
            put = best[i - 1][j - 1] + _cost(pieces[i - 1], kinds[i - 1], cols[j - 1], col_kinds[j - 1])
            best[i][j], take[i][j] = (put, True) if put <= skip else (skip, False)
    out = [0] * n
    i, j = n, m
    while i:
        if take[i][j]:
            out[i - 1] = j - 1
            i -= 1
        j -= 1
    return out


@dataclass
class _Table:
    kind: str
    cols: list[int]
    col_kinds: list[str]
    header_cols: list[int]  # the header's own pieces: each in its column

    @classmethod
    def of(cls, kind: str, header: list[Piece]) -> _Table:
        cols = [p.start for p in header]
        col_kinds = [_column_kind(kind, label_key(p.text)) for p in header]
        if kind == "funds":
            # The rows' labels (年度资金总额…) stand under 项目资金 or in a column of their own after it.
            last = max((k for k, ck in enumerate(col_kinds) if ck == "label" and all(
                c == "label" for c in col_kinds[:k + 1])), default=0)
            cols.insert(last + 1, cols[last] + 1)
            col_kinds.insert(last + 1, "label")
            return cls(kind, cols, col_kinds, [k if k <= last else k + 1 for k in range(len(header))])
        return cls(kind, cols, col_kinds, list(range(len(header))))

    def place(self, pieces: list[Piece]) -> list[int] | None:
        kinds = [_piece_kind(self.kind, p.text) for p in pieces]
        whole = _assign(pieces, kinds, self.cols, self.col_kinds)
        points = [k for k in range(len(self.cols) - 1) if self.col_kinds[k:k + 2] == ["number", "number"]]
        pairs = [i for i in range(len(pieces) - 1) if kinds[i:i + 2] == ["number", "number"]
                 and "number" not in kinds[i + 2:]]
        if self.kind != "indicators" or len(points) != 1 or not pairs:
            return whole
        # An indicator row's last two bare numbers are its 分值 and 得分, wherever pdftotext packed them; what
        # comes before goes under the columns before them, a note after.
        i, w = pairs[0], points[0]
        head = _assign(pieces[:i], kinds[:i], self.cols[:w], self.col_kinds[:w])
        tail = _assign(pieces[i + 2:], kinds[i + 2:], self.cols[w + 2:], self.col_kinds[w + 2:])
        if head is None or tail is None:
            return whole
        return [*head, w, w + 1, *(w + 2 + t for t in tail)]


# ------------------------------------------------------------------ the reader

@register("layout", _is_layout, priority=-5)
def read_layout(data: bytes, file: str) -> Grid:
    lines, notes = decode_lines(data, file)
    grid = Grid(file=file, format="pdf-text", warnings=notes)
    rows: list[tuple[int, dict[int, list[str]], dict[int, Place]]] = []
    above: list[Piece] | None = None
    above_cols: list[int] = []
    table: _Table | None = None
    for n, line in enumerate(lines, start=1):
        pieces = _pieces(line.replace("\f", ""))  # a page break inside a row does not end it
        if not pieces:
            above = None
            continue
        if above is not None and rows and not _opens(pieces) and _wraps(pieces, above):
            texts = rows[-1][1]
            for p in pieces:
                k = next(k for k, a in enumerate(above) if abs(a.start - p.start) <= _SAME_COLUMN)
                texts.setdefault(above_cols[k], []).append(p.text)
                above[k] = p
            continue
        kind = _header_kind(pieces)
        if kind is not None:
            table = _Table.of(kind, pieces)
            cols: list[int] | None = table.header_cols
        elif any(w in p.text for p in pieces for w in _TITLES):
            table = None
        if kind is None:
            cols = table.place(pieces) if table is not None else None
        if cols is None:
            cols = list(range(len(pieces)))
        rows.append((n, {c: [p.text] for c, p in zip(cols, pieces)},
                     {c: Place(line=n, col=p.start + 1) for c, p in zip(cols, pieces)}))
        above, above_cols = pieces, cols
        if table is not None and label_key(pieces[0].text).startswith(_TOTALS):
            table = None
    for n, texts, places in rows:
        cells = [Cell(_SCRIPT_SPACE.sub("", "\n".join(texts[c])), places[c]) if c in texts else Cell("", None, n, None)
                 for c in range(max(texts) + 1)]
        grid.rows.append(Row(cells, Place(line=n)))
    return grid
