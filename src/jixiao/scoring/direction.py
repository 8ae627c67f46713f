"""Which way an indicator's target points: more is better (a floor), less is better (a ceiling), or
the form does not say for sure.

The "≤" sign alone does not decide it. A 成本 target "≤40万" is a ceiling and a 时效 target "≤2个工作日"
a deadline, but a 数量 target "≤800本" is usually the planned quantity the budget was made for
(units score it 实际÷计划×分值), sometimes a real limit. Such a reading is *ambiguous*, and checks
built on it say so instead of calling the form wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..model import Indicator

Direction = Literal["floor", "ceiling", "ambiguous"]
Certainty = Literal["certain", "likely", "ambiguous"]
CERTAINTY_ZH: dict[str, str] = {"certain": "确定", "likely": "推断", "ambiguous": "不明确"}

# Words that make a counted target a limit whatever its 二级指标 says ("会议费用", "投诉次数").
_LIMIT_WORDS = ("成本", "费用", "经费", "单价", "价格", "造价", "投诉", "事故", "差错", "失误", "超支")


@dataclass(frozen=True, slots=True)
class Sense:
    """The direction of one target, how sure the reading is, and why (Chinese, for messages)."""

    direction: Direction
    certainty: Certainty
    why: str


def sense(ind: Indicator, op: str | None) -> Sense:
    """The direction of ``ind``'s target whose comparison sign is ``op`` (None when printed bare)."""
    level2 = ind.level2 or ""
    name = ind.name or ""
    limit_word = next((w for w in _LIMIT_WORDS if w in name), None)
    if op in (">=", ">"):
        return Sense("floor", "certain", "目标写作下限，实际值达到即满分")
    if op == "=":
        return Sense("floor", "likely", "目标写作“=”，按达到目标计")
    if op in ("<=", "<"):
        if "成本" in level2:
            return Sense("ceiling", "certain", "成本指标的“≤”是上限")
        if "时效" in level2:
            return Sense("ceiling", "certain", "时效指标的“≤”是完成期限")
        if "数量" in level2:
            if limit_word:
                return Sense("ceiling", "likely", f"数量指标，名称含“{limit_word}”，按上限")
            return Sense("ambiguous", "ambiguous", "数量指标的“≤N”通常是计划数，也可能是上限")
        return Sense("ceiling", "likely", "目标写作“≤”，按上限")
    if "成本" in level2:
        return Sense("ceiling", "likely", "成本指标未写“≤”，按上限")
    return Sense("floor", "certain", "目标未写符号，按 实际÷目标 计")
