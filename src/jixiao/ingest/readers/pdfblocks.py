"""Text ``pdftotext`` prints of a form by default (its reading order): every cell a block of its own, blank lines
between them, one row's cells after another.

A cell that wrapped is the lines of its block; a block may also hold the cells of two rows one under the other
("合计⏎项目负责人"), which a label or a number starting a line tells apart. Rows are not marked: a row begins at
its label (项目名称, 年度资金总额, a level label, 指标N：, 总分), a header at its first column label, and an
indicator row after the 分值 and 得分 that end the one before (a word then goes on as that row's note only where
the header has a note column and a row begins after it). A label cell merged over several rows prints where its
middle falls, between the cells of another row: a part's label (绩效指标) found inside the goals' row of texts is
put after it, and a total's numbers printed before its label go with it. The rows are then laid under their
header's columns as ``pdftotext -raw``'s are (:func:`.pdfraw.read_rows`): by the cells' kinds and the form's
arithmetic, a number whose column stays uncertain named in a note, never placed.
"""

from __future__ import annotations

import itertools
import re
from decimal import Decimal

from ...text import label_key
from ..grid import Grid
from ..vocab import (
    CORE_ANSWERS,
    DEPARTMENT_NAME_LABELS,
    FUNDS_COLUMNS,
    FUNDS_NEEDLES,
    HEADER_FIELDS,
    LEVEL1,
    OTHER_HEADER_LABELS,
    YEAR_ROW,
    any_funds_row_kind,
    level1_of,
)
from . import register
from .decode import decode_lines, looks_binary, sniffed_lines
from .pdfcells import (
    GOAL_LABELS,
    INDICATOR_NEEDLES,
    NUMBER,
    RECORD,
    TITLES,
    TOTALS,
    Piece,
    column_kind,
    decimal_of,
    header_kind,
    piece_kind,
)
from .pdfraw import read_rows, starts_row

_NOTE_LABELS = ("偏差原因", "未完成原因", "原因分析")
_PART_LABELS = ("绩效指标", "年度绩效指标", "当年绩效目标", "年度总体目标", "项目资金", "预算执行情况", "部门预算执行情况",
                "年度预算数")
# A telephone number as forms print one: an area code and a dash, or a mobile's eleven digits.
_PHONE = re.compile(r"\(?0\d{2,3}\)?[-－]\d{7,8}(?:[-－]\d{1,5})?|1[3-9]\d{9}")
_NATURE_WORDS = frozenset({"定量指标", "定性指标", "定量", "定性"})  # 重庆's 指标性质
_NATURES = frozenset({"≥", "≤", "=", "＝", ">", "<", "≧", "≦", "定量"})
_HEADER_LABELS = tuple(HEADER_FIELDS)  # "实施单位(盖章)" too
_ATTACHMENT = re.compile(r"^附件[\d\-—－.、]*[:：]?$")
_UNIT_LINE = re.compile(r"^(?:金额)?单位[:：]")
_RATE_FIELDS = frozenset({"rate", "weight", "score"})
_LABEL_LEN = 16  # a column label is short; a longer line holding one of its words is prose


def _is_blocks(data: bytes) -> bool:
    """Three funds column labels or more, each a line between blank lines, and nothing the other text readers
    claim (tabs, pipes, columns padded with spaces)."""
    head = data[:65536]
    if b"\t" in head or head.count(b"|") > 5 or b"   " in head or looks_binary(head):
        return False
    lines = [ln.strip() for ln in sniffed_lines(head)]
    alone = [k for k in range(1, len(lines) - 1) if lines[k] and not lines[k - 1] and not lines[k + 1]
             and _column_label(lines[k]) == "funds"]
    return any(b - a <= 8 for a, b in zip(alone, alone[2:]))


def _column_label(text: str) -> str | None:
    """Which table's header the text is a column label of: funds, indicators, goals, or None."""
    key = label_key(text)
    if len(key) > _LABEL_LEN:
        return None
    if any(n in key for n in INDICATOR_NEEDLES) or (key.startswith(_NOTE_LABELS) and "指标" not in key):
        return "indicators"
    if any(n in key for n in FUNDS_NEEDLES):
        return "funds"
    if key in GOAL_LABELS:
        return "goals"
    return None


def _opens(text: str) -> bool:
    """A line no cell's wrapped text begins with: a label, a title, a number."""
    key = label_key(text)
    piece = Piece(-1, -1, text, 0)
    return (_column_label(text) is not None or starts_row(piece) or any(w in text for w in TITLES)
            or key.startswith(("报表编号", *_PART_LABELS)) or bool(_ATTACHMENT.match(key)) or bool(_UNIT_LINE.match(key))
            or piece_kind("indicators", text) in ("level1", "level2") or bool(RECORD.match(text))
            or NUMBER.fullmatch(text.replace(" ", "")) is not None)


def _closes(text: str) -> bool:
    """A line after which a new cell begins: a label, title or the year's line under it is never wrapped onto the
    next line's text."""
    key = label_key(text)
    return (any(w in text for w in TITLES) or bool(_ATTACHMENT.match(key)) or bool(_UNIT_LINE.match(key))
            or _year_line(Piece(-1, -1, text, 0))
            or key in HEADER_FIELDS or key in GOAL_LABELS
            or starts_row(Piece(-1, -1, text, 0)) and NUMBER.search(text) is None and len(key) <= 8)


def _label_ends(text: str, line: str) -> bool:
    """Whether the note column's label, wrapped (偏差原因分析及改进 | 措施), ends before the line: its notes may print
    in the same block, right under it."""
    return label_key(text).startswith(_NOTE_LABELS) and _column_label(text) is not None \
        and _column_label(f"{text}{line}") is None


def _pieces(lines: list[str]) -> list[tuple[int, Piece, bool]]:
    """Each block's cells (line number, piece, whether a page starts at it)."""
    out: list[tuple[int, Piece, bool]] = []
    joining = False
    new_page = False
    for n, raw in enumerate(lines, start=1):
        new_page = new_page or "\f" in raw
        line = raw.replace("\f", "").strip()
        if not line:
            joining = False
            continue
        if joining and not _opens(line) and not _label_ends(out[-1][1].text, line):
            m, last, page = out[-1]
            out[-1] = (m, Piece(-1, -1, f"{last.text}\n{line}", last.col), page)
        else:
            out.append((n, Piece(-1, -1, line, 0), new_page))
            new_page = False
        joining = not _closes(line)
    return out


def _is_number(p: Piece) -> bool:
    return piece_kind("indicators", p.text) == "number"


def _whole(row: list[Piece], numeric: int) -> bool:
    """An indicator row that has its 分值 and 得分: two numbers after a word or more; where the header has a unit
    column (四川's 度量单位), as many as the columns after it (完成值, 权重, 得分: ``numeric``)."""
    trailing = 0
    while trailing < len(row) and _is_number(row[-1 - trailing]):
        trailing += 1
    if trailing >= len(row):
        return False
    # After 指标性质 (≥ and no unit printed after its 指标值): the 指标值 is one of the numbers too.
    return trailing >= max(2, numeric + (row[-1 - trailing].text.strip() in _NATURES and numeric > 2))


def _numeric_columns(header: list[Piece]) -> int:
    """How many numbers end a whole row under an indicator header: where it has a unit column, the columns from
    its 完成值 (四川: 完成值, 权重, 得分; 重庆: 全年完成值, 得分系数, 指标权重, 指标得分: its 指标值 may be words),
    else 分值 and 得分. A note column and 是否核心指标 hold no number."""
    keys = [label_key(q.text) for q in header
            if not label_key(q.text).startswith((*_NOTE_LABELS, "是否核心指标"))]
    kinds = [column_kind("indicators", k) for k in keys]
    if "unit" not in kinds:
        return 2
    unit = kinds.index("unit")
    done = next((i for i in range(unit + 1, len(keys)) if "完成值" in keys[i]), unit + 1)
    return len(keys) - done


def _starts(p: Piece, row: list[Piece]) -> bool:
    text = p.text
    if any(w in text for w in TITLES) or label_key(text).startswith("报表编号") or _ATTACHMENT.match(label_key(text)):
        return True
    if row and any(w in row[-1].text for w in TITLES):
        return True  # a title is a row of its own: "（2024 年度）" under it is the year's line
    labels = [q for q in row if _column_label(q.text) is not None]
    if _column_label(text) is not None:
        return len(labels) < len(row)  # a header's labels make one row
    if row and len(labels) == len(row):
        # The header ends at its last label; a goal's label alone on its row goes on with its text.
        return not (len(row) == 1 and label_key(row[0].text) in GOAL_LABELS)
    levels = [piece_kind("indicators", q.text) for q in row]
    kind = piece_kind("indicators", text)
    if kind == "level2":
        return any(k not in ("level1", "level1-word") for k in levels)
    if RECORD.match(text):
        return any(k not in ("level1", "level1-word", "level2", "level2-word") for k in levels)
    key = label_key(text)
    return (starts_row(p) or key.startswith(_PART_LABELS) or key in DEPARTMENT_NAME_LABELS
            or len(key) <= _LABEL_LEN and key.startswith(_HEADER_LABELS))


