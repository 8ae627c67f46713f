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

import re

from ...text import label_key
from ..grid import Grid
from ..vocab import FUNDS_COLUMNS, HEADER_FIELDS, LEVEL1, funds_row_kind, level1_of
from . import register
from .decode import decode_lines, looks_binary, sniffed_lines
from .pdfcells import NUMBER, RECORD, TITLES, TOTALS, Piece, column_kind, header_kind, piece_kind
from .pdfraw import read_rows, starts_row

_FUNDS_NEEDLES = tuple(n for n, _ in FUNDS_COLUMNS)
_INDICATOR_NEEDLES = ("一级指标", "二级指标", "三级指标", "指标值", "完成值", "指标名称", "指标性质", "度量单位")
_GOAL_LABELS = ("预期目标", "实际完成情况", "项目年度目标", "年度目标完成情况", "全年实际完成情况")
_NOTE_LABELS = ("偏差原因", "未完成原因", "原因分析")
_PART_LABELS = ("绩效指标", "年度总体目标", "项目资金", "预算执行情况", "年度预算数")
# A telephone number as forms print one: an area code and a dash, or a mobile's eleven digits.
_PHONE = re.compile(r"\(?0\d{2,3}\)?[-－]\d{7,8}(?:[-－]\d{1,5})?|1[3-9]\d{9}")
_NATURES = frozenset({"≥", "≤", "=", "＝", ">", "<", "≧", "≦", "定量"})
_HEADER_LABELS = tuple(HEADER_FIELDS)  # "实施单位(盖章)" too
_ATTACHMENT = re.compile(r"^附件[\d\-—－.、]*[:：]?$")
_UNIT_LINE = re.compile(r"^(?:金额)?单位[:：]")
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
    if any(n in key for n in _INDICATOR_NEEDLES) or (key.startswith(_NOTE_LABELS) and "指标" not in key):
        return "indicators"
    if any(n in key for n in _FUNDS_NEEDLES):
        return "funds"
    if key in _GOAL_LABELS:
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
    """A line after which a new cell begins: a label or title is never wrapped onto the next line's text."""
    key = label_key(text)
    return (any(w in text for w in TITLES) or bool(_ATTACHMENT.match(key)) or bool(_UNIT_LINE.match(key))
            or key in HEADER_FIELDS or key in _GOAL_LABELS
            or starts_row(Piece(-1, -1, text, 0)) and NUMBER.search(text) is None and len(key) <= 8)


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
        if joining and not _opens(line):
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
    """How many numbers end a whole row under an indicator header: the columns after its unit column, where it
    has one (四川: 完成值, 权重, 得分), else 分值 and 得分."""
    kinds = [column_kind("indicators", label_key(q.text)) for q in header
             if not label_key(q.text).startswith(_NOTE_LABELS)]
    return len(kinds) - 1 - kinds.index("unit") if "unit" in kinds else 2


def _starts(p: Piece, row: list[Piece]) -> bool:
    text = p.text
    if any(w in text for w in TITLES) or label_key(text).startswith("报表编号") or _ATTACHMENT.match(label_key(text)):
        return True
    labels = [q for q in row if _column_label(q.text) is not None]
    if _column_label(text) is not None:
        return len(labels) < len(row)  # a header's labels make one row
    if row and len(labels) == len(row):
        # The header ends at its last label; a goal's label alone on its row goes on with its text.
        return not (len(row) == 1 and label_key(row[0].text) in _GOAL_LABELS)
    levels = [piece_kind("indicators", q.text) for q in row]
    kind = piece_kind("indicators", text)
    if kind == "level2":
        return any(k not in ("level1", "level1-word") for k in levels)
    if RECORD.match(text):
        return any(k not in ("level1", "level1-word", "level2", "level2-word") for k in levels)
    key = label_key(text)
    return starts_row(p) or key.startswith(_PART_LABELS) or len(key) <= _LABEL_LEN and key.startswith(_HEADER_LABELS)


def _row_value(text: str) -> bool:
    """A cell of an indicator row before its 分值: its 三级指标 or a value, never a label that opens a row."""
    kind = piece_kind("indicators", text)
    return kind in ("percent", "blank") or kind == "word" and not _opens(text)


def _totals_in_place(pieces: list[tuple[int, Piece, bool]]) -> list[tuple[int, Piece, bool]]:
    """A total's label printed after its numbers (with level labels merged down the rows between them) put before
    them: the last two numbers before it, or the last one where two would leave the row above it one number
    short of its 分值 and 得分."""
    out = list(pieces)
    for t in range(len(out)):
        label = out[t][1]
        if not label_key(label.text).startswith(TOTALS) or t + 1 < len(out) and _is_number(out[t + 1][1]):
            continue
        j = t
        while j > 0 and piece_kind("indicators", out[j - 1][1].text) in ("level1", "level1-word"):
            j -= 1
        run = j
        while run > 0 and _is_number(out[run - 1][1]):
            run -= 1
        count = j - run
        # The row above keeps its 分值 and 得分, unless it has none to keep (a placeholder "指标6：").
        bare = run > 0 and piece_kind("indicators", out[run - 1][1].text) in ("record", "level1", "level2")
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


