"""Text without geometry (flattened, glued, scrambled PDF order): numbers placed only where certain.

A copied page may keep the order of a form's cells but lose every boundary between them:
empty cells vanish, neighbouring numbers run together ("2456.182456.182456.1810100%10"),
labels and values are glued ("年度资金总额194.9194.9100%"). This reader cuts the text at the
template's own labels, then reads each funds row by trying every way its tokens could fill
the row's columns (in column order, a glued run of digits split into several numbers) and
keeping only the readings the form's arithmetic allows: 执行率 is 执行数 ÷ 预算数 to its printed
precision, 得分 is 执行率 × 分值, a rate is printed only beside the two amounts it comes from. A
number goes into a field only when every reading left puts it there; every other number is
named in a note with its place. Nothing is shifted into a neighbouring column, nothing invented.

Indicator records and the header are read the same way: by the labels that open them, the
order of the template's columns, and the two bare numbers (分值, 得分) that close a record.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from itertools import combinations

from ...model import COLUMN_ZH, FundsRow, Total
from ...notes import register_note
from ...place import Place
from ...text import clean, label_key, longest_first
from ...values import BLANKS, Money, MoneyUnit, parse_measure
from ..grid import Cell
from ..vocab import FUNDS_COLUMNS, HEADER_FIELDS, INDICATOR_COLUMNS, LEVEL1, LEVEL2, MONEY_UNIT, YEAR_ROW, funds_row_kind
from .base import FormParser, Segment, infer_unit, repeated

HUNDRED = Decimal(100)
AMOUNTS = ("initial", "full_year", "executed")
TOKEN_PLACED = register_note("token-ambiguous", "{row}的数值“{text}”在连排的文字中无法确定对应哪一栏（可能是{fields}），未读取")
GLUED = register_note("token-split", "{row}连在一起的数字“{text}”按本表的算术关系拆为 {parts}")
UNPLACED = register_note("token-unplaced", "无法确定归属的内容“{text}”，未读取")
ROW_UNKNOWN = register_note("token-row-unknown", "资金表中的数值“{text}”无法确定属于哪一行，未读取")

_DIGITS = re.compile(r"\d[\d.]*%?")
_SPLIT_CAP = 5  # numbers one glued run may hold
_DECIMALS_CAP = 6


# ------------------------------------------------------------------ the row solver

@dataclass(frozen=True, slots=True)
class Tok:
    """One piece of the text: its words as printed, where it starts, and whether it is a number or a blank."""

    text: str
    place: Place

    @property
    def blank(self) -> bool:
        return self.text.strip() in BLANKS


def _decimal(text: str) -> Decimal | None:
    s = text.strip().rstrip("%").replace(",", "")
    try:
        return Decimal(s)
    except InvalidOperation:
        return None


def _places(text: str) -> int:
    s = text.strip().rstrip("%")
    return len(s.split(".", 1)[1]) if "." in s else 0


def _splits(text: str) -> Iterator[tuple[str, ...]]:
    """Every way a run of digits (and dots, one final '%') reads as consecutive well-formed numbers."""
    percent = text.endswith("%")
    body = text[:-1] if percent else text

    def go(rest: str, n: int) -> Iterator[tuple[str, ...]]:
        if not rest:
            yield ()
            return
        if n >= _SPLIT_CAP:
            return
        for end in range(1, len(rest) + 1):
            part = rest[:end]
            if _well_formed(part):
                for tail in go(rest[end:], n + 1):
                    yield (part, *tail)

    for parts in go(body, 0):
        yield (*parts[:-1], parts[-1] + "%") if percent else parts


def _well_formed(part: str) -> bool:
    """A number as forms print it: no leading zero before digits, at most one point, few decimals."""
    if part.count(".") > 1 or part.startswith(".") or part.endswith("."):
        return False
    whole = part.split(".", 1)[0]
    if len(whole) > 1 and whole.startswith("0"):
        return False
    return "." not in part or len(part.split(".", 1)[1]) <= _DECIMALS_CAP


@dataclass(frozen=True, slots=True)
class Reading:
    """One way a row's tokens fill its columns: field → (text as printed, place)."""

    values: tuple[tuple[str, str, Place], ...]
    split: bool  # a glued run was cut

    def get(self, fld: str) -> str | None:
        return next((t for f, t, _ in self.values if f == fld), None)