def _row_value(text: str) -> bool:
    """A cell of an indicator row before its 分值: its 三级指标 or a value, never a label that opens a row."""
    kind = piece_kind("indicators", text)
    return kind in ("percent", "blank") or kind == "word" and not _opens(text)


def _totals_in_place(pieces: list[tuple[int, Piece, bool]]) -> list[tuple[int, Piece, bool]]:
    """A total's label printed after its numbers (with level labels merged down the rows between them, 四川's last
    "%" or the funds header's 原因) put before them: the last two numbers before it, or the last one where two
    would leave the row above it one number short of its 分值 and 得分."""
    out = list(pieces)
    for t in range(len(out)):
        label = out[t][1]
        if not label_key(label.text).startswith(TOTALS) or t + 1 < len(out) and _is_number(out[t + 1][1]):
            continue
        j = t
        while j > 0 and (piece_kind("indicators", out[j - 1][1].text) in ("level1", "level1-word")
                         or out[j - 1][1].text.strip() == "%" or out[j - 1][1].text.strip() in _FUNDS_REASONS):
            j -= 1  # cells printed where their merged cell's middle falls, which the passes after put back
        run = j
        while run > 0 and _is_number(out[run - 1][1]):
            run -= 1
        count = j - run
        # The row above keeps its 分值 and 得分, unless it has none to keep (a placeholder "指标6：").
        bare = run > 0 and piece_kind("indicators", out[run - 1][1].text) in ("record", "level1", "level2")
        # A note after the row's own numbers (its last cell) leaves them the row's.
        bare = bare or run > 1 and _note_text([out[run - 1][1]]) and _is_number(out[run - 2][1])
        take = next((k for k in (2, 1) if count >= k and (count - k == 0 and bare or count - k >= 2)), 0)
        if take:
            moved = out.pop(t)
            out.insert(j - take, moved)
            continue
        words = t + 1
        while words < len(out) and words - t <= 5 and _row_value(out[words][1].text):
            words += 1
        after = words
        while after < len(out) and _is_number(out[after][1]):
            after += 1
        if after - words == 4 and run == j and not _is_number(out[t - 1][1]):
            # Printed before the last row's 分值 and 得分 and its own two (or before the whole last row, its
            # 三级指标 and values first): it goes after the row's. Three numbers would leave it uncertain whether
            # the total prints its 分值.
            out.insert(after - 3, out.pop(t))  # the label's own place freed first
    return out


def _after_funds(row: list[Piece], kind: str | None, goal_texts: int) -> bool:
    """Whether the row being read is one under the funds that holds no number of its own: the goals' header labels
    (年度总体目标, 预期目标 …), 总分 (its cell merged over columns, printed among them), or the goals' row with all
    its texts."""
    if not row or any(_is_number(q) for q in row):
        return False
    if kind == "funds":
        return all(label_key(q.text) in GOAL_LABELS or label_key(q.text).startswith(_PART_LABELS)
                   or label_key(q.text) == "总分" for q in row)
    # The texts all read, or the first of them (a goal's cell is a sentence, never a bare number).
    return len(row) == goal_texts or 0 < len(row) < goal_texts and all(_value_type(q.text) == "prose" for q in row)


def _noted(pieces: list[tuple[int, Piece, bool]], start: int) -> bool:
    """Whether the form from ``start`` to the next title has a note column: its label (a header cell merged over
    two rows) may print anywhere in the form, after the rows whose notes it heads too."""
    for _, p, _ in pieces[start + 1:]:
        if any(w in p.text for w in TITLES):
            return False
        if label_key(p.text).startswith(_NOTE_LABELS):
            return True
    return False


def _rows(pieces: list[tuple[int, Piece, bool]]) -> list[tuple[int, list[Piece], bool]]:
    rows: list[tuple[int, list[Piece], bool]] = []
    row: list[Piece] = []
    first, page = 0, False
    kind: str | None = None
    noted = _noted(pieces, 0)  # the form has a note column
    goal_texts = 0  # the texts a row under the goals' header holds
    numeric = 2  # the indicator header's last columns that may hold a number
    core = False  # the indicator header ends with 是否核心指标
    aside: list[tuple[int, Piece, bool]] = []
    funds_head: list[Piece] | None = None  # the form's funds header, once read
    goals_head: list[Piece] | None = None  # the goals' header, while their row of texts is read
    funds_last: list[Piece] | None = None  # the last funds row read
    funds_at = 0  # where the funds header's row is in ``rows``
    taken = -1  # a piece already put in a row out of turn

    def flush() -> None:
        nonlocal row, kind, goal_texts, numeric, funds_head, goals_head, core, funds_last, funds_at
        if row:
            if (k := header_kind(row)) is not None:
                kind = k
                if k == "funds":
                    funds_head, funds_at = row, len(rows)
                goals_head = row if k == "goals" else None
                if k == "indicators":
                    numeric = _numeric_columns(row)
                    core = label_key(row[-1].text).startswith("是否核心指标")
                goal_texts = sum(1 for q in row if label_key(q.text) in GOAL_LABELS)
            elif kind == "goals":
                kind = None  # the goals' one row of texts ends their table
            elif kind == "funds" and any_funds_row_kind(label_key(row[0].text)) is not None:
                funds_last = row
            rows.append((first, row, page))
        rows.extend((m, [q], pg) for m, q, pg in aside)
        aside.clear()
        row = []

    for i, (n, p, new_page) in enumerate(pieces):
        if i == taken:
            continue
        text = p.text
        nxt = pieces[i + 1][1] if i + 1 < len(pieces) else None
        if any(w in text for w in TITLES):
            noted, funds_head, funds_last = _noted(pieces, i), None, None
        if funds_head is not None and kind in ("funds", "goals") and label_key(text).startswith(OTHER_HEADER_LABELS) \
                and nxt is not None and _is_number(nxt):
            # 重庆's 自评总分 and its value, cells merged down the header's rows beside the funds, printed where
            # their middle falls (among the goals): a header row of their own, before the funds header's.
            at = funds_at
            while at > 0 and len(rows[at - 1][1]) == 1 and not starts_row(rows[at - 1][1][0]):
                at -= 1  # the header's leading labels, printed one under the other above it, stay with it
            rows.insert(at, (n, [p, nxt], new_page))
            funds_at += 1
            taken = i + 1
            continue
        if funds_last is not None and funds_head is not None and kind in ("funds", "goals") and _is_number(p) \
                and len(funds_last) - 1 < len(funds_head) and _after_funds(row, kind, goal_texts):
            funds_last.append(p)  # its row's last cell (其他资金's 得分) printed after the row below it
            continue
        if funds_head is not None and not (row and header_kind(row) is not None) \
                and _funds_label_back(p, funds_head, nxt):
            continue
        if kind == "goals" and goals_head is not None and row is not goals_head and label_key(text) in GOAL_LABELS \
                and all(label_key(q.text) != label_key(text) for q in goals_head):
            goals_head.append(p)  # the header's last label, its cell merged down, printed after the first text
            goal_texts += 1
            continue
        if kind == "goals" and row and len(row) < goal_texts and (
                label_key(text).startswith(_PART_LABELS) or label_key(text) in TOTALS
                or _PHONE.fullmatch(label_key(text))) \
                or kind == "funds" and row and (label_key(text) in TOTALS or _PHONE.fullmatch(label_key(text))) \
                and all(label_key(q.text) in GOAL_LABELS for q in row):
            # A cell merged down the rows or over columns (a part's label, 总分, the telephone) printed inside the
            # goals' texts or their header's labels.
            aside.append((n, p, new_page))
            continue
        new = _starts(p, row)
        if not new and kind == "indicators" and core and row and row[-1].text.strip() in CORE_ANSWERS \
                and sum(1 for q in row if _is_number(q)) >= 2:
            new = True  # 是否核心指标, the header's last column, ends the row (重庆)
        if not new and len(row) == 1 and _total(row[0]) and _value_type(text) in ("org", "person") \
                and not (nxt is not None and _is_number(nxt)):
            new = True  # a total's row holds numbers: a header's value after its label (实施单位's) is not its
        if not new and kind == "indicators" and row and _is_number(row[-1]) and text.strip() in _NATURE_WORDS:
            new = True  # 指标性质 follows a name or a unit, never a number: a row whose name printed elsewhere
        # Under 重庆's header a row's numbers run on past the columns counted (its 指标值 may be numbers too): a
        # number continues the row, as its 是否核心指标 does.
        if not new and kind == "indicators" and _whole(row, numeric) and not (numeric > 3 and _is_number(p)) \
                and not (core and text.strip() in CORE_ANSWERS):
            note = (noted and not _is_number(p) and piece_kind("indicators", text) == "word" and not RECORD.match(text)
                    and (nxt is None or _starts(nxt, [p])))
            new = not note
        if new:
            flush()
        if not row:
            first, page = n, new_page
        row.append(p)
    flush()
    return rows


