"""Grid → Document: find the forms (and department lists) in a file's rows and parse each.

A file may hold several forms, each usually opened by its title row
("附件1-2：项目支出绩效自评表"), sometimes preceded by a department list. Rows that
belong to no form are reported as document warnings on the form that follows.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import JixiaoError, NoFormFound, UnreadableFile, UnsupportedFormat
from ..model import Document
from ..text import clean, label_key
from .grid import Grid, Row
from .layouts.department_list import department_from_title, is_list_title, list_columns, parse_list
from .layouts.national import Segment, parse_national
from .readers import detect
from .vocab import FORM_TITLE, HEADER_FIELDS, YEAR_IN_TEXT, funds_row_kind

MAX_FILE_BYTES = 200 * 1024 * 1024
_ATTACHMENT = re.compile(r"^附件[\d\-—－.、]*[:：]?")


def read_path(path: str | Path) -> Document:
    """Read one file into a Document; raises a :class:`JixiaoError` subclass when it cannot."""
    p = Path(path)
    file = str(path)
    try:
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise UnreadableFile(file, f"文件过大（{size // 1024 // 1024} MB），超过 {MAX_FILE_BYTES // 1024 // 1024} MB 上限")
        data = p.read_bytes()
    except JixiaoError:
        raise
    except OSError as exc:
        raise UnreadableFile(file, exc.strerror or str(exc)) from None
    return read_bytes(data, file)


def read_bytes(data: bytes, file: str) -> Document:
    if not data.strip():
        raise UnreadableFile(file, "文件为空")
    reader = detect(data)
    if reader is None:
        raise UnsupportedFormat(file, "无法从内容判断文件格式")
    grid = reader.read(data, file)
    return recognize(grid)


def _title(row: Row) -> tuple[str, str] | None:
    """(title, prefix) when the row is a form title."""
    keys = [k for k in row.keys() if k]
    if len(keys) != 1 or FORM_TITLE not in keys[0]:
        return None
    key = keys[0]
    texts = [c.text for c in row.cells if c.text.strip()]
    pos = key.find(FORM_TITLE)
    if pos < 0 or len(key) > len(FORM_TITLE) + 24:
        return None
    return clean(texts[0]).replace("\n", ""), key[:pos]


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


def _has_form_content(rows: list[Row]) -> bool:
    for row in rows:
        for k in row.keys():
            if k and (funds_row_kind(k) or k == "总分" or "一级指标" in k):
                return True
    return False


def _starts_form(row: Row) -> bool:
    keys = row.keys()
    return ("项目编码" in keys or "项目名称" in keys) and any(k in HEADER_FIELDS for k in keys)


def recognize(grid: Grid) -> Document:
    doc = Document(grid.file, grid.format, warnings=list(grid.warnings))
    segments: list[Segment] = []
    preamble: list[Row] = []
    pending: list[str] = []
    current: Segment | None = None
    rows = grid.rows
    i = 0
    while i < len(rows):
        row = rows[i]
        cols = list_columns(row)
        if cols is not None and current is None or cols is not None and "amount" in cols and "score" in cols:
            dl, used = parse_list(rows[i:], cols, grid.file, grid.format, len(doc.lists))
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
            if label := _lone_attachment(before[-1] if before else None):
                before.pop()  # "附件1：" on a line of its own above the title (PDF, HTML), as in "附件1：⏎项目支出…"
                title = (label + title[0], label_key(label) + title[1])
            current = Segment([], title[0], row.place, title[1] or None)
            segments.append(current)
        elif current is not None and _starts_form(row) and _has_form_content(current.rows):
            current = Segment([row])
            segments.append(current)
        elif current is None:
            preamble.append(row)
        else:
            current.rows.append(row)
        i += 1

    if preamble and _has_form_content(preamble):
        segments.insert(0, Segment(preamble))
        preamble = []
    for row in preamble:
        shown = " ".join(clean(c.text) for c in row.cells if c.text.strip())
        if shown:
            pending.append(f"{row.place.zh()}：表格之前的内容“{shown[:60]}”不属于任何表")

    for seg in segments:
        if not any(not r.is_blank() for r in seg.rows):
            where = seg.title_place.zh() if seg.title_place else "?"
            pending.append(f"{where}：标题“{seg.title}”之后没有表格内容，已忽略")
            continue
        ev = parse_national(seg, grid.file, grid.format, len(doc.evaluations))
        if seg.prefix:
            prefix = seg.prefix
            m = _ATTACHMENT.match(prefix)
            year = YEAR_IN_TEXT.search(prefix)
            if year and ev.year is None:
                ev.year = int(year.group(1))
            elif not m and not year and seg.title_place:
                ev.warnings.append(f"{seg.title_place.zh()}：标题前有多余的文字“{prefix}”")
        ev.warnings[:0] = pending
        pending = []
        doc.evaluations.append(ev)
    if pending:
        (doc.evaluations[-1].warnings if doc.evaluations else doc.warnings).extend(pending)
    if not doc.evaluations and not doc.lists:
        raise NoFormFound(grid.file, labels="项目支出绩效自评表、年度资金总额、一级指标、总分、项目名称/金额")
    return doc
