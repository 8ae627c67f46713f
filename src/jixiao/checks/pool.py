"""The forms loaded with a form, for the checks that compare it with others (a project's earlier years,
a department's project forms), indexed by what those checks match on.

A check asks for its candidates by key: the cost per form does not grow with the run (a report over a
store of 150 000 forms scanned every other form three times per form). The candidates are a superset:
each check still applies its own test to them. Forms not held in memory (a store) come from a
:class:`Lookup` giving the same candidates, fetched when asked for.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable, Protocol

from ..model import Evaluation
from ..templates import get_template
from ..text import label_key, name_key, normalized


def project_keys(code: str | None, name: str | None) -> list[str]:
    """The keys one project's forms share across years: its code, its name without the year."""
    return [k for k in (code and "c:" + label_key(code), name and "n:" + name_key(name)) if k and len(k) > 2]


def department_key(department: str | None) -> str | None:
    return normalized(department) if department else None


class Lookup(Protocol):
    """Forms held elsewhere (the store), found by the same keys as :class:`Pool` finds its own."""

    def earlier(self, ev: Evaluation) -> Iterable[Evaluation]:
        """Forms sharing a project key with ``ev`` and of an earlier year."""
        ...

    def department_forms(self, department: str, year: int | None) -> Iterable[Evaluation]:
        """Project forms (not department-wide) printing ``department`` (its :func:`department_key`) for ``year``."""
        ...


class Pool:
    """Every form loaded in a run (in memory), and the ``more`` held elsewhere, in that order."""

    def __init__(self, forms: Iterable[Evaluation] = (), *more: Lookup) -> None:
        self.forms = list(forms)
        self._more = more
        self._last: tuple[Evaluation | None, list[Evaluation]] = (None, [])
        self._projects: dict[str, list[int]] = defaultdict(list)
        self._departments: dict[tuple[str, int | None], list[int]] = defaultdict(list)
        for n, ev in enumerate(self.forms):
            for key in project_keys(ev.project.code, ev.project.name):
                self._projects[key].append(n)
            if (dept := department_key(ev.project.department)) and not get_template(ev.template).department_wide:
                self._departments[(dept, ev.year)].append(n)

    def _of(self, positions: Iterable[int], ev: Evaluation | None = None) -> list[Evaluation]:
        return [self.forms[n] for n in sorted(set(positions)) if self.forms[n] is not ev]

    def earlier(self, ev: Evaluation) -> list[Evaluation]:
        """Candidates for ``ev``'s earlier years, in the run's order (kept for the next check of the
        same form: three checks ask in turn, and a store fetches them)."""
        if ev.year is None:
            return []
        if self._last[0] is ev:
            return self._last[1]
        mine = self._of((n for key in project_keys(ev.project.code, ev.project.name) for n in self._projects.get(key, ())), ev)
        found = [e for e in mine if e.year is not None and e.year < ev.year]
        found += [e for lookup in self._more for e in lookup.earlier(ev)]
        self._last = (ev, found)
        return found

    def department_forms(self, department: str, year: int | None, ev: Evaluation | None = None) -> list[Evaluation]:
        """Candidates for the project forms of ``department`` in ``year``, in the run's order."""
        key = department_key(department) or ""
        return self._of(self._departments.get((key, year), ()), ev) + [
            e for lookup in self._more for e in lookup.department_forms(key, year)]