Line = tuple[int, list[Piece], bool]


def _level1(p: Piece) -> str | None:
    m = LEVEL1.fullmatch(label_key(p.text))
    return m.group(1) if m and piece_kind("indicators", p.text) in ("level1", "level1-word") else None


def _total(p: Piece) -> bool:
    return label_key(p.text).startswith(TOTALS)


def _level2_under(row: list[Piece]) -> str | None:
    """The 一级指标 the 二级指标 of a row stands under, or None for a row that prints no 二级指标."""
    second = row[1] if _level1(row[0]) is not None and len(row) > 1 else row[0]
    return level1_of(label_key(second.text)) if piece_kind("indicators", second.text) == "level2" else None


def _level_up(out: list[Line], k: int, word: str) -> int:
    """A 一级指标 merged over two rows or more prints where its middle falls, with a later one of its rows: the rows
    just above that print no 一级指标 but a 二级指标 standing under it (服务对象满意度指标 under 满意度) are its
    first rows, so it goes on the first of them. The index of the row after the one it printed with."""
    below = k - 1 if k > 0 and _total(out[k - 1][1][0]) else k  # 总分 printed between: its cell ends the table
    first = below
    while first > 0 and _level1(out[first - 1][1][0]) is None and _level2_under(out[first - 1][1]) == word:
        first -= 1
    if first < below:
        out[first][1].insert(0, out[k][1].pop(0))
    return k + 1


def _level_down(out: list[Line], k: int, word: str) -> int | None:
    """A 一级指标 printed with a row whose 二级指标 stands under another (满意度 on a 社会效益指标 row, the two levels'
    labels printed together): it goes on the first row below, up to the table's end, that prints no 一级指标 and
    whose 二级指标 stands under it. The index of the row after the one it printed with, None where none does."""
    under = _level2_under(out[k][1])
    if under is None or under == word:
        return None
    for r in range(k + 1, len(out)):
        row = out[r][1]
        if _total(row[0]) or header_kind(row) is not None or any(w in row[0].text for w in TITLES):
            return None
        if _level1(row[0]) is None and _level2_under(row) == word:
            row.insert(0, out[k][1].pop(0))
            return k + 1
    return None


def _levels_in_place(rows: list[Line]) -> list[Line]:
    """A 一级指标 merged down its rows prints where its middle falls: alone on a row, after its rows or before
    others (效益(30分) after the last indicator). One whose next row's 二级指标 stands under another is put at
    the first row of its table whose 二级指标 stands under it, when no row there opens with it already; each row
    without a label of its own takes the one above it."""
    out = [(n, list(row), pg) for n, row, pg in rows]
    k = 0
    while k < len(out):
        row = out[k][1]
        word = _level1(row[0]) if len(row) == 1 else None
        nxt = out[k + 1][1] if k + 1 < len(out) else None
        if word is None and (word := _level1(row[0])) is not None:
            k = _level_down(out, k, word) or _level_up(out, k, word)
            continue
        # In place before its rows, or before a row that prints no level (its 二级指标 merged too): left as it is.
        if word is None or nxt is not None and (_level2_under(nxt) == word or _level1(nxt[0]) is None
                                                and _level2_under(nxt) is None and not _total(nxt[0])
                                                and any(_is_number(q) for q in nxt)):
            k += 1
            continue
        start = next((r + 1 for r in range(k - 1, -1, -1) if header_kind(out[r][1]) is not None), 0)
        end = next((r for r in range(k + 1, len(out)) if header_kind(out[r][1]) is not None
                    or any(w in out[r][1][0].text for w in TITLES)), len(out))
        table = [r for r in range(start, end) if r != k]
        opened = any(_level1(out[r][1][0]) == word for r in table)
        target = next((r for r in table if _level1(out[r][1][0]) is None and _level2_under(out[r][1]) == word), None)
        if opened or target is None:
            k += 1
            continue
        out[target][1].insert(0, row[0])
        del out[k]
    return out


_SENTENCE = re.compile(r"[，。；,;]")  # a goal's text is a sentence
_PROSE_LEN = 6  # a goal's text is a sentence; a value in a cell of the table is shorter or a number


def _header_label(p: Piece) -> bool:
    key = label_key(p.text)
    return len(key) <= _LABEL_LEN and key.startswith(_HEADER_LABELS)


def _year_line(p: Piece) -> bool:
    """The year's line under a title: "（2024 年度）"."""
    key = label_key(p.text)
    return "年" in key and YEAR_ROW.fullmatch(key) is not None


def _stray_text(row: list[Piece]) -> bool:
    """A sentence after a cell it cannot be the value of: 总分 (numbers), a 一级指标 label, a header label, the year's
    line under a title, the lines above the next form's title."""
    above = len(row) >= 2 and all(_above_title_line(q) for q in row[:-1])
    if not above and (len(row) != 2 or not (_total(row[0]) or _level1(row[0]) is not None
                                            or _header_label(row[0]) or _year_line(row[0]))):
        return False
    text = row[-1].text
    if _header_label(row[0]) and not _SENTENCE.search(label_key(text)):
        return False  # a header's own value (测试项目46号经费), not a goal's sentence
    return len(label_key(text)) >= _PROSE_LEN and piece_kind("indicators", text) == "word" and not _opens(text)


def _holes_filled(rows: list[Line]) -> list[Line]:
    """The goals' last text and the indicator header's 一级指标, cells merged down rows, print where their middle
    falls: after the table, even past the next form's title. A form whose row of goal texts is one short of its
    header's labels, and whose indicator header opens with 二级指标, takes the first sentence printed after its
    indicators beside a cell it cannot be the value of (总分, a 一级指标, a header label) and the first lone
    一级指标, up to the next form's goals. A header label left without its value takes the lone value after it."""
    out = [(n, list(row), pg) for n, row, pg in rows]
    for g in (k for k in range(len(out) - 1) if header_kind(out[k][1]) == "goals"):
        texts = out[g + 1][1]
        wanted = sum(1 for q in out[g][1] if label_key(q.text) in GOAL_LABELS)
        head = next((k for k in range(g + 1, len(out)) if header_kind(out[k][1]) is not None), None)
        if head is None or header_kind(out[head][1]) != "indicators" or any(_opens(q.text) for q in texts):
            continue
        end = next((k for k in range(head + 1, len(out)) if header_kind(out[k][1]) == "goals"), len(out))
        after = range(head + 1, end)
        # Before the indicators first: past a title printed there (the next form's, at the page's foot).
        stray = next((k for k in [*range(g + 2, head), *after] if _stray_text(out[k][1])), None) \
            if len(texts) == wanted - 1 else None
        if stray is not None:
            texts.append(out[stray][1].pop())
            title = next((k for k in range(stray + 1, len(out)) if any(w in out[k][1][0].text for w in TITLES)), None)
            if title is not None and all(_above_title_line(q) for q in out[stray][1]):
                # The lines above the next form's title, printed here, go back above it.
                out.insert(title, (out[stray][0], out[stray][1][:], False))
                out[stray][1].clear()
        if label_key(out[head][1][0].text) == "二级指标" and (
                lone := next((k for k in after if [label_key(q.text) for q in out[k][1]] == ["一级指标"]), None)):
            out[head][1].insert(0, out[lone][1].pop())
        if stray is not None and len(out[stray][1]) == 1 and _header_label(out[stray][1][0]):
            value = next((k for k in range(stray + 1, len(out)) if out[k][1]), None)
            if value is not None and len(out[value][1]) == 1 and not _header_label(out[value][1][0]) \
                    and _column_label(out[value][1][0].text) is None:
                out[stray][1].append(out[value][1].pop())
    return [line for line in out if line[1]]


