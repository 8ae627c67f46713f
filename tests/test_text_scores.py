"""Scores written in Chinese numerals ("三十", "九点五"), as some units fill 分值/得分 cells: read as the
number they say, with a note, in every format; a word that is no numeral stays what it was."""

from __future__ import annotations

import html
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import docx
import openpyxl
import pytest

from jixiao.ingest.recognize import read_path
from jixiao.pipeline import check_document
from jixiao.values import chinese_number

from .forms import Form

D = Decimal


@pytest.mark.parametrize(("text", "value"), [
    ("十", 10), ("三十", 30), ("二十五", 25), ("九点五", D("9.5")), ("一百", 100), ("十分", 10), ("一百零五", 105),
    ("零", 0), ("两", 2)])
def test_chinese_numerals(text: str, value: Decimal) -> None:
    assert chinese_number(text) == value


@pytest.mark.parametrize("text", ["满分", "三五", "十百", "壹拾", "较好", "", "三十万元"])
def test_words_that_are_no_score(text: str) -> None:
    assert chinese_number(text) is None


def _rows(form: Form) -> list[list[str]]:
    return [line.split("\t") for line in form.text().splitlines()]


def _write(form: Form, fmt: str, folder: Path) -> Path:
    rows = _rows(form)
    path = folder / f"form.{fmt}"
    if fmt == "txt":
        path.write_text(form.text(), encoding="utf-8")
    elif fmt == "xlsx":
        wb = openpyxl.Workbook()
        for row in rows:
            wb.active.append(row)
        wb.save(path)
    elif fmt == "docx":
        document = docx.Document()
        table = document.add_table(rows=len(rows), cols=max(map(len, rows)))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                table.cell(r, c).text = text
        document.save(path)
    else:
        body = "".join("<tr>" + "".join(f"<td>{html.escape(t)}</td>" for t in row) + "</tr>" for row in rows)
        path.write_text(f"<html><body><table>{body}</table></body></html>", encoding="utf-8")
    return path


# 培训人数: 分值 二十, 得分 十八 (a shortfall explained); 学员履职能力 三十 / 三十; 总分 九十七点五 = 9.5 + 88.
FORM = replace(Form(total_score="九十七点五").with_indicator(0, weight="二十", score="十八", note="部分学员缺席")
               .with_indicator(4, weight="三十", score="三十"))


@pytest.mark.parametrize("fmt", ["txt", "xlsx", "docx", "html"])
def test_scores_in_chinese_numerals_are_read_in_every_format(tmp_path: Path, fmt: str) -> None:
    [r] = check_document(read_path(_write(FORM, fmt, tmp_path))).results
    ev = r.ev
    assert [(i.weight, i.score) for i in ev.indicators] == [(20, 18), (10, 10), (10, 10), (10, 10), (30, 30), (10, 10)]
    assert ev.total is not None and ev.total.score == D("97.5")
    assert sum("是用汉字写的分数" in w for w in ev.warnings) == 5
    assert not ev.invalid
    assert not r.has_errors(), [f.message for f in r.findings]


def test_a_numeral_score_over_its_weight_is_found(tmp_path: Path) -> None:
    wrong = FORM.with_indicator(4, score="三十五")  # 35 of 30
    [r] = check_document(read_path(_write(wrong, "xlsx", tmp_path))).results
    over = [f for f in r.findings if f.code == "score-over-weight"]
    assert [(f.field, f.found) for f in over] == [("indicators[4].score", "35")]


def test_a_word_in_a_score_cell_stays_a_word(tmp_path: Path) -> None:
    [r] = check_document(read_path(_write(FORM.with_indicator(1, score="满分"), "txt", tmp_path))).results
    assert r.ev.indicators[1].score is None
    assert [(inv.field, inv.text) for inv in r.ev.invalid] == [("indicators[1].score", "满分")]