def _close(value: Decimal, printed: str) -> bool:
    """``value`` shown at ``printed``'s precision gives ``printed`` (half a last digit either way)."""
    target = _decimal(printed)
    if target is None:
        return False
    half = Decimal(1).scaleb(-_places(printed)) / 2
    return abs(value - target) <= half


def _arithmetic(r: Reading, complete: bool, budget_field: str) -> bool:
    """The hard rules: 执行率 = 执行数 ÷ 预算数; in a row read whole, a rate stands beside both its amounts."""
    rate = r.get("rate")
    budget = r.get("full_year") if budget_field == "full_year" else r.get("initial")
    executed = r.get("executed")
    for fld, text in ((f, t) for f, t, _ in r.values):
        if text.endswith("%") and fld != "rate":
            return False
    weight, score = _decimal(r.get("weight") or ""), _decimal(r.get("score") or "")
    if r.split and weight is not None and score is not None and score > weight:
        return False  # a cut that makes 得分 exceed 分值 is no reading of a glued run (a printed one is kept)
    if rate is None:
        return True
    if budget is None or executed is None:
        return not complete
    b, e = _decimal(budget), _decimal(executed)
    if b is None or e is None:
        return False
    if b == 0:
        return _decimal(rate) == 0
    return _close(e / b * HUNDRED, rate)


def _score_fits(r: Reading) -> bool:
    """A soft rule that settles a split: the row's 得分 = 执行率 × 分值 (rate capped at 100 %)."""
    rate, weight, score = r.get("rate"), r.get("weight"), r.get("score")
    if rate is None or weight is None or score is None:
        return False
    rv, wv = _decimal(rate), _decimal(weight)
    return rv is not None and wv is not None and _close(min(rv, HUNDRED) * wv / HUNDRED, score)


def _uniform(r: Reading) -> bool:
    """The tie-breaker for splits: a row prints its amounts with one number format."""
    decimals = {_places(t) for f, t, _ in r.values if f in AMOUNTS}
    return len(decimals) <= 1


def _at_percent(t: Tok) -> list[Tok]:
    """A glued run cut after each '%': a rate ends a number wherever it stands ("1050%5" → "1050%", "5")."""
    s = t.text.strip()
    if "%" not in s[:-1] or not _DIGITS.match(s):
        return [t]
    return [Tok(p, t.place) for p in re.findall(r"[^%]+%|[^%]+$", s)]


def readings(order: list[str], toks: list[Tok], complete: bool, allowed: frozenset[str] | None = None) -> list[Reading]:
    """Every arithmetic-consistent way ``toks`` fill ``order`` (columns in printed order), blanks holding a
    column; ``allowed`` the columns this row may hold a number in (a sub-row has no 分值 or 得分)."""
    budget_field = "full_year" if "full_year" in order else "initial"
    toks = [part for t in toks for part in _at_percent(t)]
    pieces: list[list[tuple[tuple[str, ...], bool]]] = []
    for t in toks:
        s = t.text.strip().replace(",", "")
        if t.blank:
            pieces.append([(("",), False)])
        elif _DIGITS.fullmatch(s) and len(s) > 3:
            options = [(p, len(p) > 1) for p in _splits(s)]
            pieces.append(options or [((s,), False)])
        else:
            pieces.append([((s,), False)])
    out: list[Reading] = []

    def expand(i: int, acc: list[tuple[str, Place]], split: bool) -> None:
        if i == len(toks):
            for cols in combinations(range(len(order)), len(acc)):
                values = tuple((order[c], text, place) for c, (text, place) in zip(cols, acc) if text)
                r = Reading(values, split)
                if (allowed is None or all(f in allowed for f, _, _ in values)) and _arithmetic(r, complete, budget_field):
                    out.append(r)
            return
        for parts, cut in pieces[i]:
            if len(acc) + len(parts) <= len(order):
                expand(i + 1, acc + [(p, toks[i].place) for p in parts], split or cut)

    expand(0, [], False)
    return out