def _title_in_place(rows: list[Line]) -> list[Line]:
    """A form's title at a page's foot, under a form whose table goes on to the next page, may print before that
    table's indicators: the form before then has no indicator header, and this one has one before its header's
    first label. The title, with the lines above it and the year's line under it, goes before that label."""
    out = [(n, list(row), pg) for n, row, pg in rows]
    forms = _forms(out)
    for before, form in reversed(list(zip(forms, forms[1:]))):  # rows moved leave the forms before where they were
        indicators = _header_at(out, form, "indicators")
        field = next((k for k in form if _header_label(out[k][1][0])), None)
        if _header_at(out, before, "indicators") is not None or indicators is None or field is None \
                or field < indicators:
            continue
        title = next(k for k in form if any(w in out[k][1][0].text for w in TITLES))
        end = title + 1 + (title + 1 in form and len(out[title + 1][1]) == 1 and _year_line(out[title + 1][1][0]))
        if end <= indicators:
            out[field:field] = out[form.start:end]
            del out[form.start:end]
    return out


_ORG = re.compile(r".{2,}(?:局|中心|院|厅|委|办|站|所|校|馆|队|会|部|处|公司|单位|办公室|幼儿园|医院)\d*$")
_PERSON = re.compile(r"[\u4e00-\u9fff]{2,4}")
_WANTS = {"implementing_unit": "org", "manager": "person", "achieved": "prose", "unit_name": "org"}


def _value_type(text: str) -> str | None:
    """What a header value looks like: an organisation (实施单位), a person (项目负责人), a sentence (a goal)."""
    key = label_key(text)
    if _ORG.fullmatch(key):
        return "org"
    if _PERSON.fullmatch(key):
        return "person"
    return "prose" if len(key) >= _PROSE_LEN and not _opens(text) else None


def _header_field(p: Piece) -> str | None:
    key = label_key(p.text)
    if key in ("年度目标完成情况", "全年实际完成情况"):
        return "achieved"
    if key in DEPARTMENT_NAME_LABELS:
        return "unit_name"  # 部门整体's 部门(单位)名称, the one organisation in its header
    field = next((f for label, f in HEADER_FIELDS.items() if key.startswith(label)), None) \
        if len(key) <= _LABEL_LEN else None
    return field if field in _WANTS else None


def _header_values_in_place(rows: list[Line]) -> list[Line]:
    """四川's header holds two pairs a row (主管部门 | … | 实施单位(盖章) | …, 项目年度目标 | 年度目标完成情况), and
    pdftotext prints its right half as a column of its own, so the values of 实施单位, 年度目标完成情况 and 项目负责人
    print after other labels (绩效指标(90分), 项目负责人, 年度目标完成情况). A form whose label rows have no value, or a
    value not of their kind (an organisation, a person, a sentence), takes the values of those kinds printed after
    them or after a part's label, each kind going to the one label that wants it; nothing moves unless every such
    label finds exactly one."""
    out = [(n, list(row), pg) for n, row, pg in rows]
    for form in _forms(out):
        labelled = {f: k for k in form if out[k][1] and (f := _header_field(out[k][1][0])) is not None
                    and len(out[k][1]) <= 2 and header_kind(out[k][1]) is None}
        holes = [f for f, k in labelled.items()
                 if len(out[k][1]) == 1 or _value_type(out[k][1][1].text) != _WANTS[f]]
        if not holes:
            continue
        # A value printed alone above the tables (after 合计, whose cell heads the form's left column) is one too.
        tables = next((k for k in form if header_kind(out[k][1]) is not None), form.stop)
        hosts = [k for k in form if len(out[k][1]) == 2 and (k in labelled.values()
                 or label_key(out[k][1][0].text).startswith(_PART_LABELS)) or len(out[k][1]) == 1 and k < tables
                 and not _opens(out[k][1][0].text) and not label_key(out[k][1][0].text).startswith(_HEADER_LABELS)]
        found = {f: [k for k in hosts if _value_type(out[k][1][-1].text) == _WANTS[f]
                     and k != labelled[f]] for f in holes}
        if any(len(ks) != 1 for ks in found.values()) or len({ks[0] for ks in found.values()}) < len(found):
            continue  # a value two labels want (实施单位 and 部门名称 both an organisation) goes to neither
        values = {f: out[ks[0]][1][-1] for f, ks in found.items()}
        for f in holes:
            del out[labelled[f]][1][1:]
        for f, ks in found.items():
            out[ks[0]][1][:] = [q for q in out[ks[0]][1] if q is not values[f]]
        for f, value in values.items():
            out[labelled[f]][1].append(value)
    return _goals_as_table([line for line in out if line[1]])


_ACHIEVED = frozenset({"实际完成情况", "年度目标完成情况", "全年实际完成情况", "全年目标实际完成情况"})


def _goals_as_table(rows: list[Line]) -> list[Line]:
    """A goal's label and text on one row (项目年度目标 | …) and the other's on another (年度目标完成情况 | …) made
    the goals' table they print from: their labels on a row, their texts on the row under it."""
    out: list[Line] = []
    for form in _forms(rows):
        lines = [rows[k] for k in form]
        pairs = [k for k, (_, row, _) in enumerate(lines) if len(row) == 2 and label_key(row[0].text) in GOAL_LABELS
                 and _value_type(row[1].text) == "prose"]
        achieved = [k for k in pairs if label_key(lines[k][1][0].text) in _ACHIEVED]
        if len(pairs) == 2 and len(achieved) == 1 and pairs[0] != achieved[0]:
            (n, (label, text), pg), (_, (done, said), _) = lines[pairs[0]], lines[achieved[0]]
            lines[pairs[0]:pairs[0] + 1] = [(n, [label, done], pg), (n, [text, said], pg)]
            del lines[achieved[0] + 1]
        out += lines
    return out


def _goals_by_wording(rows: list[Line]) -> list[Line]:
    """The two goals' texts under their labels, in pdftotext's reading order, which may print the right-hand cell
    first (its label after the table): a text that says the work is done (已完成…) under 预期目标 and one that does
    not under 实际完成情况 change places, since a goal set before the year never reads as done."""
    out = [(n, list(row), pg) for n, row, pg in rows]
    for k in range(len(out) - 1):
        labels, texts = out[k][1], out[k + 1][1]
        if len(labels) == 2 == len(texts) and label_key(labels[0].text) in GOAL_LABELS - _ACHIEVED \
                and label_key(labels[1].text) in _ACHIEVED and all(_value_type(q.text) == "prose" for q in texts) \
                and _done(texts[0].text) and not _done(texts[1].text):
            texts.reverse()
    return out


def _done(text: str) -> bool:
    """A text that says the work is done: 已完成…, 已按期…"""
    return label_key(text).startswith("已")


def _goal_pairs_together(rows: list[Line]) -> list[Line]:
    """Goals printed a label and its text a row (预期目标 | …, 实际完成情况 | …) with cells merged down their rows
    printed between them: a part's label (绩效指标) or 总分 alone. Those go after the second goal's row."""
    out = [(n, list(row), pg) for n, row, pg in rows]
    pairs = [k for k, (_, row, _) in enumerate(out) if len(row) == 2 and label_key(row[0].text) in GOAL_LABELS
             and _value_type(row[1].text) == "prose"]
    for first, second in zip(pairs, pairs[1:]):
        between = range(first + 1, second)
        if 0 < len(between) <= 3 and all(len(out[k][1]) == 1 and (label_key(out[k][1][0].text).startswith(_PART_LABELS)
                                                                  or _total(out[k][1][0])) for k in between):
            out[first + 1:second + 1] = [out[second], *(out[k] for k in between)]
    return out


def _funds_label_in_place(rows: list[Line]) -> list[Line]:
    """A funds row's label merged over two rows prints above the funds header ("年度资金总额" before 年初预算数…),
    its numbers under the header on a row with no label: the label goes on that row."""
    out = [(n, list(row), pg) for n, row, pg in rows]
    for k in range(len(out) - 2):
        label, header, numbers = out[k][1], out[k + 1][1], out[k + 2][1]
        if len(label) == 1 and any_funds_row_kind(label_key(label[0].text)) is not None \
                and header_kind(header) == "funds" and piece_kind("funds", numbers[0].text) == "number":
            numbers.insert(0, label.pop())
    return [line for line in out if line[1]]


def _rate_columns_in_place(rows: list[Line]) -> list[Line]:
    """重庆's 执行率, 执行率权重 and 执行率得分, their cells merged down the funds rows beside the amounts, may print after
    the funds (the table's right columns read after its left): their labels, none of them the funds header's, then
    as many numbers. The labels go at the header's end, the numbers at the end of 年度资金总额's row, where it holds an
    amount under each of the header's labels."""
    out = [(n, list(row), pg) for n, row, pg in rows]
    for form in _forms(out):
        h = _funds_header(out, form)
        if h is None or h + 3 not in form:
            continue
        head, total = out[h][1], out[h + 1][1]
        k = next((k for k in range(h + 2, form.stop - 1) if header_kind(out[k][1]) == "funds"), None)
        if k is None or len(total) - 1 != len(head):
            continue
        labels, numbers = out[k][1], out[k + 1][1]
        own = {label_key(q.text) for q in head}
        if len(numbers) == len(labels) and all(piece_kind("funds", q.text) in ("number", "percent") for q in numbers) \
                and all(label_key(q.text) not in own and _funds_field(q.text) in _RATE_FIELDS for q in labels):
            head.extend(labels)
            total.extend(numbers)
            labels.clear()
            numbers.clear()
    return [line for line in out if line[1]]


