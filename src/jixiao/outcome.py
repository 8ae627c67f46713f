"""One truth about a checked form: its department, its unit, the total its grade comes from, its grade.

``summary``, ``report``, the store and the exports all ask here, so that they cannot disagree on the
same data (issue 11: 004's department, 通州区's average).

- 主管部门: as printed; else the department the file's own list names (one list, one department);
  never the 实施单位, which is who did the work, not who answers for the budget.
- The total a grade comes from: the printed 总分; else the recomputed one (a form without a 总分 row
  still has a score, and the missing row is a finding of its own).
- A blank or unfilled form has no total and no grade: it is counted apart, never as 0 points.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from .checks import CheckResult
from .model import Document, Evaluation

Status = Literal["scored", "unscored", "unfilled"]
UNFILLED_CODE = "form-unfilled"
NO_DEPARTMENT = "（未注明主管部门）"
NO_UNIT = "（未注明实施单位）"


@dataclass(frozen=True, slots=True)
class Outcome:
    department: str | None
    department_from: Literal["form", "list"] | None
    unit: str | None
    total: Decimal | None
    total_from: Literal["printed", "recomputed"] | None
    grade: str | None
    status: Status

    @property
    def department_shown(self) -> str:
        return self.department or NO_DEPARTMENT

    @property
    def unit_shown(self) -> str:
        return self.unit or NO_UNIT


def list_department(doc: Document | None) -> str | None:
    """The department named by the file's department lists, when they name exactly one."""
    names = {dl.department for dl in doc.lists if dl.department} if doc is not None else set()
    return names.pop() if len(names) == 1 else None


def department_of(ev: Evaluation, list_dept: str | None = None) -> tuple[str | None, Literal["form", "list"] | None]:
    """The form's 主管部门 and where it comes from: as printed, else its file's list's (``list_dept``)."""
    if ev.project.department:
        return ev.project.department, "form"
    return (list_dept, "list") if list_dept else (None, None)


def outcome(result: CheckResult, list_dept: str | None = None) -> Outcome:
    """The form's outcome; ``list_dept`` is :func:`list_department` of the file it came from."""
    ev = result.ev
    department, dept_from = department_of(ev, list_dept)
    if any(f.code == UNFILLED_CODE for f in result.findings):
        return Outcome(department, dept_from, ev.project.implementing_unit, None, None, None, "unfilled")
    printed = ev.total.score if ev.total is not None else None
    total: Decimal | None = printed if printed is not None else result.recomputed.total
    total_from: Literal["printed", "recomputed"] | None = (
        "printed" if printed is not None else "recomputed" if total is not None else None)
    grade = result.policy.grade(total) if total is not None else None
    return Outcome(department, dept_from, ev.project.implementing_unit, total, total_from, grade,
                   "scored" if total is not None else "unscored")