def _pinned_tail(order: list[str], nums: list[Tok]) -> tuple[Reading, str] | None:
    """A glued run whose head no reading explains (amounts lost to OCR: "32.06.579.27107.93"), when the
    columns end in 执行率, 分值, 得分 and exactly one cut of its end gives 执行率 × 分值 = 得分: that
    reading ("79.27", "10", "7.93") and the head left unread."""
    if order[-3:] != ["rate", "weight", "score"] or not nums or not _DIGITS.fullmatch(text := nums[-1].text.strip()):
        return None
    place = nums[-1].place
    found: dict[tuple[str, ...], str] = {}
    for start in range(len(text) - 2):
        for parts in _splits(text[start:]):
            r = Reading(tuple(zip(("rate", "weight", "score"), parts, (place,) * 3)), True)
            weight = _decimal(parts[1]) if len(parts) == 3 else None
            if weight is not None and 0 < weight <= HUNDRED and _score_fits(r):
                found.setdefault(parts, " ".join(n.text for n in nums[:-1]) + " " + text[:start])
    if len(found) != 1:
        return None
    [(parts, head)] = found.items()
    return Reading(tuple(zip(("rate", "weight", "score"), parts, (place,) * 3)), True), head.strip()


def settle(found: list[Reading]) -> tuple[dict[str, tuple[str, Place]], bool]:
    """What every reading left agrees on (field → value), after the soft rules where they decide; and
    whether the agreed reading cut a glued run."""
    for rule in (_score_fits, _uniform):
        kept = [r for r in found if rule(r)]
        if kept:
            found = kept
    most = max((len(r.values) for r in found), default=0)
    found = [r for r in found if len(r.values) == most]  # the reading that leaves fewest cells empty
    if not found:
        return {}, False
    first = found[0]
    agreed = {f: (t, p) for f, t, p in first.values
              if all(r.get(f) == t for r in found[1:])}
    return agreed, all(r.split for r in found)


# ------------------------------------------------------------------ the template's labels

# The self-assessed total printed in a form's header, whatever the template calls the rest.
_SELF_SCORE = {"自评得分": "total.score", "自评总分": "total.score", "自评总分(分)": "total.score",
               "负责人及电话": "project.manager"}


@dataclass(frozen=True)
class Labels:
    """What the token reader needs of a template's spec, as label keys."""

    header: Mapping[str, str]  # label → "project.name", "year", "total.score", "code_name", "department_name"
    funds_columns: tuple[tuple[str, str], ...]
    funds_rows: Mapping[str, str]
    indicator_columns: tuple[tuple[str, str], ...]
    texts: Mapping[str, str] = field(default_factory=dict)
    totals: frozenset[str] = frozenset({"总分", "合计", "总计"})
    goals: Mapping[str, str] = field(default_factory=lambda: {"预期目标": "expected", "实际完成情况": "achieved"})
    sections: frozenset[str] = frozenset()

    @classmethod
    def of(cls, spec: object | None) -> Labels:
        """From a template's spec (any object with the spec's fields); the national vocabulary without one."""
        if spec is None:
            return cls(_SELF_SCORE | {k: "year" if v == "year" else f"project.{v}" for k, v in HEADER_FIELDS.items()},
                       FUNDS_COLUMNS, {"年度资金总额": "total", "资金总额": "total"}, INDICATOR_COLUMNS)
        goals = dict(getattr(spec, "goal_columns", {}) or {}) or {"预期目标": "expected", "实际完成情况": "achieved"}
        return cls(_SELF_SCORE | dict(spec.header_fields), spec.funds_columns, spec.funds_rows,  # type: ignore[attr-defined]
                   spec.indicator_columns, getattr(spec, "texts", {}),  # type: ignore[attr-defined]
                   getattr(spec, "total_labels", frozenset({"总分", "合计", "总计"})), goals,
                   frozenset(getattr(spec, "sections", frozenset())))

    def row_kind(self, key: str) -> str | None:
        key = key.removeprefix("其中").lstrip(":")
        return self.funds_rows.get(key) or funds_row_kind(key) or funds_row_kind("其中:" + key)

    def words(self) -> list[str]:
        """Every label a token may begin with, longest first (so 自评得分 wins over 得分)."""
        out = set(self.header) | set(self.funds_rows) | set(self.texts) | set(self.totals) | set(self.goals)
        out |= set(self.sections)
        out |= {"年度资金总额", "其中:当年财政拨款", "其中:本年财政拨款", "当年财政拨款", "本年财政拨款", "上年结转资金",
                "其他资金", "年度总体目标", "绩效指标", "一级指标", "二级指标", "三级指标", "项目资金(万元)", "项目资金(元)"}
        out |= {n for n, _ in self.funds_columns} | {n for n, _ in self.indicator_columns}
        return longest_first(out)


# ------------------------------------------------------------------ cutting the text at labels

_LEVEL_WORDS = ("产出指标", "效益指标", "满意度指标", "数量指标", "质量指标", "时效指标", "成本指标", "经济效益指标",
                "社会效益指标", "生态效益指标", "可持续影响指标", "服务对象满意度指标", "经济成本指标", "社会成本指标",
                "生态环境成本指标")
