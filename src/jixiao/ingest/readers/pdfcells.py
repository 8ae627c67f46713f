"""Cells of text taken out of a PDF, laid under the header of the table they belong to.

``pdftotext -layout`` and ``-raw`` both print a table's rows as lines of cells; neither keeps which column a
cell is in (-layout prints it at about its place, -raw not at all, and both drop empty cells). A row under a
table's header (funds, goals, indicators) is laid under the header's labels by the order-keeping assignment
that fits best: a number never under a text column, a word never under 分值/得分/执行率 or an amount, a rate
with its '%' only under 执行率, a level label only under its level, then (where the text keeps positions) the
nearest start. Without positions a number that two assignments of the same fit put in different columns is
not placed: the row's arithmetic (执行率 = 执行数 ÷ 预算数), the row above it, or the form's sums of 分值 and
得分 settle it where they can, and otherwise it is named in a note and left out.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from itertools import combinations
from math import comb
from typing import Callable

from ...text import label_key
from ...values import BLANKS, parse_measure
from ..grid import Cell, Grid, Place, Row
from ..vocab import FUNDS_NEEDLES, LEVEL1, LEVEL2, MONEY_UNIT

# The words that make a row a header, of every template: its funds, its indicators, its goals.
INDICATOR_NEEDLES = ("一级指标", "二级指标", "三级指标", "指标值", "完成值", "指标名称", "指标性质", "度量单位", "计量单位",
                     "得分系数", "指标权重", "指标得分", "是否核心指标")
GOAL_LABELS = frozenset({"预期目标", "实际完成情况", "项目年度目标", "年度目标完成情况", "全年实际完成情况", "总体目标",
                         "年初绩效目标", "全年(调整)绩效目标", "全年目标实际完成情况"})
TOTALS = ("总分", "合计", "总计")
RECORD = re.compile(r"指标 ?\d+ ?[:：]")
TITLES = ("绩效自评表", "绩效评价表", "绩效目标自评表")
# pdftotext puts a space wherever the script changes inside a cell: "测试项目 2 号经费", "(50 分)", "2023 年度".
_SCRIPT_SPACE = re.compile(r"(?<=[\u4e00-\u9fff]) (?=\d)|(?<=\d) (?=[\u4e00-\u9fff])")
NUMBER = re.compile(r"[+-]?\d[\d,]*(?:\.\d+)?%?")
_UNIT = 6  # the widest unit (万人次, 平方米)
WRAPPING = 6  # narrower cells (three Chinese characters) do not wrap
_CHOICES = 5000  # assignments tried for a row of text without positions (a row of 8 in 13 columns: 1 287)
_GAP = 4  # an amount column skipped before a value of the row
_WRONG = 100  # the cost of a piece under a column that cannot hold it: only when nothing else fits



@dataclass(frozen=True, slots=True)
class Piece:
    start: int  # the character column it starts at; -1 in text without positions
    end: int
    text: str
    col: int  # where it starts on its line of the file


def header_kind(pieces: list[Piece]) -> str | None:
    keys = [label_key(p.text) for p in pieces]
    if sum(1 for k in keys if any(n in k for n in INDICATOR_NEEDLES)) >= 3:
        return "indicators"  # before funds: 权重 and 得分 head both tables
    if sum(1 for k in keys if any(n in k for n in FUNDS_NEEDLES)) >= 3:
        return "funds"
    if sum(1 for k in keys if k in GOAL_LABELS) >= 2:
        return "goals"
    return None


def may_head_funds(line: str) -> bool:
    """False only for a line no cutting into pieces makes a funds header (:func:`header_kind`): it names no
    funds column. A piece's label key is part of the line's, so the line is searched once, not cut first."""
    if "[" in line or "<" in line:
        return True  # an artifact label_key strips could span pieces: let header_kind decide
    if not unicodedata.is_normalized("NFKC", line):
        line = unicodedata.normalize("NFKC", line)
    return _FUNDS_IN_LINE.search(line) is not None


# A funds column label with the spaces and '*' label_key drops between its characters.
_FUNDS_IN_LINE = re.compile("|".join(r"[\s*]*".join(map(re.escape, n)) for n in FUNDS_NEEDLES))


def opens(pieces: list[Piece]) -> bool:
    """A title, a report code above it or a table's header: the start of something, never a cell's wrapped text."""
    return header_kind(pieces) is not None or any(w in p.text for p in pieces for w in TITLES) or (
        pieces[0].text.startswith("报表编号"))


def width(text: str) -> int:
    """Character columns the text takes on the page: a Chinese or full-width character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


