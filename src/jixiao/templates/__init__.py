"""Form templates: one module each, declaring how a form is recognized, read and scored.

A template names its title words, the labels that only it prints (with a weight),
an optional report-code pattern, the parser that maps its rows to the model, the
scoring policy its numbers follow, and which funds rows must add up to the total.
The recognizer scores every template on each form and the best match wins; adding
a template is one module here plus its fixtures.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Mapping

from ..ingest.grid import Row
from ..ingest.layouts.base import Segment
from ..model import Evaluation
from ..notes import Note
from ..text import longest_first

ParseFn = Callable[[Segment, str, str, int], Evaluation]
# The probe reads this many rows from the top of a form: header, funds and the indicator header.
PROBE_ROWS = 25


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
    has_unit: bool = True  # whether the header has a 实施单位 to fill
    # Labels that count only as a whole cell, with their weight: a department-wide form's "部门" (a part of
    # every 主管部门) opening its header where a project form prints 项目名称.
    cell_labels: tuple[tuple[str, int], ...] = ()
    # Whether ``jixiao template`` writes a blank of it: False for a published shape jixiao only reads (河北,
    # 吕梁, 区域评价表), whose filers are given no form of jixiao's.
    writes: bool = True

    def score(self, title_matches: set[str], probe: str, found: set[str]) -> int:
        """Title, labels found in the form's first rows, and a matching report code."""
        return sum(points for _, points in self.matched(title_matches, probe, found))

    def matched(self, title_matches: set[str], probe: str, found: set[str]) -> list[tuple[str, int]]:
        """What scored, with its points: the title word, each label found, the report code."""
        title = max(((w, 5 + len(w) // 2) for w in self.titles if w in title_matches), key=lambda m: m[1], default=None)
        out = [title] if title else []
        out += [(label, weight) for label, weight in self.labels if label in found]
        if self.cell_labels:
            cells = f"|{probe}|"
            out += [(label, weight) for label, weight in self.cell_labels if f"|{label}|" in cells]
        if self.report_code is not None and "报表编号" in probe and self.report_code.search(probe):
            out.append(("报表编号", 6))
        return out


TEMPLATES: dict[str, FormTemplate] = {}


def register_template(template: FormTemplate) -> FormTemplate:
    TEMPLATES[template.name] = template
    _labels_pattern.cache_clear()
    _cell_labels.cache_clear()
    return template


@lru_cache(maxsize=1)
def _labels_pattern() -> re.Pattern[str]:
    """Every template's labels in one pattern: one pass over a form finds them all."""
    labels = longest_first(label for t in TEMPLATES.values() for label, _ in t.labels)
    return re.compile("|".join(map(re.escape, labels)))


class UnknownTemplate(KeyError):
    def __str__(self) -> str:
        return f"未知的表格模板“{self.args[0]}”，可用：{', '.join(TEMPLATES)}"


@lru_cache(maxsize=1)
def _cell_labels() -> frozenset[str]:
    return frozenset(label for t in TEMPLATES.values() for label, _ in t.cell_labels)


def get_template(name: str) -> FormTemplate:
    try:
        return TEMPLATES[name]
    except KeyError:
        raise UnknownTemplate(name) from None


def probe(rows: list[Row]) -> str:
    """The distinct label keys of a form's first rows, joined: what the templates' labels are looked for in.
    The rows count from the first that holds a template's label: a report's narrative above its 附件 form
    (numbered paragraphs, one per row) is no part of the form's head."""
    pattern, cells = _labels_pattern(), _cell_labels()
    start = next((n for n, row in enumerate(rows)
                  if any(pattern.search(k) or k in cells or k.startswith("报表编号") for k in row.keys() if k)), 0)
    # A sentence ("…说明项目自评总分,说明…。") quotes labels; a label never ends a sentence. In the form's
    # order, each key once (a set's order would change with PYTHONHASHSEED).
    return "|".join(dict.fromkeys(k for row in rows[start:start + PROBE_ROWS] for k in row.keys() if "。" not in k))


# Scores closer than this leave the choice in doubt: the form says so and names --template.
CLEAR_MARGIN = 3


def choose(segment: Segment, title_key: str = "") -> tuple[FormTemplate, Note | None]:
    """The best-scoring template for one form (the first registered, national, on a tie), and a
    warning when the runner-up scored nearly as well."""
    ranked = explain(segment, title_key)
    best, second = ranked[0], ranked[1]
    doubt = None
    if best.score - second.score < CLEAR_MARGIN:
        doubt = Note("template-doubt", None, {
            "best": best.template.name, "best_score": best.score, "best_labels": best.shown(),
            "second": second.template.name, "second_score": second.score, "second_labels": second.shown(),
            "best_title": best.template.title})
    return best.template, doubt


@dataclass(frozen=True, slots=True)
class Match:
    """One template's score on a form and what earned it."""

    template: FormTemplate
    score: int
    labels: tuple[tuple[str, int], ...]

    def shown(self) -> str:
        return "、".join(f"{label}+{points}" for label, points in self.labels) or "无"


def explain(segment: Segment, title_key: str = "") -> list[Match]:
    """Every template's score on one form, best first (registration order on a tie): recognition you can read."""
    text = probe(segment.rows)
    found = set(_labels_pattern().findall(text))
    titles = title_matches(title_key)
    matches = [(Match(t, sum(p for _, p in m), tuple(m)), n)
               for n, t in enumerate(TEMPLATES.values()) for m in [t.matched(titles, text, found)]]
    # On a tie the template the form's title names wins: column labels are shared, a title is not.
    return [m for m, _ in sorted(matches, key=lambda mn: (-mn[0].score, not set(mn[0].template.titles) & titles,
                                                          mn[1]))]


def title_matches(title_key: str) -> set[str]:
    """The title words in a title, the most specific only: 部门预算项目支出绩效自评表 leaves 项目支出绩效自评表 out."""
    words = [w for w in title_words() if w in title_key] if title_key else []
    return {w for w in words if not any(w != o and w in o for o in words)}


def title_words() -> list[str]:
    """Every template's title words, longest first (then in code-point order)."""
    return longest_first(w for t in TEMPLATES.values() for w in t.titles)


def looked_for() -> str:
    """The labels recognition looks for, for the message of a document where none is found."""
    words = title_words() + [label for t in TEMPLATES.values() for label, _ in t.labels[:3]]
    return "、".join(dict.fromkeys(words))


def anchor_keys() -> frozenset[str]:
    return frozenset().union(*(t.anchors for t in TEMPLATES.values()))


def _discover() -> None:
    """Import every module of this package (each template registers itself): a province is one new file.
    National first, the default on a tie; the rest by name."""
    names = sorted((m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_")),
                   key=lambda name: (name != "national", name))
    for name in names:
        importlib.import_module(f"{__name__}.{name}")


_discover()
