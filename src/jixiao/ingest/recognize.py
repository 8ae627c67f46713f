"""Grid → Document: find the forms (and department lists) in a file's rows and parse each.

A file may hold several forms, each usually opened by its title row
("附件1-2：项目支出绩效自评表"), sometimes preceded by a department list. Rows that
belong to no form are reported as document warnings on the form that follows.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import BinaryIO

from .. import limits
from ..errors import JixiaoError, NoFormFound, NotASelfEvaluation, UnreadableFile, UnsupportedFormat, os_reason
from ..model import Document, Evaluation
from ..notes import Note
from ..templates import PROBE_ROWS, choose, get_template, looked_for, title_words
from ..text import clean, label_key
from . import archive
from .grid import LONG, Grid, Row
from .kinds import document_kind, part_kind
from .layouts.base import Segment
from .layouts.department_list import department_from_title, is_list_title, list_columns, parse_list
from .readers import detect
from .vocab import DEPARTMENT_NAME_LABELS, HEADER_FIELDS, YEAR_IN_TEXT, funds_row_kind, label_kind

_ATTACHMENT = re.compile(r"^附件[\d\-—－.、]*[:：]?")
# Labels that show a provincial form has begun, beside the national ones.
_TEMPLATE_CONTENT = frozenset({"总额", "合计", "指标名称", "基本支出"})
# An indicator row's two level labels run together (flattened text of a form's tail: "产出指标数量指标足额保障率…").
# A funds total row copied as one line of text, its label running into its numbers ("年度资金总额(万元):152.800000").
_TOTAL_WITH_VALUES = re.compile(r"年度资金总额(?:\((?:万元|元)\))?:?\d")
_LEVEL_PAIRS = tuple(f"{a}指标{b}指标" for a in ("产出", "效益", "满意度")
                     for b in ("数量", "质量", "时效", "成本", "经济效益", "社会效益", "生态效益", "可持续影响",
                               "服务对象满意度"))


def read_path(path: str | Path, template: str | None = None) -> Document:
    """Read one file into a Document; raises a :class:`JixiaoError` subclass when it cannot.

    ``template`` forces every form of the file to that template instead of recognizing it; a member of a
    zip archive (``归档.zip!/表.xlsx``, see :mod:`.archive`) is read from its archive."""
    file = str(path)
    if archive.split(file):
        return read_bytes(archive.read(file), file, template)
    try:
        # Non-blocking, so that opening a named pipe does not wait for a writer.
        with os.fdopen(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb") as fh:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode):
                # A device (/dev/zero) reads forever, a named pipe waits forever for a writer.
                raise UnreadableFile(file, "不是普通文件（设备、命名管道或套接字），不能读取")
            cap = limits.active().bytes * 1024 * 1024
            data = _read_capped(fh, st.st_size, cap) if st.st_size <= cap else b""
            if st.st_size > cap or len(data) > cap:
                raise limits.LimitExceeded(file, "bytes", f"文件有 {max(st.st_size, len(data)) / 1024 / 1024:.0f} MB")
    except JixiaoError:
        raise
    except OSError as exc:
        raise UnreadableFile(file, os_reason(exc)) from None
    return read_bytes(data, file, template)


_CHUNK = 1024 * 1024


def _read_capped(fh: BinaryIO, size: int, cap: int) -> bytes:
    """The file's bytes, at most ``cap + 1`` of them. One read of the size the file reports (a read asks
    the memory for all it may return: ``read(cap + 1)`` costs the cap for every small file), then chunks
    while the file turns out longer than it said (still being written, or /proc's size 0)."""
    first = fh.read(min(size, cap) + 1)
    if len(first) <= size:
        return first
    parts, got = [first], len(first)
    while got <= cap and (chunk := fh.read(min(_CHUNK, cap + 1 - got))):
        parts.append(chunk)
        got += len(chunk)
    return b"".join(parts)


def read_bytes(data: bytes, file: str, template: str | None = None) -> Document:
    if not data.strip():
        raise UnreadableFile(file, "文件为空")
    reader = detect(data)
    if reader is None:
        raise UnsupportedFormat(file, "无法从内容判断文件格式")
    if reader.name in _LINE_READERS:
        _check_lines(data, file)
    grid = reader.read(data, file)
    _check_grid(grid)
    try:
        return recognize(grid, template)
    except NotASelfEvaluation:
        raise
    except NoFormFound:
        if (text := _paragraphs_only(grid)) is None:
            raise
    # A Word file whose form is paragraphs of run-together cells (a site's "docx" of a table's text, a table
    # lost in a conversion): read as the text it is, the paragraphs its lines.
    doc = read_bytes(text.encode("utf-8"), file, template)
    doc.warnings.insert(0, f"{file}：文件中没有表格，表格的内容连排在段落中，已按文字读取（“第N行”即第N个非空段落）")
    return doc


_OFFICE_TEXT = frozenset({"docx", "doc", "odt", "wps", "rtf"})


def _paragraphs_only(grid: Grid) -> str | None:
    """The non-empty paragraphs of a word processor's file that has no table (no row of two cells), one a line."""
    if grid.format not in _OFFICE_TEXT:
        return None
    lines = []
    for row in grid.rows:
        cells = [c.text for c in row.cells if c.text.strip()]
        if len(cells) > 1:
            return None
        lines += cells
    return "\n".join(lines) if lines else None


# The readers that split the file into lines: a line longer than any form's is refused before the split.
_LINE_READERS = frozenset({"text", "pipes", "flat"})


def _check_lines(data: bytes, file: str) -> None:
    cap = limits.active().line * 4  # bytes: a UTF-8 character takes at most four
    if len(data) <= cap:
        return  # no line of it can be longer than the whole
    start = line = 0
    while start < len(data):
        end = data.find(b"\n", start)
        end = len(data) if end < 0 else end
        line += 1
        if end - start > cap:
            raise limits.LimitExceeded(file, "line", f"这一行有 {end - start:,} 字节".replace(",", " "), f"第{line}行")
        start = end + 1


def _check_grid(grid: Grid) -> None:
    limits.check(grid.file, "rows", len(grid.rows), what=f"读出 {len(grid.rows):,} 行".replace(",", " "))
    cells = 0
    for row in grid.rows:
        cells += len(row.cells)
        if len(row.cells) > limits.active().columns:
            raise limits.LimitExceeded(grid.file, "columns", f"这一行有 {len(row.cells)} 列", row.place.zh())
    limits.check(grid.file, "cells", cells)


def _title(row: Row) -> tuple[str, str] | None:
    """(title, prefix) when the row is a form title: one cell holding a template's title word."""
    keys = row.keys()
    if len(keys) - keys.count("") != 1:
        return None
    keys = [k for k in keys if k]
    if "绩效自评表" not in keys[0]:
        return None
    key = keys[0]
    word = next((w for w in title_words() if w in key), None)
    if word is None or len(key) > len(word) + 24:
        return None
    texts = [c.text for c in row.cells if c.text.strip()]
    return clean(texts[0]).replace("\n", ""), key[:key.find(word)]


def _lone_attachment(row: Row | None) -> str | None:
    """The label of a row holding nothing but an attachment label ("附件1-2："), else None."""
    if row is None:
        return None
    texts = [c.text for c in row.cells if c.text.strip()]
    if len(texts) != 1:
        return None
    text = clean(texts[0])
    m = _ATTACHMENT.match(text)
    return text if m and m.end() == len(text) and len(text) > 2 else None


def _same_line_prefix(rows: list[Row], title: Row) -> str | None:
    """The last of ``rows`` taken off them when it is a single short cell on the title's own line ending in
    年度/年 (the start of the title text), else None."""
    if not rows:
        return None
    before = rows[-1]
    texts = [clean(c.text) for c in before.cells if c.text.strip()]
    if (len(texts) == 1 and before.place.line is not None and before.place.line == title.place.line
            and len(texts[0]) <= 40 and YEAR_IN_TEXT.search(texts[0]) and texts[0].endswith(("年度", "年"))):
        rows.pop()
        return texts[0]
    return None


def _is_report_code(row: Row) -> bool:
    return any(k.startswith("报表编号") for k in row.keys())


def _has_form_content(rows: list[Row]) -> bool:
    for row in rows:
        filled = [k for k in row.keys() if k]
        if len(filled) >= 4 and any((kind := label_kind(k)) is not None and kind[0] >= 1 for k in filled[:2]):
            return True  # an indicator row (数量指标 | name | target | actual…): a tail cut above its header
        for c, k in zip(row.cells, row.keys()):
            if k == LONG:  # flattened text: the indicator header is inside a long run of glued cells
                k = label_key(c.text)
            if k and (funds_row_kind(k) or k == "总分" or "一级指标" in k or k in _TEMPLATE_CONTENT
                      or k.startswith(_LEVEL_PAIRS) or _TOTAL_WITH_VALUES.match(k)):
                return True
    return False


def _has_header(rows: list[Row]) -> bool:
    """Whether a form's header labels are there ("项目名称", "项目编码：…"): a form cut short is still a form."""
    return any(k.startswith(label) for row in rows for k in row.keys() if k for label in _HEADER_LABELS)


_HEADER_LABELS = tuple(HEADER_FIELDS)


def _nothing_read(ev: Evaluation) -> bool:
    p = ev.project
    return not (p.name or p.code or p.department or ev.funds.rows() or ev.indicators or ev.total)


def _starts_form(row: Row) -> bool:
    """A header row that opens a form: 项目编码 or 项目名称 among its labels, 重庆's 部门整体绩效自评表's first row
    (主管部门 and 部门联系人, no 项目名称 above them), or a department-wide form's department ("部门(单位)名称 |
    某局") first in a row of that label and its value."""
    keys = row.keys()
    if "项目编码" in keys or "项目名称" in keys or "主管部门" in keys and "部门联系人" in keys:
        return True
    first = next((k for k in keys if k), "")
    return first in DEPARTMENT_NAME_LABELS and sum(1 for k in keys if k) == 2


def _department_contact(rows: list[Row]) -> bool:
    return any("部门联系人" in row.keys() for row in rows[:PROBE_ROWS])


def _header_tail(rows: list[Row]) -> list[Row]:
    """The year rows (绩效自评年度 …) that end ``rows`` after its form's content: the next form's, taken off (a
    form's other header rows may come last: Sichuan prints 项目负责人 under its table)."""
    n = len(rows)
    while n and any(HEADER_FIELDS.get(k) == "year" for k in rows[n - 1].keys()) and not _has_form_content(rows[n - 1:]):
        n -= 1
    if not _has_form_content(rows[:n]):
        return []
    tail = rows[n:]
    del rows[n:]
    return tail


def recognize(grid: Grid, template: str | None = None) -> Document:
    """Cut the grid into forms and read each with its template: the forced one, else the best match."""
    forced = get_template(template) if template else None
    doc = Document(grid.file, grid.format, warnings=[*grid.warnings, *(n.zh() for n in grid.notes)])
    segments: list[Segment] = []
    preamble: list[Row] = []
    pending: list[Note] = []
    current: Segment | None = None
    rows = grid.rows
    preamble_at = 0
    outside: list[Row] = []
    i = 0
    sheet = rows[0].place.sheet if rows else None
    while i < len(rows):
        row = rows[i]
        if row.place.sheet != sheet:
            # A form never goes on into the next sheet: what follows is another part of the workbook.
            sheet = row.place.sheet
            if preamble and _has_form_content(preamble):
                segments.insert(preamble_at, Segment(preamble))
            else:
                outside += preamble  # a sheet of its own that is no form: named below, not carried on
            preamble = []
            current = None
        cols = list_columns(row)
        listed = parse_list(rows[i:], cols, grid.file, grid.format, len(doc.lists)) \
            if cols is not None and (current is None or "amount" in cols and "score" in cols) else None
        if listed is not None:
            dl, used = listed
            before = preamble[-1] if preamble else None
            after = rows[i + used] if i + used < len(rows) else None
            for cand in (before, after):
                if cand is not None and is_list_title(cand):
                    dl.title = clean(cand.cells[0].text if cand.cells[0].text.strip() else
                                     next(c.text for c in cand.cells if c.text.strip()))
                    if cand is before:
                        preamble.pop()
                    else:
                        used += 1
                    break
            if dl.title:
                dl.department = department_from_title(dl.title)
            doc.lists.append(dl)
            i += used
            continue
        title = _title(row)
        if title is not None:
            before = current.rows if current is not None else preamble
            # A report code line ("报表编号:510000_0013zp") printed above the title belongs to its form.
            carried = [before.pop()] if before and _is_report_code(before[-1]) else []
            if label := _lone_attachment(before[-1] if before else None):
                before.pop()  # "附件1：" on a line of its own above the title (PDF, HTML), as in "附件1：⏎项目支出…"
                title = (label + title[0], label_key(label) + title[1])
            elif grid.format == "text-flat" and (head := _same_line_prefix(current.rows if current else preamble, row)):
                # Flattened text cut at the title word: "某局2023年度" before it is the title's own beginning.
                title = (head + title[0], label_key(head) + title[1])
            current = Segment(carried, title[0], row.place, title[1] or None)
            segments.append(current)
        elif current is not None and _starts_form(row) and _has_form_content(current.rows):
            current = Segment([*_header_tail(current.rows), row])
            segments.append(current)
        elif current is None and _starts_form(row) and _has_form_content(preamble):
            # Forms copied without their titles (a web page's tables selected and copied): a header row
            # after a form's content opens the next form.
            segments.insert(preamble_at, Segment(preamble))
            current = Segment([*_header_tail(preamble), row])
            segments.append(current)
            preamble = []
        elif current is None:
            if not preamble:
                preamble_at = len(segments)
            preamble.append(row)
        else:
            current.rows.append(row)
        i += 1

    if preamble and _has_form_content(preamble):
        segments.insert(preamble_at, Segment(preamble))
        preamble = []
    for row in outside + preamble:
        shown = " ".join(clean(c.text) for c in row.cells if c.text.strip())
        if shown:
            pending.append(Note("outside-form", row.place, {"text": shown[:60]}))

    others: list[str] = []
    for seg in segments:
        if kind := part_kind(seg.rows, seg.title):
            where = (seg.title_place or seg.rows[0].place).zh()
            others.append(f"{where}起：{kind.statement()}")
            continue
        if not _has_form_content(seg.rows) and not _has_header(seg.rows):
            # A title with nothing of a form under it (a web page's own heading, a list's caption): no form.
            pending.append(Note("title-without-form", seg.title_place, {"title": seg.title}))
            pending.extend(Note("outside-form", row.place, {"text": shown[:60]}) for row in seg.rows
                           if (shown := " ".join(clean(c.text) for c in row.cells if c.text.strip())))
            continue
        title_key = label_key(seg.title) if seg.title else ""
        chosen, doubt = (forced, None) if forced else choose(seg, title_key)
        ev = chosen.parse(seg, grid.file, grid.format, len(doc.evaluations))
        if _nothing_read(ev):
            continue  # rows that only looked like a form: no header, funds, indicator or total in them
        ev.template = chosen.name
        if doubt:
            ev.notes.insert(0, doubt)
        if ev.year is None and (year := YEAR_IN_TEXT.search(title_key)):
            ev.year = int(year.group(1))
        p = ev.project
        if p.name is None and p.department and ("部门整体" in title_key or _department_contact(seg.rows)):
            # A department's own form (重庆's 部门整体绩效自评表 heads it with 主管部门 and 部门联系人, no 项目名称;
            # its title or, copied without it, its 部门联系人 says so): it is of that department.
            p.name = p.department
            if "project.department" in ev.locators:
                ev.locators["project.name"] = ev.locators["project.department"]
        # The prefix is part of the title key, so a year in it was taken above; anything else is reported.
        prefix = seg.prefix
        if prefix and seg.title_place and not _ATTACHMENT.match(prefix) and not YEAR_IN_TEXT.search(prefix):
            ev.note("title-prefix", seg.title_place, text=prefix)
        ev.notes[:0] = pending
        pending = []
        doc.evaluations.append(ev)
    if pending:
        if doc.evaluations:
            doc.evaluations[-1].notes.extend(pending)
        else:
            doc.warnings.extend(n.zh() for n in pending)
    if not doc.evaluations and not doc.lists:
        if kind := document_kind(rows):
            raise NotASelfEvaluation(grid.file, statement=kind.statement())
        raise NoFormFound(grid.file, labels=f"{looked_for()}、项目名称/金额")
    doc.warnings += others
    # The reader's own lines (formulas computed, pages OCR'd or left unread, hidden rows) bear on the forms
    # read from the file (a note placed on a sheet that holds forms, on those): on each form they reach check,
    # JSON, the store and the web with it.
    sheets = {ev.source.place.sheet for ev in doc.evaluations}
    for ev in doc.evaluations:
        ev.notes[:0] = [*(Note("reader", None, {"text": w}) for w in grid.warnings),
                        *(n for n in grid.notes if n.place is None or n.place.sheet not in sheets
                          or n.place.sheet == ev.source.place.sheet)]
    return doc
