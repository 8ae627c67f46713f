"""``pdftotext -raw`` of a printed form: a row's cells in order, one space apart, no empty cell kept.

A cell that wrapped goes on, alone, on the next line, and the rest of its row on the line after that; the
label cells a header merges over its first columns come one under the other above it (四川's 预算执行情况).
Rows are put back together from that, then each laid under its table's header (:mod:`.pdfcells`), which
places a number only where the row's types, its arithmetic, the row above or the form's sums leave one
column for it.
"""

from __future__ import annotations

import re

from ...text import label_key
from ..grid import Grid, Place
from ..vocab import CORE_ANSWERS, DEPARTMENT_NAME_LABELS, HEADER_FIELDS, LEVEL1, LEVEL2, OTHER_HEADER_LABELS, any_funds_row_kind
from . import register
from .decode import decode_lines, looks_binary, sniffed_lines
from .pdfcells import (
    RECORD,
    TITLES,
    TOTALS,
    Piece,
    Points,
    Rows,
    Table,
    column_kind,
    cut_cells,
    header_kind,
    may_head_funds,
    opens,
    piece_kind,
    placed_or_doubted,
    to_grid,
)

# pdftotext -raw: cells one space apart, and a space wherever the script changes inside a cell. A space stays
# inside the cell between Chinese and a number of one or two digits the Chinese goes on after ("测试项目 2 号",
# "指标 1："; not after 总分: "总分 95" is a label and its value), between a number glued to what precedes it
# (or opening the line) and the Chinese after it ("(50 分)", "≥1000 人次", "2023 年度"), and between a lone
# number and a unit of one or two characters ("1200 人次", "2024 年").
_CJK = re.compile(r"[\u4e00-\u9fff]")
# After the space, the number goes on with a counter ("2 号经费", "3 期", "10 个村"): a word after a number of a
# row's cells, or the end of the row ("有所减轻 15 有所减轻 15": 指标值, 指标权重, 完成值, 得分), is a cell of its own.
_COUNTERS = "号个期批届次名项户人家所条座处台辆月日天周类种级层栋村组队班章节篇区场万千百亿元年"
_SHORT_NUMBER = re.compile(rf"\d{{1,2}}(?:[\u4e00-\u9fff：:]| [{_COUNTERS}])")
_LABELS = "|".join(sorted((*HEADER_FIELDS, *DEPARTMENT_NAME_LABELS, *OTHER_HEADER_LABELS), key=len, reverse=True))
_LABEL_AHEAD = re.compile(_LABELS)
_SHORT_THEN_LABEL = re.compile(rf"\d{{1,2}} (?:{_LABELS})")  # "某中心 4 项目负责人": the 4 ends the name
# 是 and 否 after a number are 是否核心指标's own cell, never a unit.
_UNIT_WORD = re.compile(r"(?![是否](?: |$))[\u4e00-\u9fff]{1,2}(?: |$)")


# A number of one or two digits ending the line ("某市某中心 13"), on a line with no other number standing alone:
# a header's value goes on with it; on a row of values ("有所减轻 15 有所减轻 15") it is the row's 得分.
_SHORT_LAST = re.compile(r"\d{1,2}$")
_LONE_NUMBER = re.compile(r"(?:^| )[\d.,]+%?(?= )")


def _inner_spaces(line: str) -> set[int]:
    out = set()
    last_goes_on = _LONE_NUMBER.search(line) is None
    for k in range(1, len(line) - 1):
        if line[k] != " ":
            continue
        before, after = line[k - 1], line[k + 1]
        if _CJK.match(before) and (_SHORT_NUMBER.match(line, k + 1) or _SHORT_THEN_LABEL.match(line, k + 1)
                                   or last_goes_on and _SHORT_LAST.match(line, k + 1)) \
                and not line[:k].endswith(TOTALS):
            out.add(k)
        elif before.isdigit() and _CJK.match(after):
            j = k - 1
            while j >= 0 and (line[j].isdigit() or line[j] in ".,"):
                j -= 1
            if (j < 0 or line[j] != " " or j in out or _UNIT_WORD.match(line, k + 1)) and not _LABEL_AHEAD.match(line, k + 1):
                out.add(k)  # "某中心 4 项目负责人": the 4 ends its cell, a header label opens the next
    return out


