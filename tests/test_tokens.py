"""The token reader's row solver: a number is placed only where every arithmetic-consistent reading puts it.

Rows are built here by hand, from forms as they print (the values are the forms' own arithmetic,
computed by hand): glued runs, rows that lost their empty cells, scrambled rows that lost a value.
"""

from __future__ import annotations

from jixiao.ingest.layouts.tokens import Tok, readings, settle
from jixiao.ingest.readers.decode import clean_web_copy
from jixiao.place import Place

NATIONAL = ["initial", "full_year", "executed", "weight", "rate", "score"]
SUB_ROW = frozenset({"initial", "full_year", "executed", "rate"})


def place(order: list[str], *texts: str, complete: bool = True, allowed: frozenset[str] | None = None) -> dict[str, str]:
    toks = [Tok(t, Place(line=1, col=n)) for n, t in enumerate(texts, start=1)]
    agreed, _ = settle(readings(order, toks, complete, allowed))
    return {f: t for f, (t, _) in agreed.items()}


def test_a_glued_row_is_split_where_rate_and_score_pin_it() -> None:
    # 154.74 / 310.2 = 49.88 % → printed 50 %; 50 % × 10 = 5: no other cut of the digits agrees.
    order = ["initial", "executed", "weight", "rate", "score"]
    assert place(order, "310.2154.741050%5") == {"initial": "310.2", "executed": "154.74", "weight": "10",
                                                 "rate": "50%", "score": "5"}


def test_a_glued_total_with_three_equal_amounts() -> None:
    assert place(NATIONAL, "2456.182456.182456.1810100%10") == {
        "initial": "2456.18", "full_year": "2456.18", "executed": "2456.18", "weight": "10", "rate": "100%", "score": "10"}


def test_three_amounts_of_a_sub_row_fill_the_amount_columns() -> None:
    # A rate is printed only beside both amounts it comes from, so 132.912 cannot be the rate.
    assert place(NATIONAL, "202.64", "132.912", "132.912", allowed=SUB_ROW) == {
        "initial": "202.64", "full_year": "132.912", "executed": "132.912"}


def test_a_scrambled_row_that_lost_a_value_places_only_what_is_certain() -> None:
    # 207.4538 is 全年预算数 or 全年执行数 (the other one was lost): neither is placed.
    got = place(NATIONAL, "0", "207.4538", "10", "100%", "10", complete=False)
    assert got == {"initial": "0", "weight": "10", "rate": "100%", "score": "10"}


def test_digits_that_no_arithmetic_pins_are_left_unplaced() -> None:
    # Two amounts glued with no rate beside them: 310.2|154.74, 310.21|54.74 … all read alike.
    got = place(["initial", "executed"], "310.2154.74")
    assert got == {} or got == {"initial": "310.21", "executed": "54.74"}  # settled only by one number format
    assert place(["initial", "full_year", "executed"], "1.52.5") in ({}, {"initial": "1.5", "full_year": "2.5"})


def test_a_wrong_printed_score_is_kept_for_the_checks() -> None:
    # 90 / 100 = 90 %, printed score 10 instead of 9: the row still reads, the check will say so.
    assert place(NATIONAL, "100", "100", "90", "10", "90%", "10")["score"] == "10"


def test_web_copy_cleaning_keeps_line_numbers() -> None:
    lines = ["# source: https://example.org/a",
             "| 主管部門 | 麗江市自然資源和規(guī)劃局 | 實(shí)施單位 | 古城區(qū)自然資源局 |", "— 1 —"]
    out, notes = clean_web_copy(lines)
    assert len(out) == 3 and out[0] == "" and out[2].strip() == ""
    assert out[1] == "| 主管部门 | 丽江市自然资源和规划局 | 实施单位 | 古城区自然资源局 |"
    assert any("繁体" in n for n in notes) and any("拼音" in n for n in notes)
