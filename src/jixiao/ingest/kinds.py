"""Documents, and parts of workbooks, that are not a 项目支出绩效自评表, told apart by what they print.

A reviewer's folder holds more than self-evaluations: 绩效目标申报表 (targets without actuals),
绩效监控表, indicator tables with weights but no actuals, scoring rubrics (评分标准 and 自评得分
per item), and the narrative 评价报告 with its cover and numbered chapters. Reading any of them
as a 自评表 invents a form: amounts under the wrong columns, "missing" actuals, false totals.
Each kind here is recognized from the document's own words, and the document (or the sheet or
part of a workbook) is then named for what it is in one line instead of being read.

Two levels, on purpose: a part is set aside only when its title or its column labels say what
it is; a whole document where no 自评表 was found may also be named from words anywhere in it
(a report's chapter headings, a 得分表 in the middle of its text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..text import clean, label_key
from .grid import Row


@dataclass(frozen=True, slots=True)
class Kind:
    name: str  # machine name: "declaration", "monitoring", "rubric", "indicator-table", "report"
    zh: str  # what it is, in the one-line statement
    why: str  # the words that show it, as printed

    def statement(self) -> str:
        return f"这是{self.zh}，不是项目支出绩效自评表（{self.why}），未按自评表读取"


# Title words, most specific first; a title that also says 自评表 is a self-evaluation whatever else it says.
_TITLES: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (re.compile(r"绩效目标申报表|项目申报表|绩效目标表"), "declaration", "绩效目标申报表（只有目标，没有实际完成情况）"),
    (re.compile(r"执行监控表|绩效监控表|运行监控表"), "monitoring", "绩效目标执行监控表"),
    (re.compile(r"评分表|计分表|得分表|评分标准表"), "rubric", "评分表（逐项的评分标准与得分）"),
    (re.compile(r"指标表|指标体系"), "indicator-table", "绩效指标表（只有目标值和分值，没有实际完成值）"),
    (re.compile(r"评价报告|自评报告|绩效报告"), "report", "绩效评价报告（叙述文字与概况表）"),
    (re.compile(r"^(?:项目)?(?:支出计划|支出明细|项目支出立项依据|项目支出实施方案|部门评审报告|财政评审报告|监管局审核意见报告"
                r"|项目基本信息)$"), "project-file", "项目申报材料（基本信息、立项依据、支出计划与明细或评审意见）"),
)
_SELF_EVALUATION = re.compile(r"自评表")
# Column labels of a rubric: how each item is scored, beside the points it got.
_RUBRIC_COLUMNS = ("评分标准", "指标解释", "评价标准", "评分依据", "评分办法")
_SCORE_COLUMNS = ("自评得分", "自评分", "得分")
_ACTUAL_COLUMNS = ("完成值", "实际值", "实际完成", "完成情况", "执行数")
_TARGET_COLUMNS = ("目标值", "指标值")
_WEIGHT_COLUMNS = ("分值", "权重")
# A report's cover (评价类型, 评价方式, 评价机构, 报告日期) and chapters ("（二）项目绩效目标完成情况").
_COVER = ("评价类型", "评价方式", "评价机构", "报告日期")
_CHAPTER = re.compile(r"[(（][一二三四五六七八九十]{1,3}[)）][^，,。]{2,24}(?:情况|分析|状况|结论)")
_TITLE_LEN = 60
_PHRASE_END = re.compile(r"[\s(（:：,，。;；]+")
_REPORT = "绩效评价报告（叙述文字与概况表）"
_LABEL_LEN = 16  # a column label; longer cells are text that may mention any word


def _title_rows(rows: list[Row], limit: int = 6) -> list[tuple[str, Row]]:
    """The first rows holding one short text: where a document or a sheet prints its title."""
    out = []
    for row in rows:
        texts = [c.text for c in row.cells if c.text.strip()]
        if len(texts) == 1 and len(label_key(texts[0])) <= _TITLE_LEN:
            out.append((label_key(texts[0]), row))
        if len(out) >= limit:
            break
    return out


def _first_named(key: str) -> tuple[str, str, str] | None:
    """(word, name, zh) of the kind whose word comes first in the text, as a title names what it is."""
    found = [(m.start(), m.group(0), name, zh) for pattern, name, zh in _TITLES if (m := pattern.search(key))]
    return min(found)[1:] if found else None


def _by_title(key: str) -> Kind | None:
    if _SELF_EVALUATION.search(key) or (named := _first_named(key)) is None:
        return None
    word, name, zh = named
    return Kind(name, zh, f"标题为“{key}”，含“{word}”")


def _by_columns(rows: list[Row]) -> Kind | None:
    """A header row naming how items are scored (评分标准…) and their points, with no actuals anywhere."""
    keys = [k for row in rows for k in row.keys() if k and len(k) <= _LABEL_LEN]
    if any(a in k for k in keys for a in _ACTUAL_COLUMNS):
        return None
    for row in rows:
        rk = [k for k in row.keys() if k and len(k) <= _LABEL_LEN]
        rubric = next((r for r in _RUBRIC_COLUMNS if any(r in k for k in rk)), None)
        score = next((s for s in _SCORE_COLUMNS if any(s in k for k in rk)), None)
        if rubric and score:
            return Kind("rubric", "评分表（逐项的评分标准与得分）", f"表头有“{rubric}”“{score}”，没有实际完成值")
        target = next((t for t in _TARGET_COLUMNS if any(t in k for k in rk)), None)
        weight = next((w for w in _WEIGHT_COLUMNS if any(w in k for k in rk)), None)
        if target and weight and not score:
            return Kind("indicator-table", "绩效指标表（只有目标值和分值，没有实际完成值）",
                        f"表头有“{target}”“{weight}”，没有完成值和得分")
    return None


def part_kind(rows: list[Row], title: str | None = None) -> Kind | None:
    """What a part of a file (a sheet, the rows before a form's title) is, when its title or columns say so."""
    if title is not None and (kind := _by_title(label_key(title))):
        return kind
    for key, _ in _title_rows(rows, limit=3):
        if kind := _by_title(key):
            return kind
    return _by_columns(rows[:40])


def document_kind(rows: list[Row]) -> Kind | None:
    """What a document where no 自评表 was found is: its parts' kinds, a report's cover, a kind's name
    ending a phrase anywhere in it (a title run into the text), or a report's chapters."""
    if kind := part_kind(rows):
        return kind
    cells = [clean(c.text) for row in rows for c in row.cells if c.text.strip()]
    key = label_key("".join(cells))
    cover = [w for w in _COVER if w in key]
    if len(cover) >= 2:
        return Kind("report", _REPORT, f"有报告封面的“{'”“'.join(cover)}”")
    for cell in cells:
        for phrase in _PHRASE_END.split(cell):
            if (named := _first_named(phrase)) and phrase.endswith(named[0]):
                word, name, zh = named
                return Kind(name, zh, f"文中有“{label_key(phrase)[-40:]}”")
    chapters = _CHAPTER.findall("\n".join(cells))
    if len(chapters) >= 2:
        return Kind("report", _REPORT, f"有报告的章节“{chapters[0]}”“{chapters[1]}”")
    return None
