"""Read notes: what a reader could not place, had to assume, or did not find, as typed records.

A :class:`Note` is a code, a place and its parameters; its Chinese text comes from the
code's template in :data:`NOTES`, so downstream code can group and count read problems
by code while people read the rendered line ("第9行第5列：…"). Every code is listed
here, one grep from its message; a reader that needs a new one adds it here (or calls
:func:`register_note` from its own module).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from .place import Place

# code → Chinese message template (str.format over the note's params).
NOTES: dict[str, str] = {
    # cells and values
    "cell-unplaced": "未能归入表格任何部分的内容“{text}”",
    "extra-cell": "{row}行多出的内容“{text}”无法对应到列",
    "not-a-number": "“{text}”不是数字（{field}），已按文本保留",
    "chinese-numeral": "“{text}”是用汉字写的分数，按{value}读取",
    "values-unplaced": "{why}：“{text}”未读取",
    "values-by-total": ("表头缺失且空白单元格被删去：{count}行指标各只有一个数，"
                        "合计行只印分值合计{total}（没有得分合计），按分值读取"),
    "row-values-unplaced": "{row}行的数值“{text}”缺少空白单元格，无法确定各自对应的列，未读取",
    "row-repeated": "重复的{row}行，保留第一行",
    "value-realigned": "{row}行的“{text}”位于{column}列，该列不填百分数，按{to}读取",
    "row-shifted": "指标行“{name}”的单元格错位{shift:+d}列，已按内容对齐",
    "core-not-yes-no": "是否核心指标应为“是”或“否”，却是“{text}”",
    # the total row
    "total-not-a-number": "总分行中的“{text}”不是数字",
    "total-repeated": "多余的总分行“{text}”，本表已有总分，此行不计入本表",
    "total-extra-value": "总分行多出的数值“{text}”无法对应到列，未计入",
    # header and units
    "year-unreadable": "{label}“{text}”无法识别",
    "unit-inferred": "表中未注明金额单位，按数额大小推定为“{unit}”",
    "indicator-header-missing": "绩效指标表缺少表头（摘录从指标行开始），按“{order}”的顺序读取",
    "funds-header-missing": "资金表缺少表头，按“{order}”的顺序读取",
    # parts of the form
    "part-missing": "表格不完整：没有找到{label}",
    "part-unread": "{label}未读取：{why}",
    # the document around the forms
    "template-doubt": ("模板识别不明确：{best}（{best_score}分：{best_labels}）与{second}（{second_score}分：{second_labels}）"
                       "接近，按{best_title}读取；如有误，可用 --template {second} 指定"),
    "title-prefix": "标题前有多余的文字“{text}”",
    "outside-form": "表格之前的内容“{text}”不属于任何表",
    "title-without-form": "标题“{title}”之后没有表格内容，已忽略",
    # a reader's own lines about a sheet (placed on that sheet's forms only)
    "formulas-computed": "有{count}个公式单元格没有保存计算结果（{cells}），已按公式算出",
    "hidden-row": "该行已隐藏，其内容已照常读取",
    "hidden-sheet": "该工作表已隐藏，其内容已照常读取",
    # a reader's own line about the whole file (decoding, pages OCR'd...), carried as text
    "reader": "{text}",
}

# The reader's own lines about the file it read (its formulas, hidden rows, encoding, pages), not the form's content:
# the same form in another format has none of them.
READER_LINES = frozenset({"formulas-computed", "hidden-row", "hidden-sheet", "reader"})


def register_note(code: str, template: str) -> str:
    """Add a code from a reader's own module; a code is registered once."""
    if NOTES.get(code, template) != template:
        raise ValueError(f"note code {code!r} already has another message")
    NOTES[code] = template
    return code


@dataclass(frozen=True, slots=True)
class Note:
    """One read problem: ``code`` names it, ``place`` says where (None: the form as a whole)."""

    code: str
    place: Place | None = None
    params: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.code not in NOTES:
            raise KeyError(f"unknown note code {self.code!r}")

    def message(self) -> str:
        """The Chinese text without the place."""
        return NOTES[self.code].format(**self.params)

    def zh(self) -> str:
        """The rendered line: the place in Chinese, then the message (as ``warnings`` shows it)."""
        if self.place is None:
            return self.message()
        return f"{self.place.zh()}：{self.message()}"

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "place": self.place.to_json() if self.place is not None else None,
                "locator": self.place.describe() if self.place is not None else None,
                "params": dict(self.params), "message": self.zh()}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Note:
        """A note back from its JSON; a code this version does not know keeps its rendered text."""
        if data.get("code") not in NOTES:
            return cls("reader", None, {"text": data.get("message", "")})
        place = data.get("place")
        return cls(data["code"], Place.from_json(place) if place is not None else None, dict(data.get("params") or {}))
