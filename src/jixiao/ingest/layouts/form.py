"""FormReader(spec): one reader for every template, the printed label decides.

The reader walks a form's rows once. A row's part is decided by the labels found
anywhere in it (a funds header, a funds row label, the indicator header, 总分...),
not by its position. Values are placed under the header label that names their
column: a label's column reaches right to the next label, so a label merged over
two columns, a spacer column or a value in the covered half of a merged cell all
land where the header says. Rows that lost or gained a cell are re-aligned by
:mod:`.align`. A header value (项目名称 …) is the next non-empty cell after its label.

Every non-empty cell is either placed in the model or named in a note; nothing is
dropped silently. Flattened text, which has no columns left, goes through
:class:`.flat.FlatReading`, which places only what the column order settles.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from decimal import Decimal

from ...model import AMOUNT_COLUMNS, PLACEHOLDER_NAME, Evaluation, FundsRow, Total
from ...text import clean, clean_block, label_key
from ...values import (
    BLANKS,
    EXCEL_ERRORS,
    HUNDRED,
    Money,
    MoneyUnit,
    NotANumber,
    chinese_number,
    is_number,
    parse_measure,
    parse_number,
    with_unit,
)
from ..grid import Cell, Place, Row
from ..vocab import CORE_ANSWERS, INDICATOR_SECTION, MONEY_UNIT, NATURES, YEAR_ROW, label_kind
from .align import Columns, shift_of
from .base import FormParser, Segment, infer_unit, join_cells
from .flat import RECORD, FlatReading, covers
from .spec import FormSpec, section_key
from .tokens import read_tokens, uses_tokens

FLAT = "text-flat"
PDF_TEXT = "pdf-text"  # every reader of pdftotext's text: a PDF's table in its rows' order or in its reading order
_BRACKETS = re.compile(r"\([^)]*\)")
_GLUED_VALUES = re.compile(r"\d[\d.,]*%?$")
_CODE_NAME = re.compile(r"^([0-9A-Za-z]{10,})\s*[-－—_]\s*(.+)$")
_LEVEL_POINTS = re.compile(r"(.+?)\((\d+(?:\.\d+)?)分\)")
_OPERATOR = {"＝": "=", "≧": "≥", "≦": "≤", ">=": "≥", "<=": "≤", "＞": ">", "＜": "<"}
_VALUE_FIELDS = ("name", "target", "actual", "weight", "score", "note")


def _is_level_label(key: str) -> bool:
    return label_kind(key) is not None


def header_columns(keys: list[str], needles: tuple[tuple[str, str], ...]) -> dict[int, str]:
    """Column → field for the header labels in a row; each field once, at its first column."""
    cols: dict[int, str] = {}
    for i, k in enumerate(keys):
        if not k:
            continue
        for needle, fld in needles:
            if needle in k:
                if fld not in cols.values():
                    cols[i] = fld
                break
    return cols


@dataclass(frozen=True, slots=True)
class _Label:
    """What a spec makes of one cell's label key, as :meth:`FormReader.row` asks it of every cell."""

    section: str  # section_key
    total: bool  # 总分/合计
    funds_column: str | None  # the funds column its words name (header_columns' first needle)
    indicator_words: int  # which of the indicator header's words it holds, one bit each
    goal: bool
    funds_kind: str | None
    header: bool
    flags: int  # which of the above it has (_TOTAL … _HEADER): a row asks only what one of its labels has


_TOTAL, _FUNDS, _WORDS, _GOAL, _KIND, _HEADER = (1 << n for n in range(6))
_NOTE_LABEL_MAX = 16  # a note column's label; a longer cell naming 原因 is a note's own text
_ROW_LABEL_MAX = 24  # the longest funds row label ("其中:当年财政拨款(含追加)…")


def _label(spec: FormSpec, key: str) -> _Label:
    section = section_key(key)
    total = bool(key) and section in spec.total_labels
    funds_column = next((fld for needle, fld in spec.funds_columns if needle in key), None) if key else None
    words = sum(1 << n for n, word in enumerate(spec.indicator_header) if word in key)
    goal = key in spec.goal_columns
    # A longer cell naming 财政拨款 is a sentence (a glossary, a narrative), no funds row's label.
    funds_kind = spec.funds_kind(key) if key and len(key) <= _ROW_LABEL_MAX else None
    header = key in spec.header_fields
    flags = (_TOTAL * total | _FUNDS * (funds_column is not None) | _WORDS * bool(words) | _GOAL * goal
             | _KIND * (funds_kind is not None) | _HEADER * header)
    return _Label(section, total, funds_column, words, goal, funds_kind, header, flags)


# Per spec (held, so its id stays its own), each key's label: a form repeats its labels, a batch its forms.
# Emptied when it grows past _LABELS_KEPT keys, so a batch of forms with different values stays bounded.
_LABELS: dict[int, tuple[FormSpec, dict[str, _Label]]] = {}
_LABELS_KEPT = 20_000


def _labels_of(spec: FormSpec, keys: list[str]) -> tuple[list[_Label], int]:
    """Each key's label, and the flags any of them has."""
    held = _LABELS.get(id(spec))
    if held is None or held[0] is not spec:
        if len(_LABELS) > 64:
            _LABELS.clear()
        held = _LABELS[id(spec)] = (spec, {})
    known = held[1]
    if len(known) > _LABELS_KEPT:
        known.clear()
    out = []
    flags = 0
    for k in keys:
        lab = known.get(k)
        if lab is None:
            lab = known[k] = _label(spec, k)
        out.append(lab)
        flags |= lab.flags
    return out, flags


