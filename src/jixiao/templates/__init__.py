"""Form templates: one module each, declaring how a form is recognized, read and scored.

A template names its title words, the labels that only it prints (with a weight),
an optional report-code pattern, the parser that maps its rows to the model, the
scoring policy its numbers follow, and which funds rows must add up to the total.
The recognizer scores every template on each form and the best match wins; adding
a template is one module here plus its fixtures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping

from ..ingest.grid import Row
from ..ingest.layouts.base import Segment
from ..model import Evaluation

ParseFn = Callable[[Segment, str, str, int], Evaluation]
# The probe reads this many rows from the top of a form: header, funds and the indicator header.
PROBE_ROWS = 40


@dataclass(frozen=True)
class FormTemplate:
    name: str
    title: str  # Chinese, for listings
    titles: tuple[str, ...]  # title words, as label keys
    labels: tuple[tuple[str, int], ...]  # labels only this template prints, with their weight
    policy: str
    parse: ParseFn
    report_code: re.Pattern[str] | None = None
    breakdowns: tuple[tuple[str, ...], ...] = ()  # funds rows that must add up to the total row
    department_wide: bool = False
    anchors: frozenset[str] = frozenset()  # labels that begin a row, for flattened text
    row_names: Mapping[str, str] = field(default_factory=dict)  # funds rows as this template prints them
    has_notes: bool = True  # whether indicators have a 偏差原因 column to fill when points are lost

    def title_score(self, title_key: str) -> int:
        """A title word counts by its length, so 部门预算项目支出绩效自评表 beats 项目支出绩效自评表."""
        return max((5 + len(w) // 2 for w in self.titles if w in title_key), default=0)

    def score(self, title_key: str, probe: str) -> int:
        points = self.title_score(title_key) if title_key else 0
        points += sum(weight for label, weight in self.labels if label in probe)
        if self.report_code is not None and self.report_code.search(probe):
            points += 6
        return points


TEMPLATES: dict[str, FormTemplate] = {}


def register_template(template: FormTemplate) -> FormTemplate:
    TEMPLATES[template.name] = template
    return template


class UnknownTemplate(KeyError):
    def __str__(self) -> str:
        return f"未知的表格模板“{self.args[0]}”，可用：{', '.join(TEMPLATES)}"


def get_template(name: str) -> FormTemplate:
    try:
        return TEMPLATES[name]
    except KeyError:
        raise UnknownTemplate(name) from None


def probe(rows: Iterable[Row]) -> str:
    """The label keys of a form's first rows, joined: what the templates' labels are looked for in."""
    out = []
    for n, row in enumerate(rows):
        if n >= PROBE_ROWS:
            break
        out.append("|".join(row.keys()))
    return "\n".join(out)


def choose(segment: Segment, title_key: str = "") -> tuple[FormTemplate, int]:
    """The best-scoring template for one form; the first registered (national) on a tie or no evidence."""
    text = probe(segment.rows)
    best, best_score = next(iter(TEMPLATES.values())), -1
    for template in TEMPLATES.values():
        s = template.score(title_key, text)
        if s > best_score:
            best, best_score = template, s
    return best, best_score


def title_words() -> list[str]:
    """Every template's title words, longest first."""
    return sorted({w for t in TEMPLATES.values() for w in t.titles}, key=len, reverse=True)


def looked_for() -> str:
    """The labels recognition looks for, for the message of a document where none is found."""
    words = title_words() + [label for t in TEMPLATES.values() for label, _ in t.labels[:3]]
    return "、".join(dict.fromkeys(words))


def anchor_keys() -> frozenset[str]:
    return frozenset().union(*(t.anchors for t in TEMPLATES.values()))


# Importing the modules registers them; national first, as the default.
from . import national, sichuan, chongqing, department  # noqa: E402,F401,I001