# ------------------------------------------------------------------ a table's columns and a row under them

_CUT_UNIT = re.compile(r"\((万元?|元)?$")

def column_kind(table: str, key: str) -> str:
    """What a header label's column holds: label, level1, level2, number (分值, 得分), rate, amount or text."""
    if table == "funds":
        if any(w in key for w in ("分值", "权重", "得分")):
            return "number"  # 执行率权重 and 执行率得分 (重庆) are points
        if "执行率" in key:
            return "rate"
        # The money unit names the column of the rows' labels (年度预算数(万元), 四川), even when the label
        # wrapped inside it ("年度预算数(万" over "元)").
        if MONEY_UNIT.search(key) is None and _CUT_UNIT.search(key) is None \
                and any(w in key for w in ("年初预算", "全年预算", "调整", "执行数", "预算数")):
            return "amount"
        return "label" if not any(w in key for w in ("原因", "说明")) else "reason"
    if table == "indicators":
        if "一级指标" in key:
            return "level1"
        if "二级指标" in key:
            return "level2"
        if "三级指标" in key or "指标名称" in key:
            return "name"
        if any(w in key for w in ("分值", "权重", "得分")):
            return "number"
        if "绩效指标" in key and not any(w in key for w in ("名称", "三级")):
            return "section"
        if "单位" in key:
            return "unit"
        return "text"
    return "text" if key in GOAL_LABELS else "label"


def piece_kind(table: str, text: str) -> str:
    key = label_key(text)
    if text.strip() in BLANKS:
        return "blank"
    if NUMBER.fullmatch(text.replace(" ", "")):
        return "percent" if text.endswith("%") else "number"
    if table == "indicators" or key.startswith(TOTALS):
        if key.startswith(TOTALS):
            return "label"
        # Only a level label as the template prints it: a name may be "服务对象满意度" or "满意度" too.
        if RECORD.match(text):
            return "record"
        if (m := LEVEL2.match(key)) and key[m.end():] == "指" and not LEVEL1.fullmatch(key):
            return "level2"  # "服务对象满意度指" with its last character wrapped onto the next line
        if LEVEL2.fullmatch(key) and not LEVEL1.fullmatch(key):
            return "level2" if key.endswith("指标") else "level2-word"
        if m := LEVEL1.fullmatch(key):
            return "level1" if key.endswith("指标") or m.group(2) else "level1-word"
    return "word"


_FITS = {  # piece kind → the column kinds it may stand under
    "blank": {"number", "rate", "amount", "text", "name", "level1", "level2", "label", "section", "unit", "reason"},
    "number": {"number", "rate", "amount", "text", "name"},
    "percent": {"rate", "text", "name", "unit"},
    "level1": {"level1"},
    "level2": {"level2"},
    "record": {"name"},  # "指标8：" opens the indicator's name, wherever a page packed its row
    "level1-word": {"level1", "text", "name"},
    "level2-word": {"level2", "text", "name"},
    "word": {"label", "section", "text", "name", "level1", "level2", "unit", "reason"},
    "label": {"label", "section", "level1"},
}


def _cost(piece: Piece, kind: str, col: int, col_kind: str) -> float:
    """How ill a piece sits under a column: what the column cannot hold, then how far it starts from it (text
    without positions, ``pdftotext -raw``, has every piece at -1: words go as far left as they can)."""
    wrong = 0 if col_kind in _FITS[kind] else _WRONG
    if kind == "number" and col_kind == "number" and _over_hundred(piece.text):
        wrong = _WRONG  # 分值 and 得分 are points: an amount of 512000.10 is not one
    if kind == "number" and col_kind == "rate" and "," in piece.text:
        wrong = _WRONG  # thousands separators print an amount (6,033,580.90), never a rate
    if kind == "number" and col_kind in ("text", "name"):
        wrong = 2  # a target or actual may be a bare number; 分值/得分 is likelier
    if kind == "word" and col_kind in ("level1", "level2"):
        wrong = 2  # a level label the template does not know
    if kind == "word" and col_kind == "section":
        wrong = 2  # 绩效指标, merged down the indicator rows, prints on one of them at most: a word is the name
    if col_kind == "unit" and width(piece.text) > _UNIT:
        wrong = _WRONG  # 度量单位 holds 万人次, %, 天: a longer text is the next column's
    if kind.endswith("-word") and col_kind in ("text", "name"):
        wrong = 3  # "服务对象满意度" names a level or an indicator: likelier the level where its column is free
    if piece.start < 0:
        return wrong + (col / 1000 if kind not in ("number", "percent", "blank") else 0)
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