@dataclass(frozen=True, slots=True)
class Spans:
    """Header columns and how far each label reaches: to the column before the next label."""

    starts: tuple[int, ...]
    fields: tuple[str, ...]
    # (field, start, end) of each value column (not the level labels): what every indicator row reads by.
    values: tuple[tuple[str, int, int], ...] = field(init=False)

    def __post_init__(self) -> None:
        # Each field once (header_columns): its start and end are its neighbours in the two tuples.
        ends = self.starts[1:] + self.starts[-1:] and self.starts[1:] + (self.starts[-1] + 1,)
        object.__setattr__(self, "values", tuple(v for v in zip(self.fields, self.starts, ends)
                                                 if v[0] not in ("level1", "level2")))

    @classmethod
    def of(cls, cols: dict[int, str]) -> Spans:
        ordered = sorted(cols)
        return cls(tuple(ordered), tuple(cols[c] for c in ordered))

    def field_at(self, col: int) -> str | None:
        """The field whose label sits above ``col`` (its own column or one its label covers)."""
        n = bisect_right(self.starts, col) - 1
        if n < 0 or n == len(self.starts) - 1 and col > self.starts[n]:
            return None
        return self.fields[n]

    def start(self, fld: str) -> int | None:
        return self.starts[self.fields.index(fld)] if fld in self.fields else None

    def end(self, fld: str) -> int:
        """One past the last column ``fld``'s label covers; the last label reaches one column (its own)."""
        n = self.fields.index(fld)
        return self.starts[n + 1] if n + 1 < len(self.starts) else self.starts[n] + 1