def _funds_header(rows: list[Line], form: range) -> int | None:
    """The row of the form's funds column labels, where 年度资金总额's row follows it."""
    h = _header_at(rows, form, "funds")
    while h is not None and h + 1 in form and header_kind(rows[h + 1][1]) == "funds":
        h += 1  # the part's label (预算执行情况（万元）) on a line of its own above the columns' labels
    if h is None or h + 1 not in form or any_funds_row_kind(label_key(rows[h + 1][1][0].text)) != "total":
        return None
    return h


def _funds_rows_apart(rows: list[Line]) -> list[Line]:
    """A funds row's label merged over two lines may print after its amounts, which then run on in the row above
    (其中：基本支出 | its three amounts | 项目支出's three, then 项目支出 alone). Where the row holds twice the header's
    cells, or twice its amounts with each of the second adding up with the one above it to 年度资金总额's, the
    second half is the lone label's."""
    out = [(n, list(row), pg) for n, row, pg in rows]
    for form in _forms(out):
        h = _funds_header(out, form)
        if h is None:
            continue
        fields = [f for q in out[h][1] if (f := _funds_field(q.text)) is not None]
        amounts = sum(1 for f in fields if f in ("initial", "full_year", "executed"))
        total = [decimal_of(q.text) for q in out[h + 1][1][1:1 + amounts]]
        for k in range(h + 2, form.stop - 1):
            row, label = out[k][1], out[k + 1][1]
            if any_funds_row_kind(label_key(row[0].text)) is None \
                    or len(label) != 1 or any_funds_row_kind(label_key(label[0].text)) is None:
                continue
            first = [decimal_of(q.text) for q in row[1:1 + amounts]]
            second = [decimal_of(q.text) for q in row[1 + amounts:]]
            if len(row) == 1 + 2 * len(fields):  # twice the header's cells
                cut = 1 + len(fields)
            elif len(row) == 1 + 2 * amounts and all(a is not None and b is not None and t is not None and a + b == t
                                                     for a, b, t in zip(first, second, total)):
                cut = 1 + amounts  # as many amounts again, adding up to the total's
            else:
                continue
            label.extend(row[cut:])
            del row[cut:]
    return out


def _funds_cells_back(rows: list[Line]) -> list[Line]:
    """A funds row with a blank cell (其他资金's 执行率 where its budget is 0) may print its last cell apart: after the
    goals' texts, or after 总分 when the total's two numbers print before its label. Where the form has one funds row
    short of the header's cells and such a stray number (a goal text is prose; 总分 holds two numbers), the number
    goes back on that row, where its column is decided like any other's (or named in a note), and 总分 with
    its numbers."""
    out = [(n, list(row), pg) for n, row, pg in rows]
    for form in _forms(out):
        h = _funds_header(out, form)
        if h is None:
            continue
        fields = sum(1 for q in out[h][1] if _funds_field(q.text) is not None)
        funds = list(itertools.takewhile(lambda k: any_funds_row_kind(label_key(out[k][1][0].text)) is not None,
                                         range(h + 1, form.stop)))
        short = [k for k in funds if len(out[k][1]) - 1 < fields]
        if len(short) != 1:
            continue
        stray = [(k, i) for k in range(funds[-1] + 1, form.stop) if (i := _stray_number(out, k)) is not None]
        if len(stray) == 1 and len(out[short[0]][1]) - 1 + len(out[stray[0][0]][1][stray[0][1]:]) <= fields:
            k, i = stray[0]
            out[short[0]][1].extend(out[k][1][i:])
            del out[k][1][i:]
            if i == 1 and label_key(out[k][1][0].text) in TOTALS:
                out[k - 1][1].insert(0, out[k][1].pop())  # 总分 then goes with its numbers
    return [line for line in out if line[1]]


def _stray_number(out: list[Line], k: int) -> int | None:
    """Where the bare numbers that end row ``k`` begin, when no cell of that row can hold them: the row of texts
    under the goals' labels, or 总分 after a row of the total's two numbers."""
    row = out[k][1]
    i = len(row)
    while i > 1 and _is_number(row[i - 1]):
        i -= 1
    if i == len(row):
        return None
    labels = out[k - 1][1]
    under_goals = len(labels) == i and all(label_key(q.text) in GOAL_LABELS for q in labels) \
        and all(_value_type(q.text) == "prose" for q in row[:i])
    after_total = i == 1 and label_key(row[0].text) in TOTALS and len(labels) == 2 and all(map(_is_number, labels))
    return i if under_goals or after_total else None


def _funds_field(text: str) -> str | None:
    key = label_key(text)
    return next((field for needle, field in FUNDS_COLUMNS if needle in key), None)


def _phone_in_place(rows: list[Line]) -> list[Line]:
    """The 联系电话 a form prints with no value after it, given the telephone number its form prints elsewhere
    (its cell merged over two columns prints where its middle falls): only a number of a telephone's shape,
    one per form, from the end of another row (or a row of its own, or among 总分's numbers), after the label or
    else before it. A number with a decimal point after the label is no telephone: it goes on a row of its own
    (总分's, printed apart)."""
    out: list[Line] = []
    for n, row, pg in rows:
        if len(row) == 2 and label_key(row[0].text).startswith("联系电话") and "." in row[1].text \
                and _is_number(row[1]):
            out += [(n, [row[0]], pg), (n, [row[1]], pg)]
        else:
            out.append((n, list(row), pg))
    for form in _forms(out):
        for k in form:
            row = out[k][1]
            if len(row) != 1 or not label_key(row[0].text).startswith("联系电话"):
                continue
            after = [j for j in form if j > k]
            before = [j for j in reversed(form) if j < k]
            for j in after + before:
                other = out[j][1]
                # A 总分 row holds its numbers only: a telephone among them is anywhere in it.
                at = [i for i, q in enumerate(other) if _PHONE.fullmatch(label_key(q.text))
                      and (i == len(other) - 1 or _total(other[0]))]
                if at:
                    row.append(other.pop(at[-1]))
                    break
    return [line for line in out if line[1]]


def _header_at(rows: list[Line], form: range, kind: str) -> int | None:
    """The form's first header row of the kind (funds, goals, indicators)."""
    return next((k for k in form if header_kind(rows[k][1]) == kind), None)


def _above_title(row: list[Piece]) -> bool:
    return _above_title_line(row[0])


def _above_title_line(p: Piece) -> bool:
    """A line printed above a form's title: 附件1：, 单位：万元, 报表编号."""
    key = label_key(p.text)
    return bool(_ATTACHMENT.match(key) or _UNIT_LINE.match(key)) or key.startswith("报表编号")


def _forms(rows: list[Line]) -> list[range]:
    """The rows of each form: a title starts one, with the lines above it (附件1：, 单位：万元, 报表编号)."""
    starts: list[int] = []
    for k, (_, row, _) in enumerate(rows):
        if any(w in row[0].text for w in TITLES):
            while k > (starts[-1] + 1 if starts else 0) and _above_title(rows[k - 1][1]):
                k -= 1
            starts.append(k)
    starts.append(len(rows))
    return [range(a, b) for a, b in zip([0, *starts], starts) if b > a]


def _amount(text: str) -> str | None:
    """The amount a funds column label names (initial, full_year, executed), None for any other text."""
    key = label_key(text)
    if len(key) > _LABEL_LEN or column_kind("funds", key) != "amount":
        return None
    return next((f for needle, f in FUNDS_COLUMNS if needle in key), None)


_AMOUNTS = ("initial", "full_year", "executed")  # in this order in every template's funds header
# A funds header's last label (四川: 原因); an indicator header's note label (偏差原因分析…) is no funds label.
_FUNDS_REASONS = frozenset({"原因", "偏差原因", "说明", "原因说明", "情况说明"})


def _funds_label_back(p: Piece, header: list[Piece], nxt: Piece | None) -> bool:
    """Put a funds header's label that printed away from it (its cell merged down the header's rows and more
    prints where its middle falls: 年初预算数 among the goals, 原因 after the form) back into the header, when
    the header lacks it: an amount before the amounts that follow it in every template (unless other funds
    labels follow it: a header of its own; the note column's label may, printed beside it), a reason last."""
    key = label_key(p.text)
    if len(key) > _LABEL_LEN or any(label_key(q.text) == key for q in header):
        return False
    if key in _FUNDS_REASONS:
        if any(column_kind("funds", label_key(q.text)) == "reason" for q in header):
            return False
        header.append(p)
        return True
    field = _amount(p.text)
    have = [_amount(q.text) for q in header]
    if field is None or field in have or nxt is not None and _column_label(nxt.text) == "funds":
        return False
    k = _AMOUNTS.index(field)
    later = [i for i, f in enumerate(have) if f in _AMOUNTS[k + 1:]]
    earlier = [i for i, f in enumerate(have) if f in _AMOUNTS[:k]]
    if not later and not earlier:
        return False
    header.insert(later[0] if later else earlier[-1] + 1, p)
    return True