def _certain(pieces: list[Piece], kinds: list[str], cols: list[int], col_kinds: list[str], above: dict[int, str]
             ) -> tuple[list[int], set[int]] | None:
    """For text without positions: the least-cost assignment, and the pieces (numbers) that another assignment
    of the same cost puts under another column: their column is not certain."""
    n, m = len(pieces), len(cols)
    if n > m or comb(m, n) > _CHOICES:
        return None
    best: list[tuple[int, ...]] = []
    low = float("inf")
    for choice in combinations(range(m), n):
        cost = sum(_cost(p, k, cols[j], col_kinds[j]) for p, k, j in zip(pieces, kinds, choice))
        cost += sum(_GAP for j in range(choice[-1]) if col_kinds[j] == "amount" and j not in choice) if n else 0
        if cost < low - 1e-9:
            low, best = cost, [choice]
        elif abs(cost - low) < 1e-9:
            best.append(choice)
    if not best or low >= _WRONG:
        return None
    # 执行率 = 执行数 ÷ 预算数 settles a number that could be the rate or a score ("297.89 92.80" under a header
    # with 执行率, 权重, 得分): the readings whose rate the row's own amounts give, where there are such.
    fitting = [b for b in best if _rate_fits(pieces, b, col_kinds)]
    best = fitting or best
    # A sub-row of 0/0 has no rate to check: its numbers stand under the columns the row above fills (四川's
    # sub-rows print a rate and no points), and its zeros where that row prints its own ("0 100.00% 0" then
    # "0 0" are 分值 and 得分), when that leaves one reading.
    same = [b for b in best if _alike(pieces, b, above) == max(_alike(pieces, c, above) for c in best)]
    best = same if len(same) == 1 else best
    unsure = {i for i in range(n) if kinds[i] in ("number", "percent") and len({b[i] for b in best}) > 1}
    return list(best[0]), unsure


def decimal_of(text: str) -> Decimal | None:
    """A piece's number ("1,086,000.19", "95.12%"), None for a piece that is none."""
    try:
        return Decimal(text.replace(",", "").rstrip("%"))
    except InvalidOperation:
        return None


def _alike(pieces: list[Piece], choice: tuple[int, ...], above: dict[int, str]) -> tuple[int, int]:
    """How much a reading looks like the row above: values under the columns it fills, then the same values."""
    return (sum(1 for j in choice if j in above), sum(1 for p, j in zip(pieces, choice) if above.get(j) == p.text))


def _rate_fits(pieces: list[Piece], choice: tuple[int, ...], col_kinds: list[str]) -> bool:
    """Whether the reading puts a rate under 执行率 that its row's budget and spending give (to its printed places)."""
    amounts = [decimal_of(p.text) for p, j in zip(pieces, choice) if col_kinds[j] == "amount"]
    rate = next((p.text for p, j in zip(pieces, choice) if col_kinds[j] == "rate"), None)
    if rate is None or len(amounts) < 2 or None in amounts or (value := decimal_of(rate)) is None:
        return False
    budget, spent = amounts[-2], amounts[-1]
    if budget == 0:
        return False  # 0 ÷ 0 gives no rate to check a reading by
    places = len(rate.rstrip("%").partition(".")[2])
    return abs(spent / budget * 100 - value) <= Decimal(1).scaleb(-places) / 2  # type: ignore[operator]