# "…中心年度预算申请(万元)": the next part's label glued to a header value.
_GLUED_SECTION = re.compile(r"(?:年度)?(?:预算申请|项目资金|预算资金|资金投入情况|资金情况)\((万元|元)\)$")
_TITLE_YEAR = re.compile(r"(20\d\d)年度?")  # a form's title that opens with its year
_RECORD_START = re.compile(r"^指标\d+[:：]")
_POINTS = re.compile(r"^\((\d+(?:\.\d+)?)分\)")
# What a printed label may carry after its words: 数, a column letter or formula, points, a unit, 及代码, a colon.
_LABEL_TAIL = r"(?:\s*数)?(?:\s*\((?:[A-Za-z/×%*\d.]{1,9}|\d+分|万元|元|盖章)\))?(?:及代码)?(?:\s*[:：])?"


@dataclass(slots=True)
class Piece:
    """A label found in the text (``label`` set) or the text between two labels."""

    text: str
    place: Place
    label: str | None = None


def _normalized(cells: list[Cell]) -> tuple[str, list[Place]]:
    """The cells' text in reading order, NFKC per character (full-width brackets → ASCII), each with its place;
    cells on different lines are separated by a line break (a cell's wrapped second line is told by it)."""
    chars: list[str] = []
    places: list[Place] = []
    for n, c in enumerate(cells):
        line, col = c.line, c.col or 1
        for k, ch in enumerate(c.text):
            for out in unicodedata.normalize("NFKC", ch):
                chars.append(out)
                places.append(Place(line=line, col=col + k) if line is not None else c.place)
        chars.append("\n" if n + 1 < len(cells) and line is not None and cells[n + 1].line != line else " ")
        places.append(c.place)
    return "".join(chars), places


def cut(cells: list[Cell], words: list[str]) -> list[Piece]:
    """The text as labels and the stretches between them; a label may be broken by spaces ("年初预算 数")."""
    text, places = _normalized(cells)
    spaced = "|".join(r"\s*".join(map(re.escape, w)) for w in words)
    pattern = re.compile("(?:" + spaced + ")" + _LABEL_TAIL)
    out: list[Piece] = []
    at = 0
    for m in pattern.finditer(text):
        if m.start() > at and text[at:m.start()].strip():
            out.append(Piece(text[at:m.start()].strip(), places[at + len(text[at:m.start()]) - len(text[at:m.start()].lstrip())]))
        out.append(Piece(m.group(0), places[m.start()], _bare_label(m.group(0))))
        at = m.end()
    if text[at:].strip():
        out.append(Piece(text[at:].strip(), places[at + len(text[at:]) - len(text[at:].lstrip())]))
    return out


def _bare_label(text: str) -> str:
    """The label's key without what it carries after its words, except a unit in brackets (it names the unit)."""
    key = label_key(text)
    unit = MONEY_UNIT.search(key)
    key = re.sub(r"(?:及代码)?[:：]?$", "", key)
    key = re.sub(r"\((?:[A-Za-z/×%*\d.]{1,9}|\d+分|盖章)\)$", "", key)
    return key + (unit.group(0) if unit and not key.endswith(unit.group(0)) else "")


def _pieces(text: str, place: Place) -> list[Tok]:
    """A stretch of text as its space-separated tokens, each at its place on the line."""
    out = []
    for m in re.finditer(r"\S+", text):
        below = text.count("\n", 0, m.start())  # lines below the stretch's first: their columns are not known
        col = place.col + m.start() if place.col is not None and not below else None
        line = place.line + below if place.line is not None else None
        out.append(Tok(m.group(0), place._replace(line=line, col=col)))
    return out


_RUN = re.compile(r"\d[\d.,]*%?|[—–]+|/|[^\s\d—–/]+")


def _numbers(tokens: list[Tok]) -> tuple[list[Tok], list[Tok]]:
    """(numbers and blanks, words) of a funds row: its values are the numbers before the first word (glued
    text runs on into whatever follows the row); what follows is words, named in notes."""
    nums: list[Tok] = []
    words: list[Tok] = []
    stopped = False
    for t in tokens:
        for m in _RUN.finditer(t.text):
            piece = Tok(m.group(0), t.place._replace(col=t.place.col + m.start()) if t.place.col else t.place)
            if not stopped and (piece.blank or m.group(0)[0].isdigit()):
                nums.append(piece)
            else:
                words.append(piece)
                # Punctuation alone is OCR debris of a lost digit ("．32.06.5"), not the next label's words.
                stopped = stopped or bool(re.search(r"\w", m.group(0)))
    if words:
        words = [Tok(" ".join(w.text for w in words), words[0].place)]
    return nums, words


