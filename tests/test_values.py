"""Numbers, money, targets and the rounding tolerance."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jixiao.scoring.rounding import explains, places, round_half_up, truncate
from jixiao.values import Money, NotANumber, comparable, parse_measure, parse_number


@pytest.mark.parametrize("text,value", [
    ("1299270.00", "1299270.00"), ("1,299,270.00", "1299270.00"), ("１２３．５", "123.5"), (" 6.25 ", "6.25"),
    ("[bookmark: _GoBack]4", "4"), ("86.21\n ", "86.21"), ("0", "0"),
])
def test_amounts(text: str, value: str) -> None:
    got = parse_number(text)
    assert got == Decimal(value) and str(got) == value


@pytest.mark.parametrize("text", ["", "—", "-", "/", "无"])
def test_blanks_are_none(text: str) -> None:
    assert parse_number(text) is None


@pytest.mark.parametrize("text", ["abc", "九十五", "12元5"])
def test_words_are_not_numbers(text: str) -> None:
    with pytest.raises(NotANumber):
        parse_number(text)


@pytest.mark.parametrize("text,value,printed_places", [("99.94", "99.94", 2), ("72.2%", "72.2", 1), ("100%", "100", 0),
                                                       ("99.8800", "99.8800", 4)])
def test_percentages_keep_printed_precision(text: str, value: str, printed_places: int) -> None:
    got = parse_number(text, percent=True)
    assert str(got) == value and places(got) == printed_places


@pytest.mark.parametrize("text,kind,op,value,upper,unit", [
    ("≥95%", "number", ">=", "95", None, "%"), ("≧95%", "number", ">=", "95", None, "%"),
    ("≦120人", "number", "<=", "120", None, "人"), ("<=43万", "number", "<=", "43", None, "万"),
    ("＜5次", "number", "<", "5", None, "次"), ("＞3个", "number", ">", "3", None, "个"),
    ("=50元", "number", "=", "50", None, "元"), ("≤400,000元", "number", "<=", "400000", None, "元"),
    ("预计≥1.5万件", "number", ">=", "1.5", None, "万件"), ("80%以上", "number", ">=", "80", None, "%"),
    ("不超过1830000元", "number", "<=", "1830000", None, "元"), ("0-48小时", "range", None, "0", "48", "小时"),
    ("50-200条", "range", None, "50", "200", "条"), ("550元/人/天", "number", None, "550", None, "元/人/天"),
    ("120人", "number", None, "120", None, "人"), ("7名", "number", None, "7", None, "人"),
    ("2022年12月31日前", "date", None, None, None, None), ("12月底前", "date", None, None, None, None),
    ("提高", "qualitative", None, None, None, None), ("有效提高", "qualitative", None, None, None, None),
    ("如期完成", "qualitative", None, None, None, None), ("无", "none", None, None, None, None),
    ("10次会议新闻类信息更新", "text", None, None, None, None),
])
def test_measures(text, kind, op, value, upper, unit) -> None:
    m = parse_measure(text)
    assert (m.kind, m.op, m.unit) == (kind, op, unit)
    assert m.value == (Decimal(value) if value else None)
    assert m.upper == (Decimal(upper) if upper else None)


def test_unit_comparison() -> None:
    assert comparable(parse_measure("≤10万元"), parse_measure("98000元")) == (Decimal(10000), Decimal(1))
    assert comparable(parse_measure("≤8人"), parse_measure("7名")) == (Decimal(1), Decimal(1))
    assert comparable(parse_measure("≥95%"), parse_measure("3件")) is None
    assert comparable(parse_measure("≥55万元"), parse_measure("100%")) is None


amounts = st.decimals(min_value=0, max_value=Decimal("1e12"), places=2, allow_nan=False, allow_infinity=False)


@given(amounts)
def test_thousands_separators_do_not_change_the_value(x: Decimal) -> None:
    assert parse_number(f"{x:,.2f}") == parse_number(f"{x:.2f}") == x


@given(st.text(max_size=40))
def test_parse_measure_never_raises(text: str) -> None:
    assert parse_measure(text).text is not None


@given(st.decimals(min_value=0, max_value=1000, places=6, allow_nan=False, allow_infinity=False),
       st.integers(min_value=0, max_value=4))
def test_rounding_and_truncation_are_explained(x: Decimal, n: int) -> None:
    assert explains(round_half_up(x, n), [x])
    assert explains(truncate(x, n), [x])


@given(amounts)
def test_money_converts_exactly(x: Decimal) -> None:
    m = Money(x, "万元")
    assert m.to("元").to("万元").amount == x
    assert m.to("元").amount == x * 10000