@dataclass
class Points:
    """A form's 分值 and 得分 read so far (the funds total row's and each indicator's), which tell a lone number
    after 总分 for the sum of the one or of the other."""

    weight: Decimal = Decimal(0)
    score: Decimal = Decimal(0)

    def add(self, pieces: list[Piece], cols: list[int], col_kinds: list[str]) -> None:
        points = [decimal_of(p.text) for p, c in zip(pieces, cols) if c >= 0 and col_kinds[c] == "number"]
        if len(points) == 2 and None not in points:
            self.weight += points[0]  # type: ignore[operator]
            self.score += points[1]  # type: ignore[operator]

    def total(self, value: Decimal | None) -> str | None:
        """Which sum a lone total is: "score", "weight", or None when the numbers do not say."""
        if value is None:
            return None
        if self.weight != self.score and value in (self.score, self.weight):
            return "score" if value == self.score else "weight"
        if value != value.to_integral_value() and self.weight == self.weight.to_integral_value() and self.weight:
            return "score"  # whole 分值 add up to a whole number: a total with decimals is the 得分's, however wrong
        return None


@dataclass
class Table:
    kind: str
    cols: list[int]
    col_kinds: list[str]
    header_cols: list[int]  # the header's own pieces: each in its column
    points: Points = field(default_factory=Points)
    above: dict[int, str] = field(default_factory=dict)  # the last row read: column → text

    @classmethod
    def of(cls, kind: str, header: list[Piece], points: Points | None = None) -> Table:
        cols = [p.start for p in header]
        col_kinds = [column_kind(kind, label_key(p.text)) for p in header]
        if kind == "funds":
            # The rows' labels (年度资金总额…) stand under 项目资金 or in a column of their own after it (before
            # the first column where the header has no label over them: 四川's -raw text prints it on lines above).
            last = max((k for k, ck in enumerate(col_kinds) if ck == "label" and all(
                c == "label" for c in col_kinds[:k + 1])), default=-1)
            cols.insert(last + 1, cols[last] + 1 if last >= 0 else cols[0] - 1)
            col_kinds.insert(last + 1, "label")
            return cls(kind, cols, col_kinds, [k if k <= last else k + 1 for k in range(len(header))], Points())
        return cls(kind, cols, col_kinds, list(range(len(header))), points or Points())

    def place(self, pieces: list[Piece]) -> tuple[list[int], set[int]] | None:
        """Each piece's column, and the pieces whose column is not certain (left out of the row); the form's
        points so far take in the row's."""
        found = self.fit_row(pieces)
        if found is None:
            return None
        cols, unsure = found
        lone = [i for i, p in enumerate(pieces) if piece_kind(self.kind, p.text) == "number"]
        if self.kind == "indicators" and label_key(pieces[0].text).startswith(TOTALS) and len(lone) == 1 \
                and unsure <= set(lone):
            # A lone total is the sum it equals, wherever its page packed it (a page after the header's lays out
            # its columns afresh, so its position is no better than none).
            [i] = lone
            numbers = [k for k, ck in enumerate(self.col_kinds) if ck == "number"]
            which = self.points.total(decimal_of(pieces[i].text))
            if which is not None and len(numbers) == 2:
                cols[i] = numbers[1] if which == "score" else numbers[0]
                unsure = set()
        sure = [-1 if i in unsure else c for i, c in enumerate(cols)]
        self.points.add(pieces, sure, self.col_kinds)
        self.above = {c: p.text for p, c in zip(pieces, sure) if c >= 0}
        return cols, unsure

    def fit_row(self, pieces: list[Piece]) -> tuple[list[int], set[int]] | None:
        kinds = [piece_kind(self.kind, p.text) for p in pieces]
        whole = self.fit(pieces, kinds, 0, len(self.cols))
        points = [k for k in range(len(self.cols) - 1) if self.col_kinds[k:k + 2] == ["number", "number"]]
        pairs = [i for i in range(len(pieces) - 1) if kinds[i:i + 2] == ["number", "number"]
                 and "number" not in kinds[i + 2:]]
        if self.kind != "indicators" or len(points) != 1 or not pairs:
            return whole
        # An indicator row's last two bare numbers are its 分值 and 得分, wherever pdftotext packed them; what
        # comes before goes under the columns before them, a note after.
        i, w = pairs[0], points[0]
        head = self.fit(pieces[:i], kinds[:i], 0, w)
        tail = self.fit(pieces[i + 2:], kinds[i + 2:], w + 2, len(self.cols))
        if head is None or tail is None:
            return whole
        return [*head[0], w, w + 1, *tail[0]], head[1] | {i + 2 + k for k in tail[1]}

    def fit(self, pieces: list[Piece], kinds: list[str], lo: int, hi: int) -> tuple[list[int], set[int]] | None:
        cols, col_kinds = self.cols[lo:hi], self.col_kinds[lo:hi]
        if pieces and pieces[0].start < 0:
            above = {c - lo: t for c, t in self.above.items() if lo <= c < hi}
            found = _certain(pieces, kinds, cols, col_kinds, above)
        else:
            one = _assign(pieces, kinds, cols, col_kinds)
            found = (one, set()) if one is not None else None
        return None if found is None else ([lo + c for c in found[0]], found[1])