@dataclass
class FormReader(FlatReading, FormParser):
    spec: FormSpec = field(default=None)  # type: ignore[assignment]
    phase: str = "header"
    unit: MoneyUnit | None = None
    funds: Spans | None = None
    funds_label_col: int = 0
    funds_raw: dict[str, dict[str, Cell]] = field(default_factory=dict)
    row_offset: int | None = None  # a funds row's cells to the header's columns, learnt from a full row
    coefficient_percent: bool = True
    ind: Spans | None = None
    ind_cols: dict[int, str] = field(default_factory=dict)
    align: Columns | None = None
    goal_cols: dict[int, str] = field(default_factory=dict)
    goals_seen: bool = False
    pending_text: str | None = None
    upper_header: dict[int, str] = field(default_factory=dict)  # the first row of a two-row indicator header
    assumed: bool = False  # the indicator columns are the template's own: the form's tail has no header
    lone: list[tuple[int, Cell]] = field(default_factory=list)  # (indicator, its one number) of a headerless row
    _values: dict[tuple[str, str], Decimal] = field(default_factory=dict)  # (funds row, column) → number
    _row_place: Place = Place()
    _doubt: bool = False  # the row being read is in doubt (Row.doubtful): its part is read incomplete

    @property
    def flat(self) -> bool:
        return self.fmt == FLAT

    def __post_init__(self) -> None:
        FormParser.__post_init__(self)
        self.coefficient_percent = self.spec.coefficient_percent_default

    # ------------------------------------------------------------ dispatch
    def row(self, row: Row) -> None:
        before = self.phase
        self.dispatch(row)
        part = {"indicators": "indicators", "funds": "funds", "goals": "funds"}.get(before)
        left = [c for c in row.cells if id(c) not in self.used and c.text.strip()] \
            if part is not None and self.phase == before else []
        if part is not None and any(is_number(c.text) for c in left):
            # A number left over in the indicator table is a row, or part of one, not read: without it no sum
            # over the indicators (weights to 100, scores to the total) is checked. One left over among the funds
            # or the goals may be a funds cell (重庆's 执行率得分 printed apart): no sum over the funds either.
            self.incomplete.add(part)
        elif left and part == "indicators":
            self.incomplete.add("notes")  # a text left over may be a row's note: none is said to be missing

    def dispatch(self, row: Row) -> None:
        self._row_place = row.place
        self._doubt = row.doubtful
        keys = row.keys()
        spec = self.spec
        first = next((i for i, k in enumerate(keys) if k), None)
        if first is None:
            return
        if self.report_code(row, keys, first):
            return
        labels, flags = _labels_of(spec, keys)
        total_at = next((i for i, lab in enumerate(labels) if lab.total), None) if flags & _TOTAL else None
        if total_at is not None and self.fmt == PDF_TEXT and self.ind is None and not self.assumed:
            # pdftotext's reading order printed 总分 above the indicator header, among the funds or the goals:
            # the numbers after it are other rows' (其他资金's 0 and 0), so it is named, and no total is checked.
            self.incomplete.add("total")
            return
        if total_at is not None and self.fmt == PDF_TEXT and not any(c.text.strip() for c in row.cells[total_at + 1:]):
            # pdftotext prints no empty cell: a 总分 with nothing after it printed its numbers elsewhere, or none, so
            # it is not read (no "总分行未填得分" from it), and the indicators after it go on.
            self.incomplete.add("total")
            return
        if total_at is not None:
            self.total_row(row, total_at)
            self.phase = "after_total"
            return
        if self.phase in ("header", "funds"):
            self.money_unit(row, keys)
        if flags & _FUNDS:
            funds: dict[int, str] = {}
            for i, lab in enumerate(labels):
                if lab.funds_column is not None and lab.funds_column not in funds.values():
                    funds[i] = lab.funds_column
            if "executed" in funds.values() and len(funds) >= 3:
                self.funds_header(row, keys, funds)
                return
        found = 0
        if flags & _WORDS:
            for lab in labels:
                found |= lab.indicator_words
        if found == (1 << len(spec.indicator_header)) - 1:  # every word of the indicator header
            self.indicator_header(row, keys)
            return
        if self.phase != "indicators" and self.upper_indicator_header(row, keys):
            return
        if self.phase == "indicators" and self.sub_header(row, keys):
            return
        if flags & _GOAL and sum(lab.goal for lab in labels) >= 2:
            self.goals_header(row, keys)
            return
        lead = labels[first].section
        if lead in spec.texts:
            self.text_row(row, first, spec.texts[lead])
            return
        if flags & _KIND and self.phase in ("header", "funds") and (self.funds or spec.default_funds_order):
            for i, lab in enumerate(labels):
                if lab.funds_kind is not None:
                    self.funds_row(row, i, lab.funds_kind)
                    return
        headerless = self.phase == "header" and self.ind is None and not self.funds_raw \
            and spec.indicator_columns[0][1] == "level1"
        if headerless and self.flat and self.flat_tail_run(row):
            return
        if headerless and not self.flat and (_opens_with_levels(keys) or self.by_nature(keys)):
            self.assume_indicator_header(row)
        elif self.assumed and self.phase == "indicators" and (
                not (keys[0] == "" or _opens_with_levels(keys) or self.by_nature(keys))
                or sum(1 for k in keys if k) > len(self.ind_cols)):
            # Without a header only a row that opens with its level labels, or with the empty cells a merged
            # level leaves, is an indicator row: the table of the form's tail ended (narrative, another table).
            self.phase = "header"
        elif self.phase == "indicators" and self.ind_cols and not _opens_with_levels(keys) \
                and sum(1 for k in keys if k) > len(self.ind_cols) + 1:
            # More values than the header has columns (and one more for a filled-down section label):
            # another table under the indicators (序号 | 学校性质 | 培训机构 | …), whose cells are named, not read.
            # In pdftotext's reading order it is as likely rows printed together (names above their rows after a
            # page break): the indicators are then not all read.
            self.phase = "header"
            if self.fmt == PDF_TEXT:
                self.incomplete.add("indicators")
        if flags & _HEADER and self.phase not in ("goals", "indicators"):
            self.header_row(row, keys)
            return
        if self.pending_text is not None:
            self.fill_text(row)
        elif self.phase == "after_total" and spec.remarks_after_total:
            self.remark_row(row)
        elif self.phase == "indicators" and self.line_below_table(row, keys):
            self.sections(row.cells, keys)
        elif self.phase == "indicators":
            self.indicator_row(row.cells, keys)
        elif self.phase == "goals":
            self.goals_row(row.cells, keys)
        else:
            self.sections(row.cells, keys)

    def money_unit(self, row: Row, keys: list[str], *, anywhere: bool = False) -> None:
        """A cell naming the funds unit ("项目资金(万元)", or "(元)" alone; in the funds header any label)."""
        for c, k in zip(row.cells, keys):
            if "(" in k and (m := MONEY_UNIT.search(k)) and (
                    anywhere or k == m.group(0) or any(label in k for label in self.spec.money_unit_labels)
                    or section_key(k) in self.spec.sections):
                self.unit = m.group(1)  # type: ignore[assignment]
                self.use(c)

    def sections(self, cells: list[Cell], keys: list[str]) -> None:
        """Part labels ("预算执行情况(10分)") and a year on its own ("(2023年度)")."""
        nonempty = [(c, k) for c, k in zip(cells, keys) if k]
        if len(nonempty) == 1 and (m := YEAR_ROW.fullmatch(nonempty[0][1])) and (
                "年" in nonempty[0][1] or "(" in nonempty[0][1]):
            self.use(nonempty[0][0])
            if self.ev.year is None:
                self.ev.year = int(m.group(1))
                self.ev.locators["year"] = nonempty[0][0].place
            return
        for c, k in zip(cells, keys):
            if k and (section_key(k) in self.spec.sections or k.startswith("项目资金")):
                self.use(c)

    def report_code(self, row: Row, keys: list[str], first: int) -> bool:
        key = keys[first]
        if not key.startswith("报表编号"):
            return False
        cell = row.cells[first]
        value = key.removeprefix("报表编号").lstrip(":")
        if not value and first + 1 < len(row.cells):
            cell = row.cells[first + 1]
            value = label_key(cell.text)
            self.use(row.cells[first])
        self.use(cell)
        if value:
            self.ev.report_code = value
            self.ev.locators["report_code"] = cell.place
        return True

    # ------------------------------------------------------------ total and remarks
    def total_row(self, row: Row, index: int) -> None:
        """总分/合计: its numbers under the indicator table's 分值 and 得分 labels, else by count."""
        if self._doubt:
            self.incomplete.add("total")
        if self.flat and not self.assumed:  # a headerless tail's 合计 is settled with its rows (place_lone)
            if self.flat_total(row, index):
                return
            super().total_row(row, index)
            return
        placed = self.total_by_columns(row, index)
        if placed is None:
            super().total_row(row, index)
            return
        weight, score = placed
        total = Total()
        total.weight = self.number(weight, "total.weight")
        total.score = self.number(score, "total.score")
        for c in row.cells[:index + 1]:
            self.use(c)
        self.ev.locators["total"] = row.place
        self.ev.total = total

    def total_by_columns(self, row: Row, index: int) -> tuple[Cell | None, Cell | None] | None:
        """(weight, score) cells when every number after the label sits under 分值 or 得分, one each."""
        spans = self.ind
        if spans is None or "score" not in spans.fields or self.ev.total is not None:
            return None
        got: dict[str, Cell] = {}
        for j, c in enumerate(row.cells[index + 1:], start=index + 1):
            if not c.text.strip():
                continue
            fld = spans.field_at(j)
            # A formula's error value (#VALUE!) holds its column like the number it failed to be.
            if fld not in ("weight", "score") or fld in got or not (
                    is_number(c.text) or c.text.strip() in EXCEL_ERRORS or chinese_number(c.text) is not None):
                return None
            got[fld] = c
        if not got:
            return None
        for c in row.cells[index + 1:]:
            self.use(c)
        return got.get("weight"), got.get("score")

    def remark_row(self, row: Row) -> None:
        parts: list[str] = []
        for c in row.cells:
            self.use(c)
            t = clean_block(c.text)
            if t and label_key(t) != "备注":
                parts.append(t.removeprefix("备注:").removeprefix("备注：").strip())
        text = "\n".join(p for p in parts if p)
        if text:
            self.ev.remarks = f"{self.ev.remarks}\n{text}" if self.ev.remarks else text
            self.ev.locators.setdefault("remarks", row.place)

    # ------------------------------------------------------------ header
    def header_row(self, row: Row, keys: list[str]) -> None:
        cells = row.cells
        labels = [i for i, k in enumerate(keys) if k in self.spec.header_fields]
        for n, i in enumerate(labels):
            self.use(cells[i])
            end = labels[n + 1] if n + 1 < len(labels) else len(cells)
            values = [c for c in cells[i + 1:end] if c.text.strip()]
            if not values or label_key("".join(c.text for c in values)) in self.spec.header_fields:
                continue  # a label a copy broke at a space ("项目主管单 位") is the next label, not this one's value
            while len(values) > 1 and label_key(values[0].text) in self.spec.column_labels:
                # A column's label pdftotext's reading order printed between 项目负责人 and its name (四川's 原因)
                # is no one's name: it stays unplaced, the value after it is the label's.
                values = values[1:]
            if not self.flat:
                values = values[:1]
            elif len(values) == 2 and clean(values[0].text) == clean(values[1].text):
                self.note("cell-unplaced", values[1].place, text=clean(values[1].text))  # see base.repeated
                values = values[:1]
            self.header_value(self.spec.header_fields[keys[i]], join_cells(values), clean(cells[i].text))
            for c in values:
                self.use(c)
        self.sections(cells, keys)

    def header_value(self, target: str, cell: Cell, label: str) -> None:
        ev = self.ev
        if target == "year":
            m = YEAR_ROW.fullmatch(label_key(cell.text))
            if m:
                ev.year = int(m.group(1))
                ev.locators["year"] = cell.place
            else:
                self.note("year-unreadable", cell.place, label=label, text=clean(cell.text))
        elif target == "total.score":
            score = self.number(cell, "total.score")
            if score is not None:
                ev.total = ev.total or Total()
                ev.total.score = score
        elif target == "department_name":
            ev.project.name = ev.project.department = self.text(cell, "project.department")
            if ev.project.name:
                ev.locators["project.name"] = cell.place
        elif target == "code_name":
            text = clean(cell.text)
            if m := _CODE_NAME.match(text):
                ev.project.code, ev.project.name = m.group(1), m.group(2).strip()
                ev.locators["project.code"] = ev.locators["project.name"] = cell.place
            else:
                ev.project.name = self.text(cell, "project.name")
        else:
            fld = target.removeprefix("project.")
            value = self.text(cell, target)
            if value is not None and getattr(ev.project, fld) is None:
                setattr(ev.project, fld, value)

    # ------------------------------------------------------------ free text
    def text_row(self, row: Row, index: int, attr: str) -> None:
        self.use(row.cells[index])
        rest = [c for c in row.cells[index + 1:] if c.text.strip()]
        if not rest:
            self.pending_text = attr
            return
        self.set_text(attr, rest)

    def set_text(self, attr: str, cells: list[Cell]) -> None:
        for c in cells:
            self.use(c)
        value = (" " if self.flat else "\n").join(clean(c.text) for c in cells)
        target = self.ev.goals if attr.startswith("goals.") else self.ev
        name = attr.removeprefix("goals.")
        old = getattr(target, name)
        setattr(target, name, value if old is None else f"{old}\n{value}")
        self.ev.locators.setdefault(attr, cells[0].place)

    def fill_text(self, row: Row) -> None:
        attr, self.pending_text = self.pending_text, None
        cells = [c for c in row.cells if c.text.strip()]
        if cells and attr is not None:
            self.set_text(attr, cells)

    # ------------------------------------------------------------ goals
    def goals_header(self, row: Row, keys: list[str]) -> None:
        self.phase = "goals"
        self.goals_seen = True
        self.goal_cols = {}
        for i, (c, k) in enumerate(zip(row.cells, keys)):
            if k in self.spec.goal_columns:
                self.goal_cols[i] = self.spec.goal_columns[k]
                self.use(c)
        self.sections(row.cells, keys)
        last = max(self.goal_cols)
        trailing = [c for c in row.cells[last + 1:] if c.text.strip()]
        if trailing and len(trailing) == len(self.goal_cols):
            for c, part in zip(trailing, self.goal_cols.values()):
                self.set_text(f"goals.{part}", [c])

    def goals_row(self, cells: list[Cell], keys: list[str]) -> None:
        cols = self.goal_cols
        filled = [i for i, (c, k) in enumerate(zip(cells, keys))
                  if k and id(c) not in self.used and section_key(k) not in self.spec.sections]
        nearest = [cols[min(cols, key=lambda col: abs(col - i))] for i in filled]
        # As many texts as goal columns, but two nearest one column: the row lost its leading label cells
        # (项目基本情况 | 1.项目年度目标完成情况 spanning rows), so its texts fill the columns in order.
        in_order = len(filled) == len(cols) and len(set(nearest)) < len(nearest)
        parts = dict(zip(filled, [cols[c] for c in sorted(cols)] if in_order else nearest))
        for i, c in enumerate(cells):
            if i not in parts:
                self.use(c)
                continue
            part = parts[i]
            value = clean_block(c.text) if not self.flat else clean(c.text)
            self.use(c)
            if not value:
                continue
            attr = f"goals.{part}"
            old = getattr(self.ev.goals, part)
            setattr(self.ev.goals, part, value if old is None else f"{old}\n{value}")
            self.ev.locators.setdefault(attr, c.place)
            self.ev.locators[attr] = c.place if old is None else self.ev.locators[attr]

    # ------------------------------------------------------------ funds
    def funds_header(self, row: Row, keys: list[str], cols: dict[int, str]) -> None:
        self.phase = "funds"
        self.funds = Spans.of(cols)
        first = min(cols)
        # The row labels' column: the header's own label cell ("项目资金(元)"), else the column before the first.
        self.funds_label_col = next((i for i in range(first - 1, -1, -1) if keys[i]), first - 1)
        for i in cols:
            self.use(row.cells[i])
        self.money_unit(row, keys, anywhere=True)
        self.sections(row.cells, keys)

    def funds_row(self, row: Row, index: int, kind: str) -> None:
        self.phase = "funds"
        if self._doubt:
            self.incomplete.add("funds")
        cells = row.cells
        self.use(cells[index])
        label = self.spec.row_label(kind)
        if not self.flat and _GLUED_VALUES.search(_BRACKETS.sub("", label_key(cells[index].text))):
            # The row's numbers typed into its label cell (text copied with spaces for columns): which
            # column each is cannot be told, and an empty row would pass for an unfilled one.
            self.note("values-unplaced", cells[index].place, why=f"{label}行的数值与行名在同一格，对应的列无法确定",
                      text=clean(cells[index].text)[:60])
            return
        for c in cells[:index]:
            if (k := label_key(c.text)).startswith("项目资金") or section_key(k) in self.spec.sections:
                self.use(c)
        values = cells[index + 1:]
        if self.flat:
            placed = self.flat_funds([c for c in values if c.text.strip()], kind)
        elif self.funds is None:
            self.note("funds-header-missing", row.place, order="、".join(_ZH_COLUMNS[f] for f in self.spec.default_funds_order))
            placed = dict(zip(self.spec.default_funds_order, values))
            for c in values[len(self.spec.default_funds_order):]:
                if c.text.strip():
                    self.extra_cell(c, label)
        else:
            placed = self.funds_by_columns(cells, index, label)
            if not placed and self.fmt.startswith("text-") and any(c.text.strip() for c in values):
                return  # its numbers could not be placed and are named in a note: the row is not read
        if self.keep_first(self.funds_raw, kind, placed, row, label):
            self.ev.locators[f"funds.{kind}"] = row.place
            self.place_funds(kind)
        else:
            for c in placed.values():
                self.use(c)

    def funds_by_columns(self, cells: list[Cell], index: int, label: str) -> dict[str, Cell]:
        """Each value under the funds column whose label sits above it, where the row's cells stand when every
        value is under a column of its own. Text whose spans were lost (a web page copied: a merged label is now
        one cell, a cell covered by a label merged down is gone) moves a row's cells, so then the ORDER decides:
        a row with one value per header label is placed label by label, and how far its cells sat from the
        labels is the table's offset for rows with blanks (the rows of one table share their label cells).
        Else the offset among the header's own anchors that fits best."""
        spans = self.funds
        assert spans is not None
        filled = [(j, c) for j in range(index + 1, len(cells)) if (c := cells[j]).text.strip()]
        n = len(filled)
        if _fit(spans, filled, 0) < n and n == len(spans.starts):
            if all(j - filled[0][0] == s - spans.starts[0] for (j, _), s in zip(filled, spans.starts)):
                self.row_offset = spans.starts[0] - filled[0][0]
            self.ev.parts_found["funds"] = "re-aligned"
            return {fld: c for fld, (_, c) in zip(spans.fields, filled)}
        # Last, the row's first value under the first amount: a table split over pages lays out its columns
        # afresh on the next page, its rows under no header of their own.
        offsets = dict.fromkeys((0, self.funds_label_col - index, spans.starts[0] - index - 1,
                                 spans.starts[0] - filled[0][0] if filled else 0))
        anchored = max(offsets, key=lambda off: _fit(spans, filled, off))
        if self.row_offset is not None and _fits_all(spans, filled, self.row_offset):
            # The table's offset, from a row it placed label by label, before a row's own fit: a spacer column
            # leaves a sub-row's four values (no 分值, no 得分) under four labels one column early.
            best = self.row_offset
        elif _fit(spans, filled, 0) == n:
            best = 0
        elif self.fmt.startswith("text-") and (self.fmt == "text-tsv" or not _fits_all(spans, filled, anchored)):
            # No geometry to fall back on (a grid that keeps its empty cells has the header's own anchors): only
            # an offset that puts every value under a column of its own, and the only one that does, places the
            # row; else its numbers are named and none is read.
            certain = _only_fit(spans, filled, index)
            if certain is None:
                for _, c in filled:
                    self.use(c)
                self.note("row-values-unplaced", filled[0][1].place, row=label,
                          text=" ".join(clean(c.text) for _, c in filled))
                self.incomplete.add("funds")
                return {}
            best = self.row_offset = certain
        else:
            best = anchored
        if best:
            self.ev.parts_found["funds"] = "re-aligned"
        placed: dict[str, Cell] = {}
        for j, c in filled:
            fld = spans.field_at(j + best)
            if fld is None or fld in placed:
                self.extra_cell(c, label)
            else:
                placed[fld] = c
        self.percent_to_rate(placed, filled, label)
        return placed

    def percent_to_rate(self, placed: dict[str, Cell], filled: list[tuple[int, Cell]], label: str) -> None:
        """A dump that moved a row's empty cells to its end ("7.29 | 7.29 | 7.29 | 100% | | |") leaves the
        执行率 under 分值: a percentage, the last value of its row, under a column that prints none, is the
        row's 执行率 when that column is free."""
        if "rate" in placed or not filled:
            return
        last = filled[-1][1]
        fld = next((f for f, c in placed.items() if c is last), None)
        if fld is None or fld == "rate" or not last.text.strip().endswith("%"):
            return
        del placed[fld]
        placed["rate"] = last
        self.note("value-realigned", last.place, row=label, text=clean(last.text), column=_ZH_COLUMNS[fld],
                  to=_ZH_COLUMNS["rate"])
        self.ev.parts_found["funds"] = "re-aligned"

    def place_funds(self, kind: str) -> None:
        """Parse a funds row's numbers as soon as it is read (notes follow the form's order)."""
        raw = self.funds_raw[kind]
        parsed: dict[str, Cell] = {}
        for fld, cell in raw.items():
            if fld == "reason":
                parsed[fld] = cell
                continue
            value = self.number(cell, f"funds.{kind}.{fld}", percent=fld == "rate")
            if value is not None:
                parsed[fld] = cell
                self._values[(kind, fld)] = value
        self.funds_raw[kind] = parsed

    # ------------------------------------------------------------ indicators
    def upper_indicator_header(self, row: Row, keys: list[str]) -> bool:
        """The first row of an indicator header printed in two ("绩效指标 | 年度指标值 | 实际完成值 | 分值 | 得分 |
        偏差原因…" over "一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值 | 度量单位"): its columns come after the
        second row's, whose labels subdivide the first's 年度指标值."""
        cols = header_columns(keys, self.spec.header_needles())
        if not {"actual", "weight", "score"} <= set(cols.values()) or {"level1", "name"} & set(cols.values()):
            return False
        self.upper_header = cols
        for i in cols:
            self.use(row.cells[i])
        self.sections(row.cells, keys)
        for c, k in zip(row.cells, keys):
            if k in INDICATOR_SECTION:
                self.use(c)
        return True

    def sub_header(self, row: Row, keys: list[str]) -> bool:
        """A second header row under the indicator header, before any indicator: every label in it names a
        column (指标性质 | 指标值 | 度量单位 under a merged 年度指标值), and each takes the column it stands in."""
        if self.assumed or self.ev.indicators:
            return False
        filled = [i for i, k in enumerate(keys) if k]
        cols = header_columns(keys, self.spec.header_needles())
        if not filled or len(cols) != len(filled) or set(cols.values()) <= {"level1", "level2", "name"}:
            return False
        for i, fld in cols.items():
            for old in [c for c, f in self.ind_cols.items() if f == fld and c != i]:
                del self.ind_cols[old]  # 指标值 under 年度指标值: the sub-label's column is the field's
            self.ind_cols[i] = fld
            self.use(row.cells[i])
        self.set_indicator_columns(dict(sorted(self.ind_cols.items())))
        return True

    def assume_indicator_header(self, row: Row) -> None:
        """A form's tail that opens inside its indicator table: the template's indicator columns, in their
        printed order, stand for the header the excerpt lost (a note says so)."""
        fields = list(dict.fromkeys(fld for _, fld in self.spec.indicator_columns))
        self.assumed = True
        self.set_indicator_columns(dict(enumerate(fields)))
        self.note("indicator-header-missing", row.place, order="、".join(_IND_ZH.get(f, f) for f in fields))

    def indicator_header(self, row: Row, keys: list[str]) -> None:
        self.phase = "indicators"
        self.ind_cols = header_columns(keys, self.spec.header_needles())
        if self.upper_header:
            below = set(self.ind_cols.values())
            at = max((i for i, k in enumerate(keys) if k), default=-1)
            for col, fld in sorted(self.upper_header.items()):
                if fld not in below:
                    # Where the grid kept its geometry the label stands over its own column; a dump that
                    # dropped the merged cells packed it left, so it takes the next column after the second row's.
                    at = col if col > at else at + 1
                    self.ind_cols[at] = fld
            self.upper_header = {}
        self.set_indicator_columns(self.ind_cols)
        for i, fld in self.ind_cols.items():
            if i >= len(row.cells):
                continue  # a column the header's first row named
            self.use(row.cells[i])
            if fld == "coefficient":
                self.coefficient_percent = "%" in keys[i]
        for c, k in zip(row.cells, keys):
            if k in INDICATOR_SECTION or section_key(k) in self.spec.sections:
                self.use(c)
        last = max(self.ind_cols)
        trailing = [c for c in row.cells[last + 1:] if c.text.strip()]
        if trailing and self.flat:
            self.flat_indicators(trailing)

    def set_indicator_columns(self, cols_at: dict[int, str]) -> None:
        self.phase = "indicators"
        self.ind_cols = cols_at
        self.ind = Spans.of(cols_at)
        cols = {f: i for i, f in cols_at.items()}
        numeric = tuple(cols[f] for f in ("weight", "score") if f in cols)
        weight = cols.get("weight")
        self.align = Columns(numeric if weight is not None else (), cols.get("name", 3), max(cols.values(), default=-1),
                             (weight if weight is not None else 0) - 2, cols.get("nature", -1), NATURES)

    def line_below_table(self, row: Row, keys: list[str]) -> bool:
        """A line of text, not a row of the table: one or two cells, fewer than half the indicator header's
        columns, with no number, level label or indicator placeholder (指标9：) among them. A form that ends with
        its indicators (no 总分 row) has the page's own lines under it ("分享到：微信 微博", "主办单位：…"),
        which are named as unplaced, never read as indicators."""
        if self.flat or len(self.ind_cols) < 6 or 2 * len(row.cells) >= len(self.ind_cols):
            return False
        filled = [k for k in keys if k]
        return len(filled) <= 2 and not any(
            is_number(k) or label_kind(k) is not None or _LEVEL_POINTS.fullmatch(k) or PLACEHOLDER_NAME.fullmatch(k)
            for k in filled)

    def indicator_row(self, cells: list[Cell], keys: list[str]) -> None:
        if self._doubt:
            self.incomplete.add("indicators")
        if self.flat:
            self.flat_indicators([c for c in cells if c.text.strip()])
            return
        spans, align = self.ind, self.align
        assert spans is not None and align is not None
        shift = shift_of([c.text for c in cells], keys, align, _is_level_label)
        level1, level2 = spans.start("level1"), spans.start("level2")
        if not shift and level2 is not None and not any(keys[max(align.first_numeric, 0):]):
            shift = _unfilled_shift(keys, level2)
        name_col = align.name + shift
        # Label zone: level 1 / level 2 by their words, wherever merged cells put them.
        for i in range(min(name_col, len(cells))):
            k = keys[i]
            if not k:
                continue
            c = cells[i]
            if (kind := label_kind(k)) is not None:
                self.level(c, k, "level1" if kind[0] <= 1 else "level2")
            elif i in ((-1 if level1 is None else level1) + shift, level1):
                self.level(c, k, "level1")
            elif i in ((-1 if level2 is None else level2) + shift, level2):
                self.level(c, k, "level2")
            elif section_key(k) in self.spec.sections:
                self.use(c)
        n = len(cells)
        values: dict[str, Cell] = {}
        for fld, start, end in spans.values:
            lo, hi = start + shift, end + shift
            cell = None
            for i in range(max(lo, 0), min(hi, n)):
                if cells[i].text.strip():
                    cell = cells[i]
                    break
            if cell is None and 0 <= lo < n:
                cell = cells[lo]
            if cell is not None:
                values[fld] = cell
        for fld in ("weight", "score") if self.assumed else ():
            if (word := values.get(fld)) is not None and word.text.strip() and not is_number(word.text):
                del values[fld]  # no header put a column here: a word is no misprinted 分值
                self.use(word)
                self.note("cell-unplaced", word.place, text=clean(word.text))
        if self.assumed and (unit := values.get("unit")) is not None and is_number(unit.text) \
                and not any(values[f].text.strip() for f in ("actual", "weight", "score") if f in values):
            values["actual"] = values.pop("unit")  # no 度量单位 is a bare number: a 定性 row has none, its cell dropped
        if self.assumed and (actual := values.get("actual")) is not None and is_number(actual.text) \
                and not any(values[f].text.strip() for f in ("weight", "score") if f in values):
            # No header says where this row's one number stands: a dump that dropped the empty cells leaves
            # 完成值, 分值 or 得分 alike in the first of them.
            del values["actual"]
            self.use(actual)
            self.lone.append((len(self.ev.indicators), actual))
        made = self.indicator(values, cells)
        if made and shift:
            self.note("row-shifted", self._row_place, name=made, shift=shift)
            self.ev.parts_found["indicators"] = "re-aligned"

    def level(self, cell: Cell, key: str, fld: str) -> None:
        self.use(cell)
        if not key:
            return
        kind = label_kind(key)
        if kind is not None and kind[0] == 0:
            return
        if kind is None and (m := _LEVEL_POINTS.fullmatch(key)):
            kind = (1, m.group(1), Decimal(m.group(2)))  # a department's own level ("履职效能(50分)")
        name = kind[1] if kind is not None else clean(cell.text)
        if kind is not None and kind[2] is not None and name not in self.ev.level1_weights:
            self.ev.level1_weights[name] = kind[2]
        if fld == "level1":
            self.level1, self.level2 = (name, clean(cell.text)), None
        else:
            self.level2 = (name, clean(cell.text))

    def indicator(self, values: dict[str, Cell], row_cells: list[Cell] | None = None) -> str | None:
        """Add the indicator of one row's value cells; its name (for notes), or None for a row with no value."""
        made = self.new_indicator(values, self.level1, self.level2)
        if made is None:
            return None
        ind, p = made
        ind.nature = self.text(values.get("nature"), f"{p}.nature")
        ind.unit = self.text(values.get("unit"), f"{p}.unit")
        ind.target_initial = self.text(values.get("target_initial"), f"{p}.target_initial")
        ind.target = compose(ind.nature, ind.target or ind.target_initial, ind.unit)
        coefficient = self.number(values.get("coefficient"), f"{p}.coefficient", percent=True)
        if coefficient is not None and not self.coefficient_percent and coefficient <= 1:
            coefficient *= HUNDRED
        ind.coefficient = coefficient
        core = self.text(values.get("core"), f"{p}.core")
        if core is not None:
            ind.core = CORE_ANSWERS.get(core)
            if ind.core is None:
                self.note("core-not-yes-no", values["core"].place, text=core)
        ind.target_measure = with_unit(parse_measure(ind.target or ""), ind.unit)
        ind.actual_measure = with_unit(parse_measure(ind.actual or ""), ind.unit)
        self.ev.locators[p] = self._row_place if row_cells is not None else next(
            c for c in values.values() if c.text.strip()).place
        self.ev.indicators.append(ind)
        return ind.name or ind.level2 or ""

    def by_nature(self, keys: list[str]) -> bool:
        """A row of a template with a 指标性质 column that lost its level cells (a dump that drops empty and
        merged cells): its name, then the operator (=, ≥, 定性…), then at least the target."""
        filled = [k for k in keys if k]
        return any(f == "nature" for _, f in self.spec.indicator_columns) and len(filled) >= 3 \
            and filled[1] in NATURES and not is_number(filled[0]) and label_kind(filled[0]) is None

    def flat_tail_run(self, row: Row) -> bool:
        """A flattened form's tail that opens inside its indicator table, with no header: its records read by
        the template's column order only when the whole run is records of name, 指标性质 + target and one
        number each (the number is settled at the end, by the 合计 row: :meth:`place_lone`)."""
        cells = [c for c in row.cells if c.text.strip()]
        text, starts = "", []
        for c in cells:
            starts.append(len(text))
            text += c.text.strip() + " "
        records = list(RECORD.finditer(text))
        if not records or not covers(text, records):
            return False
        self.assume_indicator_header(row)

        def cell(at: int, value: str) -> Cell:
            n = max(i for i, s0 in enumerate(starts) if s0 <= at)
            c = cells[n]
            return Cell(value, None, c.line, (c.col or 1) + at - starts[n])

        for c in cells:
            self.use(c)
        for m in records:
            name = m.group("name")
            while (cut := name.find("指标")) > 0 and (kind := label_kind(name[:cut + 2])) is not None and kind[0] >= 1:
                self.level(cell(m.start("name"), name[:cut + 2]), name[:cut + 2], "level1" if kind[0] == 1 else "level2")
                name = name[cut + 2:]
            at = m.end("name") - len(name)
            values = {"name": cell(at, name), "nature": cell(m.start("op"), m.group("op")),
                      "target": cell(m.start("target"), m.group("target"))}
            self.lone.append((len(self.ev.indicators), cell(m.start("value"), m.group("value"))))
            self.indicator(values)
        return True

    def place_lone(self) -> None:
        """The one number of each headerless row whose empty cells were dropped: 分值 when the 合计 row
        that closes the table prints one number only, 100 (a whole form's Σ分值, printed with the weights
        before any score), and the numbers add up to no more than it: the template prints every row's
        分值, so a row with one number has no 得分 and no 完成值. Else each is named, unread."""
        total = self.ev.total
        values = [(n, c, _number_or_none(c.text)) for n, c in self.lone]
        if total is not None and total.weight == HUNDRED and total.score is None \
                and all(v is not None for _, _, v in values) \
                and sum((v for _, _, v in values if v is not None), Decimal(0)) <= total.weight:
            for n, c, _ in values:
                self.ev.indicators[n].weight = self.number(c, f"indicators[{n}].weight")
            if values:
                self.note("values-by-total", values[0][1].place, count=len(values), total=clean(str(total.weight)))
            return
        for _, c, _ in values:
            self.note("values-unplaced", c.place, why="表头缺失且空白单元格被删去，无法确定是完成值、分值还是得分",
                      text=clean(c.text))

    # ------------------------------------------------------------ finish
    def finish(self) -> None:
        ev = self.ev
        self.place_lone()
        if self.assumed and ev.total is not None:
            # The 合计 closes a table whose beginning the excerpt lost: its weights add up over rows not read.
            self.incomplete.add("total")
        if self.unit is None and self._values:
            self.unit = infer_unit([v for (_, f), v in self._values.items() if f in AMOUNT_COLUMNS])
            ev.note("unit-inferred", unit=self.unit)
        ev.money_unit = self.unit
        for kind, raw in self.funds_raw.items():
            fr = FundsRow()
            for fld in raw:
                if fld == "reason":
                    fr.reason = self.text(raw[fld], f"funds.{kind}.reason", block=True)
                elif fld in AMOUNT_COLUMNS:
                    setattr(fr, fld, Money(self._values[(kind, fld)], self.unit))  # type: ignore[arg-type]
                else:
                    setattr(fr, fld, self._values[(kind, fld)])
            setattr(ev.funds, kind, fr)
        self.warn_unused()
        notes = [label for label, fld in self.spec.indicator_columns if fld == "note"]
        if notes and any(id(c) not in self.used and len(key := label_key(c.text)) <= _NOTE_LABEL_MAX
                         and any(n in key for n in notes) for row in self.segment.rows for c in row.cells):
            # The note column's label left outside the indicator header: the rows' notes may be anywhere, so
            # none is said to be missing.
            self.incomplete.add("notes")
        labels = self.spec.part_labels
        if not self.funds_raw and "funds" in labels:
            ev.note("part-missing", part="funds", label=labels["funds"])
        if not ev.indicators and "indicators" in labels:
            ev.note("part-missing", part="indicators", label=labels["indicators"])
        if "goals" in labels and not self.goals_seen and not ev.goals.expected and not ev.goals.achieved:
            ev.note("part-missing", part="goals", label=labels["goals"])
        self.settle_parts()