def _total_in_place(rows: list[Line]) -> list[Line]:
    """A 总分 label printed alone (its cell merged over the row's first columns prints where its middle falls:
    above the indicator table, among its rows, or below it before a footer's labels) goes with its numbers at the
    end: the form's last row when it is only numbers (an indicator row always prints its 三级指标; notes among
    them are left for :func:`_notes_in_place`), or the numbers that end the last row when they are the total's
    (:func:`_total_numbers`)."""
    out = [(n, list(row), pg) for n, row, pg in rows]
    for form in reversed(_forms(out)):  # rows put in leave the forms before where they were
        header = _header_at(out, form, "indicators")
        lone = [k for k in form if len(out[k][1]) == 1 and label_key(out[k][1][0].text) in TOTALS]
        # The table's last row: a footer (项目负责人 and its name) may print below it.
        end = next((k for k in reversed(form) if not _footer(out[k][1])), form[0])
        if header is None or len(lone) != 1 or end <= header:
            continue
        last = out[end][1]
        between = range(lone[0] + 1, end) if lone[0] > header else range(0)
        # Rows between it and the numbers that each end in their own 分值 and 得分 (and a note) leave no number
        # wanting.
        numeric = _numeric_columns(out[header][1])
        numbers = [p for p in last if not _note_text([p])]
        if 1 <= len(numbers) <= 2 and all(_is_number(p) for p in numbers) \
                and all(_whole(_without_note(out[k][1]), numeric) or not any(_is_number(p) for p in out[k][1])
                        for k in between):
            last.insert(0, out[lone[0]][1].pop())
            continue
        # A note printed after them (a row's last cell, taller than the row) goes after the total's row.
        body = _without_note(last)
        tail = last[len(body):]
        if (take := _total_numbers(body, out, range(form.start, end + 1), header)):
            n, _, pg = out[end]
            out[end:end + 1] = [(n, body[:-take], pg), (n, [out[lone[0]][1].pop(), *body[-take:]], pg),
                                          *([(n, tail, pg)] if tail else [])]
    return [line for line in out if line[1]]


def _footer(row: list[Piece]) -> bool:
    """A row below a table of a header's label and its value (项目负责人 周某某, 联系电话 …)."""
    key = label_key(row[0].text)
    return len(row) <= 2 and len(key) <= _LABEL_LEN and key.startswith(_HEADER_LABELS)


def _without_note(row: list[Piece]) -> list[Piece]:
    """The row without the notes that end it."""
    notes = len(list(itertools.takewhile(lambda q: _note_text([q]), reversed(row))))
    return row[:len(row) - notes]


def _total_numbers(last: list[Piece], out: list[Line], form: range, header: int) -> int:
    """How many numbers at the end of the form's last row are the total's: two whose first the 分值 above add up
    to, or one after a placeholder's bare "指标8：" (no placeholder prints a value alone; which sum it is, the
    rows' reader settles by the sums, or leaves it unplaced)."""
    if len(last) > 2 and all(_is_number(p) for p in last[-2:]) \
            and decimal_of(last[-2].text) == _weights_above(out, form, header):
        return 2
    if len(last) >= 2 and _is_number(last[-1]) and RECORD.fullmatch(last[-2].text.strip()):
        return 1
    return 0


def _weights_above(out: list[Line], form: range, header: int) -> Decimal | None:
    """The 分值 of the funds' total row and of the indicator rows between the header and the form's last row (the
    next to last of the two numbers each ends with), None where one is not to be read."""
    if (weight := _funds_weight(out, form)) is None:
        return None
    for k in range(header + 1, form[-1]):
        row = _without_note(out[k][1])
        if len(row) < 2 or label_key(row[0].text) in TOTALS:
            continue
        if not all(_is_number(q) for q in row[-2:]) or (w := decimal_of(row[-2].text)) is None:
            return None
        weight += w
    return weight


def _funds_weight(out: list[Line], form: range) -> Decimal | None:
    """The 分值 printed on the funds' total row, None where it is not to be read."""
    funds = _header_at(out, form, "funds")
    if funds is None:
        return None
    column = next((i for i, q in enumerate(out[funds][1]) if column_kind("funds", label_key(q.text)) == "number"), None)
    total = next((out[k][1] for k in form if k > funds and any_funds_row_kind(label_key(out[k][1][0].text)) == "total"),
                 None)
    if column is None or total is None or len(total) <= column + 1:
        return None
    return decimal_of(total[column + 1].text)


def _nature(p: Piece) -> bool:
    return p.text.strip() in _NATURES or p.text.strip() in _NATURE_WORDS


def _left_part(pieces: list[Piece], i: int) -> int | None:
    """Where the cells of a 四川 row before its 度量单位 end (its levels, 三级指标, 指标性质 and 指标值), when a row
    starts at ``i``; None otherwise."""
    for j in range(i + 1, min(i + 4, len(pieces) - 1)):
        if _nature(pieces[j]):
            value = pieces[j + 1]
            numeric = pieces[j].text.strip() not in _NATURE_WORDS  # an operator (≥) before a number
            if numeric != _is_number(value) or _nature(value):
                return None
            return j + 2
        if _is_number(pieces[j]) or _total(pieces[j]):
            return None
    return None


def _unit_word(p: Piece) -> bool:
    key = label_key(p.text)
    return (0 < len(key) <= _UNIT_LEN and not _is_number(p) and not _nature(p) and not _total(p)
            and piece_kind("indicators", p.text) == "word" and not key.startswith(_HEADER_LABELS))


def _page_columns_in_place(rows: list[Line]) -> list[Line]:
    """A page of a 四川 indicator table printed a block of columns at a time: every row's cells up to its 指标值
    first, one row after another, then its 度量单位 (those of the rows with one, in their order; or each after its
    row), then 完成值, 权重 and 得分 row by row and the total's 分值 and 得分, with 合计 and the footer's 项目负责人
    anywhere among them. The cells go back to their rows where they come to the rows' count exactly and the
    分值 add up to the total's (the funds' with the rows'); otherwise nothing is moved."""
    out = [(n, list(row), pg) for n, row, pg in rows]
    for form in reversed(_forms(out)):
        header = _header_at(out, form, "indicators")
        if header is None or (numeric := _numeric_columns(out[header][1])) <= 2:
            continue
        start = next((k for k in form if k > header and not _whole(out[k][1], numeric)), None)
        if start is None or _left_part(out[start][1], 0) is None:
            continue
        placed = [(q, n, pg and i == 0) for n, row, pg in out[start:form.stop] for i, q in enumerate(row)]
        pieces = [q for q, _, _ in placed]
        lefts: list[tuple[int, int]] = []  # each row's first piece and its end
        i = 0
        while (end := _left_part(pieces, i)) is not None:
            if end < len(pieces) and _unit_word(pieces[end]) and _left_part(pieces, end) is None \
                    and not (end + 1 < len(pieces) and _unit_word(pieces[end + 1])):
                end += 1  # its 度量单位, printed with the row (two in a row start the column of them)
            lefts.append((i, end))
            i = end
        rest = pieces[i:]
        totals = [q for q in rest if _total(q)]
        footer = [k for k, q in enumerate(rest) if _footer([q])]
        if len(totals) != 1 or len(footer) > 1 or footer and footer[0] + 1 >= len(rest):
            continue
        footer_cells = rest[footer[0]:footer[0] + 2] if footer else []
        cells = [q for q in rest if q is not totals[0] and all(q is not f for f in footer_cells)]
        units = list(itertools.takewhile(_unit_word, cells))
        cells = cells[len(units):]
        built = [pieces[a:b] for a, b in lefts]
        wanting = [row for row in built if _is_number(row[-1])]  # a 指标值 with no 度量单位 after it
        if len(units) != len(wanting) or len(cells) != len(built) * numeric + 2:
            continue
        for row, unit in zip(wanting, units):
            row.append(unit)
        for k, row in enumerate(built):
            row.extend(cells[k * numeric:(k + 1) * numeric])
        weight = _funds_weight(out, form)
        weights = [decimal_of(out[k][1][-2].text) for k in range(header + 1, start)] + [decimal_of(r[-2].text) for r in built]
        if not all(_is_number(q) for row in [*built, cells] for q in row[-2:]) or weight is None or None in weights \
                or weight + sum(w for w in weights if w is not None) != decimal_of(cells[-2].text):
            continue
        last = placed[-1][1]
        out[start:form.stop] = [*((placed[a][1], row, placed[a][2]) for (a, _), row in zip(lefts, built)),
                                (last, [totals[0], *cells[-2:]], False), *([(last, footer_cells, False)] if footer_cells else [])]
    return [line for line in out if line[1]]


