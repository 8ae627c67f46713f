"""Numbers, money and indicator values as printed on the forms.

Everything numeric is a ``Decimal`` that keeps the printed precision
(``Decimal("99.8800")`` stays four places). Targets and actuals are parsed into a
:class:`Measure`: an operator, a value or a range, a unit, or the text itself when it
is qualitative ("有效提高") or a deadline ("2022年12月31日前").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Literal

from .text import clean

MoneyUnit = Literal["元", "万元"]
ONE = Decimal(1)
HUNDRED = Decimal(100)
MONEY_FACTORS: dict[str, Decimal] = {"元": Decimal(1), "万元": Decimal(10000)}


@dataclass(slots=True, frozen=True)
class Money:
    """An amount with its unit; arithmetic across units converts exactly."""

    amount: Decimal
    unit: MoneyUnit

    def to(self, unit: MoneyUnit) -> Money:
        if unit == self.unit:
            return self
        return Money(self.amount * MONEY_FACTORS[self.unit] / MONEY_FACTORS[unit], unit)

    def __str__(self) -> str:
        return f"{fmt(self.amount)}{self.unit}"


BLANKS = frozenset({"", "—", "–", "-", "－", "/", "／", "——", "--", "\\", "无", "不适用", "/ ", "_"})
_PLAIN = re.compile(r"\d{1,15}(?:\.\d{1,10})?")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_THOUSANDS = re.compile(r"(?<=\d)[,，](?=\d{3}(?:\D|$))")


# What a spreadsheet shows in a cell whose formula failed: a value of the number column it sits in, not text.
EXCEL_ERRORS = frozenset({"#VALUE!", "#REF!", "#DIV/0!", "#N/A", "#NAME?", "#NUM!", "#NULL!"})


def fmt(d: Decimal | None) -> str | None:
    """Decimal → plain string, never exponent notation."""
    if d is None:
        return None
    return format(d, "f")


def places(d: Decimal) -> int:
    """Decimal places as printed: Decimal("9.60") → 2."""
    exp = d.as_tuple().exponent
    return max(0, -exp) if isinstance(exp, int) else 0


# Every check asks for the same few precisions: built once, not per comparison.
_QUANTA = tuple(ONE.scaleb(-n) for n in range(32))


def quantum(n: int) -> Decimal:
    """The step of the n-th decimal place: quantum(2) → Decimal("0.01")."""
    return _QUANTA[n] if 0 <= n < 32 else ONE.scaleb(-n)


class NotANumber(ValueError):
    """The cell holds text where a number belongs."""


def _ascii(text: str) -> str:
    # Full-width digits, dots and percent signs appear in pasted forms.
    return unicodedata.normalize("NFKC", text) if not text.isascii() else text


def is_number(text: str, *, percent: bool = False) -> bool:
    """Whether a cell holds a number (blank and '—' do not)."""
    try:
        return parse_number(text, percent=percent) is not None
    except NotANumber:
        return False


def parse_number(text: str, *, percent: bool = False) -> Decimal | None:
    """A numeric cell → Decimal (None when blank or '—'); raises NotANumber for words.

    Thousands separators are dropped ("1,299,270.00"); with ``percent`` a trailing
    '%' is dropped ("72.2%" → 72.2).
    """
    if not text:
        return None
    s = text.strip()
    if _PLAIN.fullmatch(s):
        return Decimal(s)
    s = clean(text)
    if s in BLANKS:
        return None
    s = _ascii(s).replace(" ", "")
    if percent and s.endswith("%"):
        s = s[:-1]
    if "," in s:
        s = _THOUSANDS.sub("", s)
    m = _NUMBER.fullmatch(s)
    if not m:
        raise NotANumber(text)
    try:
        return Decimal(s)
    except InvalidOperation:  # pragma: no cover - the regex admits only decimals
        raise NotANumber(text) from None


_DIGIT_ZH = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CHINESE = re.compile(r"([零〇一二两三四五六七八九十百]+)(?:点([零〇一二三四五六七八九]+))?分?")


def chinese_number(text: str) -> Decimal | None:
    """A score written in Chinese numerals ("三十", "二十五", "九点五", "一百", "十分") → Decimal, else None.
    Only the numerals a score takes (up to 一百 and tenths): 大写 amounts (壹拾万元) are another matter."""
    m = _CHINESE.fullmatch(clean(text).replace(" ", ""))
    if not m:
        return None
    whole, tenths = m.groups()
    value, digit, seen = 0, None, False
    for ch in whole:
        if ch in "十百":
            unit = 10 if ch == "十" else 100
            if unit == 100 and (value or digit is None):
                return None  # "十百", "一十一百": no score is written so
            value += (1 if digit is None else digit) * unit
            digit, seen = None, True
        elif digit is not None and not (digit == 0 and seen):
            return None  # two digits side by side ("三五") are no numeral
        else:
            digit = _DIGIT_ZH[ch]
    value += digit or 0
    if not seen and len(whole) > 1:
        return None
    out = Decimal(value)
    if tenths:
        out += Decimal("0." + "".join(str(_DIGIT_ZH[c]) for c in tenths))
    return out


# ---------------------------------------------------------------- measures

Kind = Literal["number", "range", "qualitative", "date", "text", "none", "empty"]

_OPS = {
    "≥": ">=", "≧": ">=", ">=": ">=", "＞=": ">=", "不低于": ">=", "不少于": ">=", "至少": ">=",
    "≤": "<=", "≦": "<=", "<=": "<=", "＜=": "<=", "不超过": "<=", "不高于": "<=", "不多于": "<=",
    "控制在": "<=", "小于等于": "<=", "大于等于": ">=",
    ">": ">", "＞": ">", "大于": ">", "高于": ">", "超过": ">",
    "<": "<", "＜": "<", "小于": "<", "低于": "<",
    "=": "=", "＝": "=", "等于": "=",
}
_OP_RE = re.compile("|".join(sorted(map(re.escape, _OPS), key=len, reverse=True)))
_SUFFIX_OPS = {"以上": ">=", "及以上": ">=", "（含）以上": ">=", "(含)以上": ">=", "以下": "<=", "及以下": "<=",
               "以内": "<=", "之内": "<=", "内": "<="}
_SUFFIX_RE = re.compile(r"(（含）以上|\(含\)以上|及以上|以上|及以下|以下|以内|之内|内)$")
_PREFIX_WORDS = re.compile(r"^(预计|约|大约|近|共|累计|合计|实际|达到|完成|人均|每|平均)")
_RANGE = re.compile(r"^(\d+(?:\.\d+)?)\s*(%|[^\d\s~～\-－—至到]{0,6}?)\s*[~～\-－—至到]\s*(\d+(?:\.\d+)?)\s*(.*)$")
_DATE = re.compile(r"\d{4}\s*年|\d{1,2}\s*月\s*(\d{1,2}\s*日|底|末|前|份)|季度|年底|年内|年末|月底|工作日内")
# Short unit words that may follow a number; anything longer is free text with a number in it.
_UNIT = re.compile(
    r"^(?:[万亿千百]?(?:元|人次|人|次|个|件|项|篇|期|本|天|日|小时|分钟|个月|月|年|份|条|场次|场|名|位|家|户|台|套|所|处|"
    r"平方米|㎡|米|公里|千米|吨|册|批|类|部|张|间|座|辆|棵|亩|公顷|工作日|个工作日|分|倍|轮|页|卷|宗|单|课时|学时|门|节|"
    r"段|支|组|班|团|届|期次|人天|间次|架次|车次|户次|场馆|块|根|盏|公斤|千克|立方米|m|km|kg|GB|TB|G|T|M|K)|万|亿|%|‰)"
    r"(?:/(?:人|次|天|日|月|年|期|件|个|户|项|场|人次|小时|平方米|本|册|份))*$"
)
_COUNTED = re.compile(r"^(?:人|名|个|次|件|项|家|户|场|本|期|篇|套|台|所|处|份|条|辆|座|间|张|册|批|类|部)"
                      r"[\u4e00-\u9fff]{1,4}$")
_APPROX = re.compile(r"^(约|大约|近|预计|多)")
VAGUE_WORDS = ("提高", "提升", "有效", "良好", "加强", "增强", "明显", "显著", "有所", "较好", "逐步", "持续",
               "进一步", "促进", "改善", "保障", "优化")


@dataclass(slots=True, frozen=True)
class Measure:
    """A parsed target or actual value."""

    text: str
    kind: Kind
    op: str | None = None
    value: Decimal | None = None
    upper: Decimal | None = None
    unit: str | None = None
    approx: bool = False

    @property
    def quantitative(self) -> bool:
        return self.kind in ("number", "range")

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {"kind": self.kind}
        if self.op:
            out["op"] = self.op
        if self.value is not None:
            out["value"] = fmt(self.value)
        if self.upper is not None:
            out["upper"] = fmt(self.upper)
        if self.unit:
            out["unit"] = self.unit
        if self.approx:
            out["approx"] = True
        return out


def _unit(raw: str) -> str | None | Literal[False]:
    """A unit word normalized, None when empty, False when not a unit."""
    u = raw.strip().replace("（", "(").replace("）", ")")
    if u.startswith("多"):
        u = u[1:]
    # "400多人人人人": a typed-over unit; the repeated character is one unit.
    if len(u) > 1 and len(set(u)) == 1:
        u = u[0]
    if not u:
        return None
    if u.startswith("(") and u.endswith(")"):
        u = u[1:-1]
    if _UNIT.match(u):
        return _UNIT_SYNONYMS.get(u, u)
    # A counting word with what it counts: "4名社工", "3个街道"; compared only with the same words.
    return u if _COUNTED.match(u) else False


# Units that count the same thing under another word.
_UNIT_SYNONYMS = {"个月": "月", "名": "人", "位": "人", "日": "天", "工作日": "个工作日", "㎡": "平方米"}


@lru_cache(maxsize=16384)
def parse_measure(text: str) -> Measure:
    """Parse a 年度指标值 or 实际完成值 cell. Never raises: unknown shapes stay text."""
    raw = clean(text)
    if not raw:
        return Measure(raw, "empty")
    if raw in BLANKS:
        return Measure(raw, "none")
    s = _ascii(raw).strip()
    s = s.replace("，", ",")
    op = None
    approx = False
    m = _PREFIX_WORDS.match(s)
    while m:
        approx = approx or bool(_APPROX.match(m.group(0)))
        s = s[m.end():].lstrip()
        m = _PREFIX_WORDS.match(s)
    m = _OP_RE.match(s)
    if m:
        op = _OPS[m.group(0)]
        s = s[m.end():].lstrip()
    if s.startswith(("人均", "每")):
        s = s[2 if s.startswith("人均") else 1:].lstrip()
    sm = _SUFFIX_RE.search(s)
    if sm and op is None:
        op = _SUFFIX_OPS[sm.group(0)]
        s = s[: sm.start()].rstrip()
    elif sm and sm.group(0) in ("以内", "之内", "内"):
        s = s[: sm.start()].rstrip()
    s = _THOUSANDS.sub("", s)
    r = _RANGE.match(s)
    if r and op is None:
        lo, unit_lo, hi, unit_hi = r.groups()
        unit = _unit(unit_hi or unit_lo)
        if unit is not False and (not unit_lo or _unit(unit_lo) in (None, unit)):
            return Measure(raw, "range", None, Decimal(lo), Decimal(hi), unit or None, approx)
    n = _NUMBER.match(s)
    if n and n.start() == 0:
        unit = _unit(s[n.end():])
        if unit is not False:
            return Measure(raw, "number", op, Decimal(n.group(0)), None, unit, approx)
    if _DATE.search(raw):
        return Measure(raw, "date", op)
    if not any(ch.isdigit() for ch in raw):
        return Measure(raw, "qualitative", op)
    return Measure(raw, "text", op)


def with_unit(m: Measure, unit: str | None) -> Measure:
    """A quantitative measure given the unit printed in its own column, unless it names one itself."""
    if m.unit or unit is None or not m.quantitative:
        return m
    return Measure(m.text, m.kind, m.op, m.value, m.upper, unit, m.approx)


# ---------------------------------------------------------------- units


@lru_cache(maxsize=1024)
def unit_base(unit: str | None) -> tuple[str | None, Decimal]:
    """Split a magnitude prefix off a unit: "万元" → ("元", 10000), "万" → ("", 10000)."""
    if unit is None:
        return None, Decimal(1)
    for prefix, factor in (("万", 10000), ("亿", 100000000), ("千", 1000)):
        if unit.startswith(prefix) and unit not in ("千米", "千克"):
            return unit[len(prefix):], Decimal(factor)
    return unit, Decimal(1)


def comparable(target: Measure, actual: Measure) -> tuple[Decimal, Decimal] | None:
    """Scale factors (target, actual) bringing both to one unit, or None when units differ.

    A side without a unit takes the other side's unit: forms often print "≥95%" and "98".
    """
    tb, tf = unit_base(target.unit)
    ab, af = unit_base(actual.unit)
    if target.unit is None or actual.unit is None:
        return (Decimal(1), Decimal(1))
    if tb == ab or (tb == "" or ab == "") and "%" not in (tb, ab):
        return (tf, af)
    return None