_TEXT_COLUMNS = frozenset({"reason"})
_IND_ZH = {"level1": "一级指标", "level2": "二级指标", "name": "三级指标", "nature": "指标性质", "target": "指标值",
           "unit": "度量单位", "actual": "完成值", "weight": "分值", "score": "得分", "note": "偏差原因",
           "coefficient": "得分系数", "core": "是否核心指标", "target_initial": "年初指标值"}


def _number_or_none(text: str) -> Decimal | None:
    try:
        return parse_number(text)
    except NotANumber:
        return None


def _opens_with_levels(keys: list[str]) -> bool:
    """A row that begins like an indicator row: a level label (数量指标, 产出指标…) among its first two cells,
    and at least two more cells after it."""
    filled = [(i, k) for i, k in enumerate(keys) if k]
    return len(filled) >= 4 and any((kind := label_kind(k)) is not None and kind[0] >= 1 for _, k in filled[:2])


def _fits_all(spans: Spans, filled: list[tuple[int, Cell]], offset: int) -> bool:
    """Whether at ``offset`` every value is under a column of its own that can hold it: a number under a number's
    column, words under a text column (原因), a dash or slash (the form's blank) under any."""
    taken: set[str] = set()
    for j, c in filled:
        fld = spans.field_at(j + offset)
        number = is_number(c.text, percent=True)
        if fld is None or fld in taken or not (c.text.strip() in BLANKS or (not number if fld in _TEXT_COLUMNS
                                                                            else number)):
            return False
        taken.add(fld)
    return True