def _unit_in_place(rows: list[Line]) -> list[Line]:
    """A "%" printed after the indicator table (四川's 度量单位 cell of the last row, printed after the 项目负责人
    below it) goes back to the one row that lacks its unit: 指标性质, 指标值, then only the numbers after the
    unit column (完成值, 权重, 得分). One such row and one such "%" in the form, or nothing is moved."""
    out = [(n, list(row), pg) for n, row, pg in rows]
    for form in _forms(out):
        header = _header_at(out, form, "indicators")
        if header is None or (numeric := _numeric_columns(out[header][1])) <= 2:
            continue
        short = [k for k in form if k > header and len(row := out[k][1]) > numeric + 2
                 and all(_is_number(q) for q in row[-numeric - 1:]) and row[-numeric - 2].text.strip() in _NATURES]
        strays = [(k, i) for k in form if k > (short[-1] if short else len(out))
                  for i, q in enumerate(out[k][1]) if q.text.strip() == "%"]
        if len(short) == 1 and len(strays) == 1:
            [(k, i)] = strays
            row = out[short[0]][1]
            row.insert(len(row) - numeric, out[k][1].pop(i))
    return [line for line in out if line[1]]


_UNIT_LEN = 3  # a unit printed alone (%, 人, 人次, 万元); a name is longer or wraps


def _names(pieces: list[Piece], count: int) -> tuple[list[str], list[Piece]] | None:
    """Pieces of names and their units as ``count`` names and the units: a piece's lines are names, a line of a
    character or two the end of the name above it that wrapped ("参保群众满意" / "度"); a short piece of one line
    after a name is a unit. None when the lines do not make that many names."""
    names: list[str] = []
    units: list[Piece] = []
    for p in pieces:
        if names and "\n" not in p.text.strip() and len(p.text.strip()) <= _UNIT_LEN:
            units.append(p)
            continue
        for line in p.text.split("\n"):
            if names and len(line.strip()) <= 2:
                names[-1] += line.strip()
            else:
                names.append(line.strip())
    return (names, units) if len(names) == count and not _opens(names[0]) else None


def _nameless(out: list[Line], form: range, header: int) -> tuple[list[int], int, int] | None:
    """The rows that open with their 指标性质 (their names printed elsewhere), and where those names are: row
    ``k``'s first ``at`` pieces. That is one block after the table, or, atop a page, the pieces a row holds before
    its 指标性质 when the rows under it are nameless too."""
    opening = [k for k in form if k > header and len(out[k][1]) > 2 and out[k][1][0].text.strip() in _NATURE_WORDS]
    for k in (k for k in form if k > header and out[k][2] and k + 1 in opening):
        row = out[k][1]
        at = next((j for j, q in enumerate(row) if q.text.strip() in _NATURE_WORDS), 0)
        if at and not any(_is_number(q) for q in row[:at]):
            rows = [k]
            while rows[-1] + 1 in opening:
                rows.append(rows[-1] + 1)
            return rows, k, at
    block = opening[-1] + 1 if opening else None
    if block is not None and block in form and not any(_is_number(q) for q in out[block][1]):
        return opening, block, len(out[block][1])
    return None


def _names_in_place(rows: list[Line]) -> list[Line]:
    """Rows under a header that opens with 指标名称 (重庆) but open with their 指标性质 (定量指标, 定性指标): their
    names print elsewhere, after the table or atop the page the rows print on, and the units of the 定量 ones
    with them ("%"). Each name goes to its row in order, each unit to its 定量 row, only where the counts agree;
    units that do not agree with names after the table are left there."""
    out = [(n, list(row), pg) for n, row, pg in rows]
    for form in _forms(out):
        header = _header_at(out, form, "indicators")
        if header is None or not label_key(out[header][1][0].text).startswith("指标名称"):
            continue
        found = _nameless(out, form, header)
        if found is None:
            continue
        nameless, k, at = found
        block = out[k][1][:at]
        read = _names(block, len(nameless))
        quantitative = [m for m in nameless if label_key(out[m][1][at if m == k else 0].text).startswith("定量")]
        unit_column = any(column_kind("indicators", label_key(q.text)) == "unit" for q in out[header][1])
        units_fit = read is not None and unit_column and len(read[1]) == len(quantitative)
        if read is None or k in nameless and not units_fit:
            continue
        del out[k][1][:at]
        names, units = read
        for m, name in zip(nameless, names):
            out[m][1].insert(0, Piece(-1, -1, name, block[0].col))
        if units_fit:
            for m, unit in zip(quantitative, units):
                out[m][1].insert(1, unit)
        else:
            out[k][1][:0] = units
    return [line for line in out if line[1]]


def _score_label_in_place(rows: list[Line]) -> list[Line]:
    """The indicator header's 得分 (and the note label after it), cells merged down the header's rows, may print
    between the funds and the goals. Where the header ends at its 分值, a row of just those labels there goes at its
    end."""
    out = [(n, list(row), pg) for n, row, pg in rows]
    for form in _forms(out):
        header = _header_at(out, form, "indicators")
        funds = _header_at(out, form, "funds")
        if header is None or funds is None or label_key(out[header][1][-1].text) != "分值":
            continue
        lone = [k for k in range(funds + 1, header) if label_key(out[k][1][0].text) == "得分"
                and all(label_key(q.text).startswith(_NOTE_LABELS) and _column_label(q.text) for q in out[k][1][1:])]
        if len(lone) == 1:
            out[header][1].extend(out[lone[0]][1])
            out[lone[0]][1].clear()
    return [line for line in out if line[1]]


def _note_label_in_place(rows: list[Line]) -> list[Line]:
    """The indicator header's note column label (偏差原因分析及改进措施), its cell merged down the header's rows and
    more, prints alone where its middle falls: after the funds, after the header, or with the goals' header labels.
    Where the form's indicator header has no note label of its own, that one goes at its end; one before the funds
    header is left."""
    out = [(n, list(row), pg) for n, row, pg in rows]
    for form in _forms(out):
        header = _header_at(out, form, "indicators")
        funds = _header_at(out, form, "funds") or form.start
        lone = [(k, i) for k in form if k > funds and (len(out[k][1]) == 1 or header_kind(out[k][1]) == "goals")
                for i, q in enumerate(out[k][1]) if label_key(q.text).startswith(_NOTE_LABELS) and _column_label(q.text)]
        if header is None or len(lone) != 1 or any(label_key(q.text).startswith(_NOTE_LABELS) for q in out[header][1]):
            continue
        [(k, i)] = lone
        out[header][1].append(out[k][1].pop(i))
        if not out[k][1] and k + 1 in form and _parted(out[k - 1][1], out[k + 1][1]):
            out[k - 1][1].extend(out[k + 1][1])  # printed between a label and the rest of its row, it parted them
            out[k + 1][1].clear()
    return [line for line in out if line[1]]


def _parted(before: list[Piece], after: list[Piece]) -> bool:
    """Whether two rows are one a column label printed between had parted: 总分 and its numbers, or a header
    label (项目负责人, with another column's label pdftotext printed after it: 四川's 原因) and its one value."""
    if len(before) == 1 and _total(before[0]):
        return _total_rest(after)
    labels = all(_column_label(q.text) or label_key(q.text) == "原因" for q in before[1:])
    return bool(before) and _header_field(before[0]) is not None and labels \
        and len(after) == 1 and _header_field(after[0]) is None and _column_label(after[0].text) is None \
        and _value_type(after[0].text) is not None


def _total_rest(row: list[Piece]) -> bool:
    """The rest of a 总分 row: notes (of the rows above, printed beside it) and its numbers."""
    return any(_is_number(q) for q in row) and all(_is_number(q) or _note_text([q]) for q in row)