def _rows(pieces: list[tuple[int, Piece, bool]]) -> list[tuple[int, list[Piece], bool]]:
    rows: list[tuple[int, list[Piece], bool]] = []
    row: list[Piece] = []
    first, page = 0, False
    kind: str | None = None
    noted = False  # the form has a note column
    goal_texts = 0  # the texts a row under the goals' header holds
    numeric = 2  # the indicator header's last columns that may hold a number
    aside: list[tuple[int, Piece, bool]] = []

    def flush() -> None:
        nonlocal row, kind, goal_texts, numeric
        if row:
            if (k := header_kind(row)) is not None:
                kind = k
                if k == "indicators":
                    numeric = _numeric_columns(row)
                goal_texts = sum(1 for q in row if label_key(q.text) in _GOAL_LABELS)
            elif kind == "goals":
                kind = None  # the goals' one row of texts ends their table
            rows.append((first, row, page))
        rows.extend((m, [q], pg) for m, q, pg in aside)
        aside.clear()
        row = []

    for i, (n, p, new_page) in enumerate(pieces):
        text = p.text
        nxt = pieces[i + 1][1] if i + 1 < len(pieces) else None
        if any(w in text for w in TITLES):
            noted = False
        # The note column's label may print anywhere in the form (a header cell merged over two rows).
        noted = noted or label_key(text).startswith(_NOTE_LABELS)
        if kind == "goals" and row and label_key(text).startswith(_PART_LABELS) and len(row) < goal_texts:
            aside.append((n, p, new_page))  # a part's label merged down the rows, printed inside the goals' texts
            continue
        new = _starts(p, row)
        if not new and kind == "indicators" and _whole(row, numeric):
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
    first = k
    while first > 0 and _level1(out[first - 1][1][0]) is None and _level2_under(out[first - 1][1]) == word:
        first -= 1
    if first < k:
        out[first][1].insert(0, out[k][1].pop(0))
    return k + 1


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
            k = _level_up(out, k, word)
            continue
        # In place before its rows, or before a row that prints no level (its 二级指标 merged too): left as it is.
        if word is None or nxt is not None and (_level2_under(nxt) == word or _level1(nxt[0]) is None
                                                and _level2_under(nxt) is None and not _total(nxt[0])):
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


def _funds_label_in_place(rows: list[Line]) -> list[Line]:
    """A funds row's label merged over two rows prints above the funds header ("年度资金总额" before 年初预算数…),
    its numbers under the header on a row with no label: the label goes on that row."""
    out = [(n, list(row), pg) for n, row, pg in rows]
    for k in range(len(out) - 2):
        label, header, numbers = out[k][1], out[k + 1][1], out[k + 2][1]
        if len(label) == 1 and funds_row_kind(label_key(label[0].text).removeprefix("其中:")) is not None \
                and header_kind(header) == "funds" and piece_kind("funds", numbers[0].text) == "number":
            numbers.insert(0, label.pop())
    return [line for line in out if line[1]]


def _phone_in_place(rows: list[Line]) -> list[Line]:
    """The 联系电话 a form prints with no value after it, given the telephone number its form prints elsewhere
    (its cell merged over two columns prints where its middle falls): only a number of a telephone's shape,
    one per form, and only from the end of another row."""
    out = [(n, list(row), pg) for n, row, pg in rows]
    for k, (_, row, _) in enumerate(out):
        if len(row) != 1 or not label_key(row[0].text).startswith("联系电话"):
            continue
        for _, other, _ in out[k + 1:]:
            if any(w in other[0].text for w in TITLES):
                break
            if len(other) > 1 and _PHONE.fullmatch(label_key(other[-1].text)):
                row.append(other.pop())
                break
    return out


def _note_label_in_place(rows: list[Line]) -> list[Line]:
    """The indicator header's note column label (偏差原因分析及改进措施), its cell merged down the header's rows and
    more, prints alone where its middle falls: after the funds, or after the header. Where the form's indicator
    header has no note label of its own, the lone one goes at its end; one before the funds header is left."""
    out = [(n, list(row), pg) for n, row, pg in rows]
    starts = [k for k, (_, row, _) in enumerate(out) if any(w in row[0].text for w in TITLES)] + [len(out)]
    for a, b in zip([0, *starts], starts):
        form = range(a, b)
        header = next((k for k in form if header_kind(out[k][1]) == "indicators"), None)
        funds = next((k for k in form if header_kind(out[k][1]) == "funds"), a)
        lone = [k for k in form if k > funds and len(out[k][1]) == 1
                and label_key(out[k][1][0].text).startswith(_NOTE_LABELS) and _column_label(out[k][1][0].text)]
        if header is None or len(lone) != 1 or any(label_key(q.text).startswith(_NOTE_LABELS) for q in out[header][1]):
            continue
        out[header][1].append(out[lone[0]][1].pop())
    return [line for line in out if line[1]]


@register("blocks", _is_blocks, priority=-5)
def read_blocks(data: bytes, file: str) -> Grid:
    lines, notes = decode_lines(data, file)
    rows = _rows(_totals_in_place(_pieces(lines)))
    for fix in (_funds_label_in_place, _phone_in_place, _levels_in_place, _note_label_in_place):
        rows = fix(rows)
    return read_rows(file, rows, notes, wraps=False)