def _only_fit(spans: Spans, filled: list[tuple[int, Cell]], index: int) -> int | None:
    """The offset at which every value sits under a column of its own, when all such offsets read the row alike."""
    fits = [off for off in range(spans.starts[0] - index - len(filled), spans.starts[-1] - index + 1)
            if _fits_all(spans, filled, off)]
    readings = {tuple(spans.field_at(j + off) for j, _ in filled) for off in fits}
    return fits[0] if len(readings) == 1 else None


def _unfilled_shift(keys: list[str], level2_col: int) -> int:
    """A row with no value to align (an unfilled "指标9：" row) sits where its last level-2 label puts it,
    when that label is a cell or two from the header's 二级指标 column."""
    at = next((i for i in range(len(keys) - 1, -1, -1) if keys[i] and (kind := label_kind(keys[i])) and kind[0] == 2),
              None)
    return at - level2_col if at is not None and 0 < abs(at - level2_col) <= 2 else 0


def _fit(spans: Spans, filled: list[tuple[int, Cell]], offset: int) -> int:
    """How well a row's values sit under the header at ``offset``: one point per value under a column of its
    own that can hold it, two off for a value under no column or a column already taken."""
    score, taken = 0, set()
    for j, c in filled:
        fld = spans.field_at(j + offset)
        if fld is None or fld in taken:
            score -= 2
            continue
        taken.add(fld)
        score += 1 if fld in _TEXT_COLUMNS or is_number(c.text, percent=True) or not c.text.strip() else -1
    return score


_ZH_COLUMNS = {"initial": "年初预算数", "full_year": "全年预算数", "executed": "全年执行数", "weight": "分值",
               "rate": "执行率", "score": "得分", "reason": "原因"}


def compose(nature: str | None, value: str | None, unit: str | None) -> str | None:
    """Target as one text: 指标性质 + 指标值 + 度量单位 ("≥" "95" "%" → "≥95%")."""
    if not value:
        return None
    op = _OPERATOR.get(nature or "", nature or "")
    text = value if op not in NATURES or op.startswith(("定性", "定量")) or value.startswith(op) else op + value
    if unit and not text.endswith(unit) and parse_measure(text).kind in ("number", "range"):
        text += unit
    return text


def read_form(spec: FormSpec, segment: Segment, file: str, fmt: str, form_index: int) -> Evaluation:
    if uses_tokens(spec, segment, fmt):  # text without geometry: only what its arithmetic settles
        return read_tokens(spec, segment, file, fmt, form_index)
    return FormReader(segment, file, fmt, form_index, spec=spec).parse()