def _raw_pieces(line: str) -> list[Piece]:
    """A line of ``pdftotext -raw`` as its cells, each at its column in the file."""
    inner = _inner_spaces(line)
    out: list[Piece] = []
    start = None
    for k, ch in enumerate(line + " "):
        if ch == " " and k not in inner:
            if start is not None:
                text = "".join(c for j, c in enumerate(line[start:k], start) if j not in inner)
                out.append(Piece(-1, -1, text, start))
                start = None
        elif start is None and ch != " ":
            start = k
    return out



def _is_raw(data: bytes) -> bool:
    """``pdftotext -raw`` of a printed form: a funds header of three column labels or more one space apart, and a
    row under it that opens with its label and goes on in numbers."""
    head = data[:65536]
    if b"\t" in head or head.count(b"|") > 5 or b"  " in head or looks_binary(head):
        return False
    lines = sniffed_lines(head)
    for n, line in enumerate(lines[:-1]):
        if len(line) < 200 and may_head_funds(line) and header_kind(_raw_pieces(line)) == "funds":
            # The first row under it, after the end of a wrapped label ("执行率得分" over "(分)").
            below = next((pieces for nxt in lines[n + 1:n + 3] if len(pieces := _raw_pieces(nxt)) > 1), [])
            return len(below) >= 3 and starts_row(below[0]) and piece_kind("funds", below[1].text) == "number"
    return False


def _stacked(built: list[tuple[int, list[Piece], bool]], tables: list[Table | None], wraps: bool) -> list[Piece]:
    """The label cells -raw prints one under the other above a funds header whose first columns they merge
    (四川: "预算执行情况", "(10 分)", "年度预算数(万", "元)"), taken off the rows before it and joined where a
    bracket goes on: the header's leading labels. A header broken by a wrapped label comes the same way in -raw:
    its first columns on a line ("年初预算数 全年(调整)预算"), the label's end alone on the next ("数"), joined
    to it; only so (labels printed above their header, 全年执行数 and 分值 in reading order, are no such line)."""
    lines: list[list[Piece]] = []
    while built and tables[-1] is None and not opens(built[-1][1]) and not starts_row(built[-1][1][0]) and (
            len(built[-1][1]) == 1 or wraps and lines and len(lines[0]) == 1 and _funds_labels(built[-1][1])):
        lines.insert(0, built.pop()[1])
        tables.pop()
    out: list[Piece] = []
    after_labels = False
    for line in lines:
        p = line[0]
        if len(line) > 1:
            out += line
        elif out and (p.text.startswith(("(", "（")) or out[-1].text.count("(") > out[-1].text.count(")")
                      or after_labels and column_kind("funds", label_key(p.text)) == "label"):
            out[-1] = Piece(-1, -1, out[-1].text + p.text, out[-1].col)
        else:
            out.append(p)
        after_labels = len(line) > 1
    return out


def _funds_labels(pieces: list[Piece]) -> bool:
    """A line of a funds header's first labels: words only, one of them a column's (年初预算数, 全年(调整)预算)."""
    return all(piece_kind("funds", p.text) == "word" for p in pieces) and any(
        column_kind("funds", label_key(p.text)) != "label" for p in pieces)


def starts_row(p: Piece) -> bool:
    """A piece only the first cell of a row holds: a level-1 label, a funds row's label, a total, a header label."""
    key = label_key(p.text)
    return (piece_kind("indicators", p.text) == "level1" or key.startswith(TOTALS)
            or any_funds_row_kind(key) is not None or key.endswith("资金")
            or key.startswith("其中") or key in HEADER_FIELDS)


def _row_whole(table: Table, pieces: list[Piece]) -> bool:
    """Whether a row holds all it must before anything may follow: an indicator its 分值 and 得分, a funds row a
    number."""
    numbers = sum(1 for p in pieces if piece_kind(table.kind, p.text) == "number")
    return numbers >= (2 if table.kind == "indicators" else 1)


def _level_like(p: Piece) -> bool:
    """A word a level label begins with ("服务对象满意度指" wrapped): after a whole row it opens the next."""
    key = label_key(p.text)
    return bool(LEVEL1.match(key) or LEVEL2.match(key))


