"""What every form layout shares: the rows of one form, and placing cells into an Evaluation.

A layout marks each cell it places as used; at the end every non-empty cell left
over becomes a warning, so nothing on the form is dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Mapping, TypeVar

from ...model import Evaluation, How, Indicator, InvalidValue, Source, StrayRow, Total
from ...text import clean, clean_block
from ...values import BLANKS, EXCEL_ERRORS, MoneyUnit, NotANumber, chinese_number, fmt, parse_number
from ..grid import Cell, Place, Row

V = TypeVar("V")


@dataclass(slots=True)
class Segment:
    """The rows of one form, with the title row that opened it (if any)."""

    rows: list[Row]
    title: str | None = None
    title_place: Place | None = None
    prefix: str | None = None


def join_cells(cells: list[Cell]) -> Cell:
    """Several flattened tokens that form one value: one cell at the first token's place."""
    if len(cells) == 1:
        return cells[0]
    return Cell(" ".join(c.text for c in cells), cells[0].place)


def infer_unit(amounts: list[Decimal]) -> MoneyUnit:
    """元 or 万元 for a form that does not say: budgets of ten thousand or more are in 元."""
    return "元" if amounts and max(amounts) >= 10000 else "万元"


@dataclass
class FormParser:
    """Helpers to place cells into ``ev`` with their locators and invalid values."""

    segment: Segment
    file: str
    fmt: str
    form_index: int
    ev: Evaluation = field(init=False)
    used: set[int] = field(default_factory=set)
    incomplete: set[str] = field(default_factory=set)  # parts some of whose numbers could not be placed
    level1: tuple[str, str] | None = None  # (canonical, as printed), carried down merged cells
    level2: tuple[str, str] | None = None

    @classmethod
    def read(cls, segment: Segment, file: str, fmt: str, form_index: int) -> Evaluation:
        """One form read by this layout: what a template whose layout is its own gives as its parse."""
        return cls(segment, file, fmt, form_index).parse()

    def parse(self) -> Evaluation:
        for row in self.segment.rows:
            self.row(row)
        self.finish()
        return self.ev

    def row(self, row: Row) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        raise NotImplementedError

    def __post_init__(self) -> None:
        first = self.segment.title_place or (self.segment.rows[0].place if self.segment.rows else Place())
        self.ev = Evaluation(source=Source(self.file, self.fmt, self.form_index, first))
        self.ev.title = self.segment.title

    def use(self, cell: Cell | None) -> None:
        if cell is not None:
            self.used.add(id(cell))

    def note(self, code: str, place: Place | None = None, **params: object) -> None:
        self.ev.note(code, place, **params)

    def number(self, cell: Cell | None, path: str, *, percent: bool = False) -> Decimal | None:
        if cell is None:
            return None
        self.used.add(id(cell))
        try:
            value = parse_number(cell.text, percent=percent)
        except NotANumber:
            shown = clean(cell.text)
            if path.endswith((".weight", ".score")) and (value := chinese_number(shown)) is not None:
                self.ev.locators[path] = cell.place
                self.note("chinese-numeral", cell.place, text=shown, value=fmt(value))
                return value
            self.ev.invalid.append(InvalidValue(path, shown, cell.place))
            self.note("not-a-number", cell.place, text=shown, field=path)
            return None
        if value is not None:
            self.ev.locators[path] = cell.place
        return value

    def text(self, cell: Cell | None, path: str, *, block: bool = False) -> str | None:
        if cell is None:
            return None
        self.used.add(id(cell))
        if not cell.text:
            return None
        value = (clean_block if block else clean)(cell.text)
        if value:
            self.ev.locators[path] = cell.place
            return value
        return None

    def extra_cell(self, cell: Cell, row_label: str) -> None:
        """A cell beyond a funds row's columns: reported, never dropped silently."""
        self.use(cell)
        self.note("extra-cell", cell.place, row=row_label, text=clean(cell.text))

    def keep_first(self, rows: dict[str, V], kind: str, value: V, row: Row, row_label: str) -> bool:
        """Store a funds row unless one of its kind came first (then report this one); True when stored."""
        if kind in rows:
            self.note("row-repeated", row.place, row=row_label)
            return False
        rows[kind] = value
        return True

    def total_row(self, row: Row, index: int) -> None:
        """The 总分/合计 row: (weight, score) or (score) after the label; a second one is kept as a stray."""
        cells = row.cells
        numbers: list[tuple[Decimal, Cell]] = []
        errors: dict[int, Cell] = {}  # a formula's error holds its column: "100 #VALUE!" is no score, not score 100
        for c in cells[index + 1:]:
            self.use(c)
            try:
                v = parse_number(c.text)
            except NotANumber:
                if (v := chinese_number(clean(c.text))) is not None:
                    self.note("chinese-numeral", c.place, text=clean(c.text), value=fmt(v))
                    numbers.append((v, c))
                elif c.text.strip() in EXCEL_ERRORS:
                    errors[len(numbers) + len(errors)] = c
                elif clean(c.text):
                    self.note("total-not-a-number", c.place, text=clean(c.text))
                continue
            if v is not None:
                numbers.append((v, c))
        self.use(cells[index])
        for c in cells[:index]:
            self.use(c)
        if self.ev.total is not None:
            shown = " ".join(clean(c.text) for c in cells if clean(c.text))
            self.ev.strays.append(StrayRow(shown, row.place, "total", tuple(v for v, _ in numbers)))
            self.note("total-repeated", row.place, text=shown)
            return
        self.ev.locators["total"] = row.place
        if errors:
            self._total_with_errors(numbers, errors)
            return
        total = Total()
        if len(numbers) == 1 and not self.ev.funds.rows() and not getattr(self, "funds_raw", None) \
                and not self.unscored():
            # No funds row above it (a form's tail): without the 执行率 row's points no sum tells whether the
            # lone number is the weights' 100 or a score of that much.
            self.note("values-unplaced", numbers[0][1].place, text=clean(numbers[0][1].text),
                      why="总分行只有一个数值，本表资金部分未读到，无法确定是分值合计还是得分")
            self.ev.locators["total"] = row.place
            self.ev.total = total
            return
        if len(numbers) == 1 and self.unscored():
            # No 得分 anywhere on the form: its lone total is the weights' sum, not a score of that much.
            total.weight = numbers[0][0]
            self.ev.locators["total.weight"] = numbers[0][1].place
        elif len(numbers) == 1:
            total.score = numbers[0][0]
            self.ev.locators["total.score"] = numbers[0][1].place
        elif numbers:
            (total.weight, wc), (total.score, sc) = numbers[0], numbers[1]
            self.ev.locators["total.weight"] = wc.place
            self.ev.locators["total.score"] = sc.place
            for _, c in numbers[2:]:
                self.note("total-extra-value", c.place, text=clean(c.text))
        self.ev.total = total

    def _total_with_errors(self, numbers: list[tuple[Decimal, Cell]], errors: dict[int, Cell]) -> None:
        """分值 then 得分 by position, an error value standing in its own column and kept for the checks."""
        slots: list[tuple[Decimal | None, Cell]] = list(numbers)
        for pos in sorted(errors):
            slots.insert(pos, (None, errors[pos]))
        fields = ("score",) if len(slots) == 1 else ("weight", "score")
        total = Total()
        for fld, (value, c) in zip(fields, slots):
            path = f"total.{fld}"
            self.ev.locators[path] = c.place
            if value is None:
                self.ev.invalid.append(InvalidValue(path, c.text.strip(), c.place))
            else:
                setattr(total, fld, value)
        self.ev.total = total

    def unscored(self) -> bool:
        """Whether the form read so far prints no score at all (indicators and funds rows alike)."""
        ev = self.ev
        pending = getattr(self, "funds_raw", {})  # funds rows a layout keeps as cells until it finishes
        return bool(ev.indicators) and all(i.score is None for i in ev.indicators) and \
            all(r.score is None for _, r in ev.funds.rows()) and \
            not any(clean(raw["score"].text) not in BLANKS for raw in pending.values() if "score" in raw)

    def new_indicator(self, values: Mapping[str, Cell | None], level1: tuple[str, str] | None,
                      level2: tuple[str, str] | None) -> tuple[Indicator, str] | None:
        """An indicator from its row's value cells and path, or None (cells used up) for a row with no value."""
        for c in values.values():
            if c is not None and c.text.strip():
                break
        else:
            for c in values.values():
                self.use(c)
            return None
        p = f"indicators[{len(self.ev.indicators)}]"
        ind = Indicator()
        if level1:
            ind.level1, ind.level1_text = level1
        if level2:
            ind.level2, ind.level2_text = level2
        ind.name = self.text(values.get("name"), f"{p}.name")
        ind.target = self.text(values.get("target"), f"{p}.target")
        ind.actual = self.text(values.get("actual"), f"{p}.actual")
        ind.weight = self.number(values.get("weight"), f"{p}.weight")
        ind.score = self.number(values.get("score"), f"{p}.score")
        ind.note = self.text(values.get("note"), f"{p}.note", block=True)
        return ind, p

    def settle_parts(self) -> None:
        """Mark each part found by its content; a layout marks what it read otherwise (re-aligned rows) first."""
        ev = self.ev
        how: How = "token-placed" if self.fmt == "text-flat" else "label-matched"
        found = {"header": any(k == "year" or k.startswith("project.") for k in ev.locators),
                 "funds": bool(ev.funds.rows()),
                 "goals": bool(ev.goals.expected or ev.goals.achieved),
                 "indicators": bool(ev.indicators),
                 # The 总分/合计 row read, with its score or only its weight (an unfilled form's 100):
                 # the row that closes the indicator table, so every indicator above it was seen.
                 "total": ev.total is not None and (ev.total.score is not None or ev.total.weight is not None)}
        for part, ok in found.items():
            # A part some of whose cells were seen and none placed (a 总分 whose numbers printed elsewhere) was
            # not read whole, which is not the same as a form without it.
            if part in self.incomplete:
                ev.parts_found[part] = "incomplete"
            elif ok and ev.parts_found[part] == "missing":
                ev.parts_found[part] = how
            elif not ok:
                ev.parts_found[part] = "missing"
        # The notes are read with their rows; a note, or the note column's label, left unplaced leaves them
        # incomplete without putting the rows' numbers in doubt.
        ev.parts_found["notes"] = "incomplete" if "notes" in self.incomplete else ev.parts_found["indicators"]

    def warn_unused(self) -> None:
        used = self.used
        left = [c for row in self.segment.rows for c in row.cells if c.text and id(c) not in used]
        for c in left:
            if c.text.strip():
                self.note("cell-unplaced", c.place, text=clean(c.text)[:60])


def repeated(value: str) -> str | None:
    """The value of "X X": in scrambled reading order a header label is followed by its own value and a
    neighbouring field's (项目实施单位 广水市交通运输局 广水市交通运输局, the other being 主管单位's)."""
    n = len(value) // 2
    half = value[:n]
    return half if len(value) % 2 == 1 and value[n] == " " and value[n + 1:] == half and half.strip() else None