# ------------------------------------------------------------------ the reader

@dataclass
class TokenReader(FormParser):
    labels: Labels = field(default=None)  # type: ignore[assignment]
    unit: MoneyUnit | None = None
    funds_order: list[str] = field(default_factory=list)
    rows: dict[str, dict[str, tuple[str, Place]]] = field(default_factory=dict)
    waiting: list[tuple[str, Place]] = field(default_factory=list)  # funds rows printed with no numbers after them
    orphans: list[Tok] = field(default_factory=list)  # numbers after the funds header that no row label precedes
    stray_runs: list[list[Tok]] = field(default_factory=list)  # earlier runs of such numbers
    zone: str = "header"
    ind_order: list[str] = field(default_factory=list)
    default_order: tuple[str, ...] = ()
    default_noted: bool = False

    def parse(self):  # type: ignore[override]
        cells = [c for row in self.segment.rows for c in row.cells if c.text.strip()]
        for c in cells:
            self.use(c)
        pieces = cut(cells, self.labels.words() + list(_LEVEL_WORDS))
        i = 0
        while i < len(pieces):
            p = pieces[i]
            nxt = pieces[i + 1] if i + 1 < len(pieces) and pieces[i + 1].label is None else None
            self.piece(p, nxt)
            i += 2 if nxt is not None and p.label is not None else 1
        self.finish()
        return self.ev

    # one label and the text after it
    def piece(self, p: Piece, value: Piece | None) -> None:
        lab = self.labels
        key = p.label
        if key is None:
            self.loose(p)
            return
        text = value.text if value is not None else ""
        where = value.place if value is not None else p.place
        if m := MONEY_UNIT.search(key):
            self.unit = m.group(1)  # type: ignore[assignment]
        if key in lab.header and self.zone in ("header", "funds"):
            self.header(lab.header[key], text, where)
        elif (fld := _column(key, lab.funds_columns)) and self.zone in ("header", "funds"):
            self.zone = "funds"
            if fld not in self.funds_order:
                self.funds_order.append(fld)
            self.funds_values(None, text, where)
        elif (kind := lab.row_kind(key)) is not None and self.zone in ("header", "funds"):
            self.zone = "funds"
            self.funds_values(kind, text, where, p.place)
        elif key in lab.goals or key in ("年度总体目标",):
            self.zone = "goals"
            part = lab.goals.get(key)
            if part and text:
                old = getattr(self.ev.goals, part)
                setattr(self.ev.goals, part, text if old is None else f"{old}\n{text}")
                self.ev.locators.setdefault(f"goals.{part}", where)
            elif text:
                self.unplaced(text, where)
        elif key in lab.totals:
            if self.zone != "header":  # a 总分 among the header fields (湖北: 填报日期 | 总分) ends nothing
                self.zone = "after"
            self.total(text, where)
        elif key in lab.texts:
            attr = lab.texts[key]
            if text:
                setattr(self.ev, attr, text)
                self.ev.locators.setdefault(attr, where)
        elif key in _LEVEL_WORDS:
            self.zone = "indicators"
            self.level(key, text, where)
        elif (fld := _column(key, lab.indicator_columns)) is not None:
            self.zone = "indicators"
            if fld not in self.ind_order:
                self.ind_order.append(fld)
            if text:
                self.records(_pieces(text, where))
        elif text:
            self.loose(Piece(text, where))

    def loose(self, p: Piece) -> None:
        year = YEAR_ROW.fullmatch(label_key(p.text)) or (_TITLE_YEAR.match(label_key(p.text)) if "自评表" in p.text else None)
        if year and "年" in p.text and self.ev.year is None and self.zone == "header":
            self.ev.year = int(year.group(1))
            self.ev.locators["year"] = p.place
        elif self.zone == "indicators":
            self.records(_pieces(p.text, p.place))
        elif self.zone == "funds":
            self.funds_values(None, p.text, p.place, after_header=False)
        else:
            self.unplaced(p.text, p.place)

    def unplaced(self, text: str, where: Place) -> None:
        if text.strip():
            self.note(UNPLACED, where, text=clean(text)[:60])
            if self.zone == "indicators":  # an indicator's words or numbers not read: the part is not whole
                self.incomplete.add("indicators")

    # header
    def header(self, target: str, text: str, where: Place) -> None:
        ev = self.ev
        value = clean(text)
        if not value:
            return
        if target == "year":
            if m := YEAR_ROW.fullmatch(label_key(value)):
                ev.year = int(m.group(1))
                ev.locators["year"] = where
            else:
                self.unplaced(value, where)
            return
        if target == "total.score":
            nums, words = _numbers(_pieces(value, where))
            if len(nums) == 1 and (d := _decimal(nums[0].text)) is not None:
                ev.total = ev.total or Total()
                ev.total.score = d
                ev.locators["total.score"] = nums[0].place
            else:
                words = _pieces(value, where)
            for w in words:
                self.unplaced(w.text, w.place)
            return
        if m := _GLUED_SECTION.search(value):
            self.unit = self.unit or m.group(1)  # type: ignore[assignment]
            value = value[:m.start()]
        if (once := repeated(value)) is not None:
            self.unplaced(once, where)
            value = once
        fld = {"code_name": "name", "department_name": "department"}.get(target, target.removeprefix("project."))
        if target == "department_name" and ev.project.name is None:
            ev.project.name = value  # a department-wide form is named by its department
            ev.locators["project.name"] = where
        if target == "code_name" and (m := re.match(r"^([0-9A-Za-z]{10,})\s*[-－—_]\s*(.+)$", value)):
            ev.project.code, value = m.group(1), m.group(2).strip()
            ev.locators["project.code"] = where
        if hasattr(ev.project, fld) and getattr(ev.project, fld) is None:
            setattr(ev.project, fld, value)
            ev.locators[f"project.{fld}"] = where
        elif getattr(ev.project, fld, None) != value:
            self.unplaced(value, where)  # a second value for a field already read

    # funds
    def funds_values(self, kind: str | None, text: str, where: Place, label_at: Place | None = None,
                     after_header: bool = True) -> None:
        nums, words = _numbers(_pieces(text, where))
        for w in words:
            self.unplaced(w.text, w.place)
        if kind is None:
            if after_header and nums:
                # Straight after the column labels: the rows' numbers, scrambled. Only the run after the
                # last label can be the rows' (an earlier one sits inside the header).
                if self.orphans:
                    self.stray_runs.append(self.orphans)
                self.orphans = nums
            elif nums:
                self.note(ROW_UNKNOWN, nums[0].place, text=" ".join(n.text for n in nums))
            return
        if not nums:
            self.waiting.append((kind, label_at or where))
            return
        self.funds_row(kind, nums, complete=True, where=label_at or where)

    def funds_row(self, kind: str, nums: list[Tok], complete: bool, where: Place) -> None:
        default = list(self.default_order) or ["initial", "full_year", "executed", "weight", "rate", "score"]
        order = self.funds_order or default
        allowed = None if kind == "total" else frozenset(default) - {"weight", "score"}
        found = readings(order, nums, complete, allowed)
        if not found and order != default:
            # Fewer column labels read than the row has numbers (a label garbled): the template's own order.
            found = readings(default, nums, complete, allowed)
            if found and not self.default_noted:
                self.default_noted = True
                self.note("funds-header-missing", where, order="、".join(COLUMN_ZH.get(f, f) for f in default))
        if kind != "total" and "total" in self.rows:
            total = self.rows["total"]
            same = [r for r in found if all(total.get(f, ("",))[0] == t for f, t, _ in r.values if f in AMOUNTS)]
            found = same or found
        agreed, split = settle(found)
        # Nothing the readings agree on: perhaps only the glued run's end is pinned (rate × weight = score).
        tail = None if agreed else _pinned_tail(order, nums)
        if tail is not None:
            found = [tail[0]]
            agreed, split = settle(found)
        row = self.labels_row(kind)
        if tail is not None:
            self.note(UNPLACED, where, text=tail[1])
        if kind in self.rows:
            self.note("row-repeated", where, row=row)
            return
        self.rows[kind] = agreed
        self.ev.locators[f"funds.{kind}"] = where
        placed = {(t, p) for t, p in agreed.values()}
        left = [n for n in nums if not n.blank and not any(p == n.place and t in n.text for t, p in placed)]
        if split and agreed:
            self.note(GLUED, where, row=row, text=" ".join(n.text for n in nums),
                      parts=" | ".join(t for t, _ in agreed.values()))
        if left or (not agreed and any(not n.blank for n in nums)):
            fields = "、".join(dict.fromkeys(COLUMN_ZH.get(f, f) for r in found for f, _, _ in r.values
                                             if f not in agreed)) or "任何一栏"
            self.note(TOKEN_PLACED, where, row=row, text=" ".join(n.text for n in (left or nums) if not n.blank),
                      fields=fields)

    def labels_row(self, kind: str) -> str:
        return next((k for k, v in self.labels.funds_rows.items() if v == kind), kind)

    def settle_funds(self) -> None:
        """Rows printed without numbers (scrambled order): the numbers left after the header, row by row,
        each row ending after the value that follows its '%'."""
        for kind, where in self.waiting:
            if not self.orphans:
                break
            r = next((n for n, t in enumerate(self.orphans) if t.text.endswith("%")), None)
            end = r + 2 if r is not None else len(self.orphans)
            chunk, self.orphans = self.orphans[:end], self.orphans[end:]
            self.funds_row(kind, chunk, complete=False, where=where)
        for run in self.stray_runs + [self.orphans]:
            text = " ".join(t.text for t in run if not t.blank)
            if text:
                self.note(ROW_UNKNOWN, run[0].place, text=text)

    # indicators
    def level(self, key: str, text: str, where: Place) -> None:
        level = 1 if LEVEL1.fullmatch(key) and not LEVEL2.fullmatch(key) else 2
        canonical = (LEVEL1.fullmatch(key) if level == 1 else LEVEL2.fullmatch(key)).group(1)  # type: ignore[union-attr]
        rest = text
        if level == 1:
            self.level1, self.level2 = (canonical, key), None
            if m := _POINTS.match(text):
                self.ev.level1_weights.setdefault(canonical, Decimal(m.group(1)))
                rest = text[m.end():]
        else:
            self.level2 = (canonical, key)
        if rest.strip():
            self.records(_pieces(rest, where))

    def records(self, toks: list[Tok]) -> None:
        """Records closed by two bare numbers (分值, 得分): the words before them are 名称, 指标值, 完成值."""
        words: list[Tok] = []
        i = 0
        while i < len(toks):
            t = toks[i]
            if _RECORD_START.match(t.text) and words:
                self.unplaced(" ".join(w.text for w in words), words[0].place)
                words = []
            if _bare(t) and i + 1 < len(toks) and _bare(toks[i + 1]) and words:
                j = i
                while j < len(toks) and _bare(toks[j]):
                    j += 1
                run = toks[i:j]
                actual = None
                if len(run) >= 3 and len(words) < 3:
                    actual, run = run[0], run[1:]
                self.record(words, actual, run[0], run[1])
                for extra in run[2:]:
                    self.unplaced(extra.text, extra.place)
                words = []
                i = j
                continue
            words.append(t)
            i += 1
        if words:
            self.unplaced(" ".join(w.text for w in words), words[0].place)

    def record(self, words: list[Tok], actual: Tok | None, weight: Tok, score: Tok) -> None:
        if parse_measure(words[0].text).kind in ("number", "range", "date") or not re.search(r"[\u4e00-\u9fff]", words[0].text):
            # no name before the values: the record's cells were scrambled away from it
            self.unplaced(" ".join(t.text for t in [*words, *([actual] if actual else []), weight, score]), words[0].place)
            return
        texts = list(words)
        name = texts.pop(0)
        target = texts.pop(0) if texts else None
        if actual is None and texts:
            actual = texts.pop(0)
        if texts:
            self.unplaced(" ".join(t.text for t in texts), texts[0].place)
        p = f"indicators[{len(self.ev.indicators)}]"
        cells = {"name": Cell(name.text, name.place), "weight": Cell(weight.text, weight.place),
                 "score": Cell(score.text, score.place)}
        if target is not None:
            cells["target"] = Cell(target.text, target.place)
        if actual is not None:
            cells["actual"] = Cell(actual.text, actual.place)
        made = self.new_indicator(cells, self.level1, self.level2)
        if made is None:
            return
        ind, p = made
        ind.target_measure = parse_measure(ind.target or "")
        ind.actual_measure = parse_measure(ind.actual or "")
        self.ev.locators[p] = name.place
        self.ev.indicators.append(ind)

    # total
    def total(self, text: str, where: Place) -> None:
        nums, words = _numbers(_pieces(text, where)[:3])
        values = [n for n in nums if not n.blank and _decimal(n.text) is not None][:2]
        if len(values) == 2:
            self.ev.total = Total(_decimal(values[0].text), _decimal(values[1].text))
            self.ev.locators["total.weight"], self.ev.locators["total.score"] = values[0].place, values[1].place
        elif len(values) == 1:
            self.one_total(values[0])
        self.ev.locators["total"] = where
        rest = " ".join(w.text for w in words) + " " + " ".join(t.text for t in _pieces(text, where)[3:])
        if rest.strip():
            self.unplaced(rest, where)

    def one_total(self, value: Tok) -> None:
        """A lone number after 总分/合计 is the score, or the weights' sum, only when the form's numbers say which."""
        v = _decimal(value.text)
        inds = self.ev.indicators
        weights = sum((i.weight for i in inds if i.weight is not None), Decimal(0))
        scores = sum((i.score for i in inds if i.score is not None), Decimal(0))
        funds = self.rows.get("total", {})
        fw, fs = _decimal(funds.get("weight", ("0",))[0]) or 0, _decimal(funds.get("score", ("0",))[0]) or 0
        if inds and v == scores + fs and v != weights + fw:
            self.ev.total = Total(None, v)
            self.ev.locators["total.score"] = value.place
        elif inds and v == weights + fw and v != scores + fs:
            self.ev.total = Total(v, None)
            self.ev.locators["total.weight"] = value.place
        else:
            self.note(TOKEN_PLACED, value.place, row="总分", text=value.text, fields="分值合计或得分合计")

    # the end
    def finish(self) -> None:
        self.settle_funds()
        ev = self.ev
        amounts = [d for row in self.rows.values() for f, (t, _) in row.items() if f in AMOUNTS
                   if (d := _decimal(t)) is not None]
        if self.unit is None and amounts:
            self.unit = infer_unit(amounts)
            self.note("unit-inferred", None, unit=self.unit)
        ev.money_unit = self.unit
        for kind, row in self.rows.items():
            if not row:
                continue
            fr = FundsRow()
            for fld, (text, place) in row.items():
                d = _decimal(text)
                if d is None:
                    continue
                ev.locators[f"funds.{kind}.{fld}"] = place
                setattr(fr, fld, Money(d, self.unit) if fld in AMOUNTS else d)  # type: ignore[arg-type]
            setattr(ev.funds, kind, fr)
        self.settle_parts()
        ev.parts_found.update({p: "token-placed" for p, how in ev.parts_found.items()
                               if how not in ("missing", "incomplete")})
        labels = {"funds": "资金使用情况（年度资金总额）", "indicators": "绩效指标"}
        for part, label in labels.items():
            if ev.parts_found[part] == "missing":
                self.note("part-missing", None, label=label)