def _is_text(p: Piece) -> bool:
    return piece_kind("indicators", p.text) not in ("number", "percent", "blank")


@register("raw", _is_raw, priority=-5)
def read_raw(data: bytes, file: str) -> Grid:
    """``pdftotext -raw``: a row's cells in order on a line; a cell that wrapped goes on, alone, on the next line,
    and the rest of its row on the line after that."""
    lines, notes = decode_lines(data, file)
    return read_rows(file, [(n, _raw_pieces(line.replace("\f", "")), "\f" in line) for n, line in enumerate(lines, start=1)],
                     notes)


def read_rows(file: str, lines: list[tuple[int, list[Piece], bool]], notes: list[str], wraps: bool = True) -> Grid:
    """Lines of a table's cells in order (line number, its pieces, whether a page starts at it), each laid under
    its table's header. With ``wraps`` a line may be the wrapped end of a cell above or the rest of a row a
    wrapped cell broke, as in ``pdftotext -raw``; without, every line is a row of whole cells."""
    built: list[tuple[int, list[Piece], bool]] = []  # line, pieces, a header
    tables: list[Table | None] = []
    table: Table | None = None
    points = Points()
    wrapped = False
    page_top = False
    for n, pieces, new_page in lines:
        page_top = page_top or new_page
        if not pieces:
            continue
        if wraps and page_top and table is not None and table.kind == "indicators" and built and _row_whole(table, built[-1][1]) \
                and (ks := cut_cells(pieces, built[-1][1], lambda k: True)) is not None and -1 not in ks:
            last = built[-1][1]  # -raw shows no cell's width: any cell of prose may have run on
            for p, k in zip(pieces, ks):
                last[k] = Piece(-1, -1, f"{last[k].text}\n{p.text}", last[k].col)
            page_top = False
            continue
        page_top = False
        if wraps and table is not None and built and not opens(pieces) and not starts_row(pieces[0]):
            last = built[-1][1]
            whole = _row_whole(table, last)
            # A word alone goes on the cell above, unless that row is whole and the word opens a level or the
            # cell is 是否核心指标's answer, which never runs on (the word opens the next row).
            if len(pieces) == 1 and _is_text(pieces[0]) and _is_text(last[-1]) and not RECORD.match(pieces[0].text) \
                    and not (whole and (_level_like(pieces[0]) or last[-1].text in CORE_ANSWERS)):
                # A bare "指标8：" (a placeholder) has no text to run on: the cell before it ran on ("服务对象满意度指").
                k = -2 if len(last) > 1 and RECORD.fullmatch(last[-1].text.strip()) and _is_text(last[-2]) else -1
                last[k] = Piece(-1, -1, f"{last[k].text}\n{pieces[0].text}", last[k].col)
                wrapped = True
                continue
            if not whole and (wrapped or RECORD.match(pieces[0].text)):
                last.extend(pieces)  # the rest of a row a wrapped cell broke
                wrapped = False
                continue
        wrapped = False
        kind = header_kind(pieces)
        if kind == "funds":
            pieces = _stacked(built, tables, wraps) + pieces
        if kind is not None:
            table = Table.of(kind, pieces, points)
            points = table.points  # a funds header opens a form's points; the indicators' table goes on with them
        elif any(w in p.text for p in pieces for w in TITLES):
            table = None
        built.append((n, pieces, kind is not None))
        tables.append(table)
        if table is not None and kind is None and (label_key(pieces[0].text).startswith(TOTALS) or table.kind == "goals"):
            table = None  # the goals' one row of texts, or the total, ends its table
    rows: Rows = []
    doubted: set[int] = set()
    for (n, pieces, header), row_table in zip(built, tables):
        cols, doubt = (row_table.header_cols, False) if header and row_table is not None \
            else placed_or_doubted(row_table, pieces, n, notes)
        if doubt and not wraps:
            doubted.add(n)  # rows put together from a stream of cells: one in doubt leaves its part in doubt
        rows.append((n, {c: [p.text] for c, p in zip(cols, pieces) if c >= 0},
                     {c: Place(line=n, col=p.col + 1) for c, p in zip(cols, pieces) if c >= 0}))
    return to_grid(file, rows, notes, frozenset(doubted))