def cut_cells(pieces: list[Piece], last: list[Piece], ran_full: Callable[[int], bool]) -> list[int] | None:
    """The words atop a page that go on the cells of the row the page cut (Word lets a row break over pages),
    each the index of the cell in ``last`` it goes on, in order; None when they are no such words. A word goes
    on a level label the page cut ("服务对象满意度指" + "标"), or on the one cell of prose (a name, a note: not a
    target or an actual like ≥95%) after the cells already taken that could have run on (``ran_full``: as far as
    the text shows; the next page lays its columns out afresh, so a word's own position there says nothing), or
    that is twice as wide as the word at least (a character or two left over: "率" under "数字资源可用"); -1 for a
    word whose cell is not certain (several could have run on)."""
    if not pieces or opens(pieces) or any(piece_kind("indicators", p.text) != "word" for p in pieces):
        return None
    out: list[int] = []
    start = 0
    for i, p in enumerate(pieces):
        level = [k for k in range(start, len(last)) if _cut_level(last[k].text, p.text)]
        prose = [k for k in range(start, len(last)) if piece_kind("indicators", last[k].text) in ("word", "record")
                 and width(last[k].text) >= WRAPPING and parse_measure(last[k].text).kind in ("text", "qualitative")]
        full = [k for k in prose if ran_full(k)]
        # A cell short of the next column may have wrapped too, where no cell ran full: its text is wider than
        # the word twice ("率" left over from "数字资源可用").
        prose = full or [k for k in prose if 2 * width(p.text) <= width(last[k].text)]
        # One cell that could have run on, or as many as the words left: each word goes on one, in order.
        found = level[:1] or (prose[:1] if len(prose) in (1, len(pieces) - i) else [])
        if not found:
            out.append(-1)
            continue
        out.append(found[0])
        start = found[0] + 1
    return out


def _cut_level(cell: str, word: str) -> bool:
    key = label_key(cell)
    return key.endswith("指") and word.startswith("标") and bool(LEVEL1.fullmatch(key + "标") or LEVEL2.fullmatch(key + "标"))


# ------------------------------------------------------------------ the readers

Rows = list[tuple[int, dict[int, list[str]], dict[int, Place]]]  # line, column → texts, column → place


def placed(table: Table | None, pieces: list[Piece], n: int, notes: list[str]) -> list[int]:
    """Each piece's column under the table's header; -1 for a number whose column is not certain (named in a
    note, left out: no arithmetic is done on a guess); outside a table the pieces one after another."""
    return placed_or_doubted(table, pieces, n, notes)[0]


def placed_or_doubted(table: Table | None, pieces: list[Piece], n: int, notes: list[str]) -> tuple[list[int], bool]:
    """:func:`placed`, and whether the row is in doubt: under a table's header, a number left out or a row the
    header's columns cannot hold (laid out one piece after another)."""
    found = table.place(pieces) if table is not None else None
    if found is None:
        return list(range(len(pieces))), table is not None
    for i in sorted(found[1]):
        notes.append(f"第{n}行的“{pieces[i].text}”无法确定属于哪一栏，未读取")
    return [-1 if i in found[1] else c for i, c in enumerate(found[0])], bool(found[1])


def to_grid(file: str, rows: Rows, notes: list[str], doubtful: frozenset[int] = frozenset()) -> Grid:
    """The rows as a grid; a row on a line of ``doubtful`` marked so (:attr:`Row.doubtful`)."""
    grid = Grid(file=file, format="pdf-text", warnings=notes)
    for n, texts, places in rows:
        if not texts:
            continue
        cells = [Cell(_SCRIPT_SPACE.sub("", "\n".join(texts[c])), places[c]) if c in texts else Cell("", None, n, None)
                 for c in range(max(texts) + 1)]
        grid.rows.append(Row(cells, Place(line=n), doubtful=n in doubtful))
    return grid