def _column(key: str, needles: tuple[tuple[str, str], ...]) -> str | None:
    return next((fld for needle, fld in needles if needle in key), None)


def _bare(t: Tok) -> bool:
    """A number with nothing around it: what 分值 and 得分 print."""
    return bool(re.fullmatch(r"\d+(?:\.\d+)?", t.text.strip()))


def uses_tokens(spec: object, segment: Segment, fmt: str) -> bool:
    """Whether a form is read from its tokens: flattened text of a template whose records no typed column
    (指标性质) cuts apart, or glued text whatever the template."""
    if fmt != "text-flat":
        return False
    typed = any(fld == "nature" for _, fld in getattr(spec, "indicator_columns", ()))
    if not typed:
        return True
    # Glued: one cell holding a label run straight into its value and on into the next label
    # ("项目名称初中公用经费主管部门银川市教育局…", "年度资金总额194.9194.9100%其中:…").
    labels = Labels.of(spec)
    words = longest_first([*labels.header, *labels.funds_rows, *(n for n, _ in labels.funds_columns)])
    pattern = re.compile("|".join(map(re.escape, words)))
    return any(len(set(pattern.findall(label_key(c.text)))) >= 3 and not label_key(c.text).startswith(("其中",))
               for row in segment.rows for c in row.cells if len(c.text) > 12)


def read_tokens(spec: object | None, segment: Segment, file: str, fmt: str, form_index: int):  # noqa: ANN201
    """Read one form from text without geometry by the labels of ``spec``."""
    return TokenReader(segment, file, fmt, form_index, labels=Labels.of(spec),
                       default_order=tuple(getattr(spec, "default_funds_order", ()) or ())).parse()