def _notes_back_from_next_form(rows: list[Line]) -> list[Line]:
    """A form whose table ends a page may print its note column's label and its notes (cells merged down or taller
    than their rows) after the next form's title, before that form's first header label. Where the form's own
    indicator header has no note label, the label goes at its end and the notes after its 总分, for
    :func:`_notes_in_place` to give to their rows."""
    out = [(n, list(row), pg) for n, row, pg in rows]
    forms = _forms(out)
    for before, form in reversed(list(zip(forms, forms[1:]))):  # rows put in leave the forms before where they were
        header = _header_at(out, before, "indicators")
        if header is None:
            continue
        total = next((k for k in before if k > header and _total(out[k][1][0])), None)
        if total is None or any(label_key(q.text).startswith(_NOTE_LABELS) for q in out[header][1]):
            continue
        head = next((k for k in form if _header_label(out[k][1][0])), form.stop)
        label = next((k for k in range(form.start, head) if len(out[k][1]) == 1
                      and label_key(out[k][1][0].text).startswith(_NOTE_LABELS)), None)
        if label is None:
            continue
        notes = list(itertools.takewhile(lambda k: _note_text(out[k][1]), range(label + 1, head)))
        out[header][1].append(out[label][1].pop())
        moved = [(out[k][0], out[k][1], out[k][2]) for k in notes]
        for k in notes:
            out[k] = (out[k][0], [], out[k][2])
        out[total + 1:total + 1] = moved
    return [line for line in out if line[1]]


def _total_back_from_next_title(rows: list[Line]) -> list[Line]:
    """A form whose 总分 ends a page under which the next form's title prints may print the rest of its 总分 row (its
    numbers, the notes beside it) after that title, before the next form's first header label: they go back to the
    total, which is left with its label alone."""
    out = [(n, list(row), pg) for n, row, pg in rows]
    forms = _forms(out)
    for before, form in zip(forms, forms[1:]):
        last = before[-1]
        if len(out[last][1]) != 1 or not _total(out[last][1][0]):
            continue
        head = next((k for k in form if _header_label(out[k][1][0]) or header_kind(out[k][1]) is not None), form.stop)
        rest = [k for k in range(form.start, head) if _total_rest(out[k][1])]
        if len(rest) == 1 and sum(1 for q in out[rest[0]][1] if _is_number(q)) <= 2:
            out[last][1].extend(out[rest[0]][1])
            out[rest[0]][1].clear()
    return [line for line in out if line[1]]


def _notes_back_from_next_header(rows: list[Line]) -> list[Line]:
    """A form whose last rows end a page may print a note (a cell taller than its row) past a pair of the next
    form's header (实施单位 | 某中心 | 部分任务延后…). Where the form's indicator header has a note column, the note
    goes after its 总分, for :func:`_notes_in_place` to give to its row."""
    out = [(n, list(row), pg) for n, row, pg in rows]
    forms = _forms(out)
    for before, form in reversed(list(zip(forms, forms[1:]))):  # rows put in leave the forms before where they were
        header = _header_at(out, before, "indicators")
        if header is None or not any(label_key(q.text).startswith(_NOTE_LABELS) for q in out[header][1]):
            continue
        total = next((k for k in before if k > header and _total(out[k][1][0])), None)
        tables = next((k for k in form if header_kind(out[k][1]) is not None), form.stop)
        strays = [q for k in range(form.start, tables) if label_key(out[k][1][0].text).startswith(_HEADER_LABELS)
                  or label_key(out[k][1][0].text) in DEPARTMENT_NAME_LABELS
                  for q in out[k][1][2:] if _note_text([q])]
        if total is None or not strays:
            continue
        for k in range(form.start, tables):
            out[k][1][:] = [q for q in out[k][1] if all(q is not s for s in strays)]
        out[total + 1:total + 1] = [(out[total][0], [q], False) for q in strays]
    return [line for line in out if line[1]]


def _note_text(row: list[Piece]) -> bool:
    """A row of notes, sentences of one cell each (部分任务延后，下年度加强督导): no label, no number."""
    return bool(row) and all(len(label_key(q.text)) >= _PROSE_LEN and not _opens(q.text)
                             and piece_kind("indicators", q.text) == "word" and _column_label(q.text) is None
                             for q in row)


def _short(row: list[Piece]) -> bool:
    """A national indicator row ending in its 分值 and 得分 with the 得分 short of the 分值, and no note after."""
    if len(row) < 3 or not (_is_number(row[-1]) and _is_number(row[-2])):
        return False
    weight, score = decimal_of(row[-2].text), decimal_of(row[-1].text)
    return weight is not None and score is not None and score < weight


def _notes_in_place(rows: list[Line]) -> list[Line]:
    """Notes (偏差原因分析及改进措施), cells taller than their row's others, print as blocks of their own: under the
    row whose 得分 falls short of its 分值, or after the table's 总分 (on its row or after it). Under the header of a
    note column with 分值 and 得分 last, a note right under such a row goes on it; the notes left among the rows and
    after 总分 (with any note on a row with all its 分值, printed past its own) go on such rows in order, where
    there are as many of them as of such rows left without a note (each note at its row or after it). Otherwise they
    are left, and named."""
    out = [(n, list(row), pg) for n, row, pg in rows]
    for form in _forms(out):
        header = _header_at(out, form, "indicators")
        if header is None or _numeric_columns(out[header][1]) != 2 \
                or not any(label_key(q.text).startswith(_NOTE_LABELS) for q in out[header][1]):
            continue
        total = next((k for k in form if k > header and _total(out[k][1][0])), None)
        table = range(header + 1, total if total is not None else form.stop)
        for k in table:
            if k + 1 in table and _short(out[k][1]) and len(out[k + 1][1]) == 1 and _note_text(out[k + 1][1]):
                out[k][1].append(out[k + 1][1].pop())
        if total is None:
            continue
        short = [k for k in table if _short(out[k][1])]
        # A note printed after the row under its own (a cell taller than its row, its middle lower) went on that
        # row: where some row falls short of its 分值 with no note, a note on a row with all its 分值 is in the pool.
        # So is one on a row with no points at all (a placeholder, 指标11：).
        moved = [k for k in table if _noted_row(out[k][1]) and not _short(out[k][1][:-1])
                 or _noted_unscored(out[k][1])] if short else []
        own = [q for q in out[total][1][1:] if _note_text([q])]  # before its numbers or after them
        after = list(itertools.takewhile(lambda k: _note_text(out[k][1]), range(total + 1, form.stop)))
        stray = [k for k in table if _note_text(out[k][1])]
        late = own + [q for k in after for q in out[k][1]]
        among = sorted([(k, out[k][1][-1]) for k in moved] + [(k, q) for k in stray for q in out[k][1]],
                       key=lambda kq: kq[0])
        if len(among) + len(late) < len(short) and not among:
            late = [part for q in late for part in _wrapped_cells(q)]
        pool = among + [(total, q) for q in late]
        # Each note printed at its row or after it, never before.
        if short and len(pool) == len(short) and all(k <= at for k, (at, _) in zip(short, pool)):
            for k in moved:
                out[k][1].pop()
            for k, (_, note) in zip(short, pool):
                out[k][1].append(note)
            out[total][1][:] = [q for q in out[total][1] if all(q is not n for n in own)]
            for k in stray + after:
                out[k][1].clear()
    return [line for line in out if line[1]]


def _noted_row(row: list[Piece]) -> bool:
    """An indicator row ending in a note after its 得分."""
    return len(row) > 3 and _note_text([row[-1]]) and _is_number(row[-2])


def _noted_unscored(row: list[Piece]) -> bool:
    """An indicator row with no number, ending in a note: a placeholder row (指标11：) that a note printed past
    its own row ran on into."""
    return len(row) > 1 and _note_text([row[-1]]) and not any(_is_number(q) for q in row)


def _wrapped_cells(p: Piece) -> list[Piece]:
    """The cells of a block printed with no blank line between them (notes one under the other): a wrapped cell
    fills its width on every line but its last, so a line shorter than the block's first ends a cell."""
    lines = p.text.split("\n")
    width = len(lines[0])
    cells: list[list[str]] = [[]]
    for k, line in enumerate(lines):
        cells[-1].append(line)
        if len(line) < width and k + 1 < len(lines):
            cells.append([])
    return [Piece(p.start, p.end, "\n".join(c), p.col) for c in cells]


# In this order: a pass finds the rows the ones before it put together.
_FIXES = (_holes_filled, _title_in_place, _goal_pairs_together, _notes_back_from_next_form,
          _total_back_from_next_title, _funds_label_in_place, _rate_columns_in_place, _phone_in_place,
          _levels_in_place, _score_label_in_place, _note_label_in_place, _funds_rows_apart,
          _notes_back_from_next_header, _page_columns_in_place, _unit_in_place, _total_in_place,
          _header_values_in_place, _goals_by_wording, _names_in_place, _notes_in_place, _funds_cells_back)


@register("blocks", _is_blocks, priority=-5)
def read_blocks(data: bytes, file: str) -> Grid:
    lines, notes = decode_lines(data, file)
    rows = _rows(_totals_in_place(_pieces(lines)))
    for fix in _FIXES:
        rows = fix(rows)
    return read_rows(file, rows, notes, wraps=False)
