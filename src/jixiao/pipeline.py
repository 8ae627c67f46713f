"""The library's front door: paths in, documents and check results out, errors contained per file.

The CLI, the store importer and the web UI all go through here, so a broken file
never takes down a batch: it comes back as a :class:`FileFailure` beside the others.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, TypeVar

from . import isolation
from .checks import CheckResult, Finding, run_checks, run_list_checks
from .checks.pool import Pool, department_key
from .checks.years import AcrossFiles
from .errors import FileFailure, JixiaoError, UnreadableFile, os_reason
from .exitcodes import Exit
from .ingest import archive
from .ingest.readers.convert import Converted
from .ingest.readers.legacy import convert_ahead
from .ingest.recognize import read_path
from .isolation import Task
from .limits import Limits
from .model import DepartmentList, Document, Evaluation, Goals
from .scoring import ScoringPolicy, get_policy
from .scoring.choice import configured
from .shelf import Filed, Spool
from .templates import get_template

# Directory scans pick files by name; reading itself goes by content.
SUPPORTED_SUFFIXES = frozenset({
    ".txt", ".tsv", ".csv", ".text",
    ".xlsx", ".xlsm", ".xls", ".et", ".ods",
    ".docx", ".docm", ".doc", ".wps", ".odt",
    ".pdf", ".html", ".htm",
}) | archive.SUFFIXES

T = TypeVar("T")


@dataclass(slots=True)
class CheckedDocument:
    doc: Document
    results: list[CheckResult] = field(default_factory=list)
    list_findings: list[tuple[DepartmentList, list[Finding]]] = field(default_factory=list)


def _unreadable(path: Path | str, reason: str) -> FileFailure:
    return FileFailure.of(UnreadableFile(str(path), reason))


def _stat(p: Path) -> os.stat_result | FileFailure:
    """The file's status, following links; a dangling link or an unreachable path is a failure."""
    try:
        return p.stat()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return _unreadable(p, "符号链接形成循环（指向自己或彼此）")
        try:
            dangling = p.is_symlink()
        except OSError:  # the name itself is unusable (too long): lstat fails as stat did
            dangling = False
        return _unreadable(p, "符号链接指向的文件不存在" if dangling else os_reason(exc))


def _walk(folder: Path, seen: set[tuple[int, int]]) -> Iterator[Path | FileFailure]:
    """The supported files under ``folder`` in name order. What cannot be walked is a failure in its
    place, never silent: an unreadable folder, a dangling link, a link back into the walk (a loop)."""
    try:
        with os.scandir(folder) as it:
            names = sorted(entry.name for entry in it)
    except OSError as exc:
        yield _unreadable(folder, f"目录无法读取（{os_reason(exc)}），其中的文件未读取")
        return
    for name in names:
        p = folder / name
        if name.startswith("."):
            continue
        st = _stat(p)
        if isinstance(st, FileFailure):
            if p.suffix.lower() in SUPPORTED_SUFFIXES or p.is_symlink():
                yield st
        elif stat.S_ISDIR(st.st_mode):
            if (st.st_dev, st.st_ino) in seen:
                yield _unreadable(p, "符号链接指回已读取的目录（循环），未再次进入")
                continue
            seen.add((st.st_dev, st.st_ino))
            yield from _walk(p, seen)
        elif p.suffix.lower() in SUPPORTED_SUFFIXES:
            yield from _unpacked(p)


def _unpacked(p: Path) -> Iterator[Path | FileFailure]:
    """A file, or the members of a zip archive as files of the batch (``归档.zip!/表.xlsx``)."""
    if p.suffix.lower() not in archive.SUFFIXES or not archive.is_archive(p):
        yield p
        return
    try:
        yield from (Path(member) for member in archive.members(p, SUPPORTED_SUFFIXES - archive.SUFFIXES))
    except JixiaoError as exc:
        yield FileFailure.of(exc)


def expand(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Path | FileFailure]:
    """Files as given; directories walked recursively for supported files, hidden ones skipped.
    A path that cannot be reached, a folder that cannot be read or a dangling link comes out as a
    :class:`FileFailure` in its place."""
    for raw in paths:
        p = Path(raw)
        st = _stat(p)
        if isinstance(st, FileFailure):
            yield st
        elif stat.S_ISDIR(st.st_mode):
            yield from _walk(p, {(st.st_dev, st.st_ino)})
        else:
            yield from _unpacked(p)


def read_file(path: Path, template: str | None = None, converted: Converted | None = None) -> Document:
    """One file read in this process (a worker's task): raises a :class:`JixiaoError` when it cannot.
    ``converted`` is its LibreOffice conversion, when that was done ahead."""
    with converted or Converted():
        return read_path(path, template)


def _tasks(paths: Iterable[str | os.PathLike[str]], *args: object) -> Iterator[Task]:
    return _converted(((p, ()) if isinstance(p, Path) else p for p in expand(paths)), *args)


def _first(item: tuple[Path, tuple[object, ...]] | FileFailure) -> object:
    return item if isinstance(item, FileFailure) else item[0]


def _converted(items: Iterable[tuple[Path, tuple[object, ...]] | FileFailure], *args: object) -> Iterator[Task]:
    # The files LibreOffice reads (doc, wps, odt, ods) are converted here, many to a run; each one's
    # conversion goes to its worker with it, as the last argument (after each item's own arguments).
    for item, converted in convert_ahead(items, path=_first):
        if isinstance(item, FileFailure):
            yield item
        else:
            p, own = item
            yield str(p), (p, *args, *own, converted)


def load(paths: Iterable[str | os.PathLike[str]], template: str | None = None, *, workers: int = 1,
         limits: Limits | None = None) -> Iterator[Document | FileFailure]:
    """Each file read (every form forced to ``template`` when given) in a worker process under the
    limits, or its failure; in input order, ``workers`` files at a time."""
    yield from isolation.run(read_file, _tasks(paths, template), workers, limits)


def batch_exit(failures: Iterable[FileFailure], any_error: bool) -> Exit:
    """A batch's exit code: a program defect over an output not written over an unreadable file over an
    error finding."""
    codes = {f.code for f in failures}
    if "internal-error" in codes:
        return Exit.INTERNAL
    if "output-error" in codes:
        return Exit.OUTPUT
    return Exit.UNREADABLE if codes else Exit.FINDINGS if any_error else Exit.OK


def policy_of(ev: Evaluation, policy: ScoringPolicy | str | None = None) -> ScoringPolicy:
    """The policy asked for, else the config file's for the form's department and year, else its template's."""
    if isinstance(policy, ScoringPolicy):
        return policy
    return get_policy(policy or configured(ev) or get_template(ev.template).policy)


def check_document(doc: Document, policy: ScoringPolicy | str | None = None,
                   batch: Pool | list[Evaluation] | None = None, final: bool = True) -> CheckedDocument:
    """Check every form of ``doc``; ``batch`` is every form loaded with it, for checks across files;
    ``final`` False when the forms are drafts being filled, not forms submitted as final."""
    out = CheckedDocument(doc)
    pool = Pool(batch) if isinstance(batch, list) else batch
    out.results = [run_checks(ev, policy_of(ev, policy), doc, batch=pool, final=final) for ev in doc.evaluations]
    out.list_findings = [(dl, run_list_checks(dl, doc)) for dl in doc.lists]
    return out


def slim(ev: Evaluation) -> Evaluation:
    """What checks across files read of another form (template, year, project, funds), without its text."""
    return replace(ev, indicators=[], notes=[], locators={}, invalid=[], strays=[], goals=Goals(), remarks=None,
                   implementation=None, conclusion=None, problems=None, improvements=None)


def check_file(path: Path, template: str | None, policy: ScoringPolicy | str | None, final: bool = True,
               converted: Converted | None = None) -> CheckedDocument:
    """One file read and checked in this process (a worker's task), its forms checked against each other."""
    return check_document(read_file(path, template, converted), policy, final=final)


def _check_then(path: Path, template: str | None, policy: ScoringPolicy | str | None, final: bool,
                then: Callable[..., T], *rest: Any) -> T:
    *own, converted = rest
    return then(check_file(path, template, policy, final, converted), *own)


def check_each(items: Iterable[tuple[Path, tuple[object, ...]]], then: Callable[..., T],
               policy: ScoringPolicy | str | None = None, template: str | None = None, *, workers: int = 1,
               limits: Limits | None = None, final: bool = True) -> Iterator[T | FileFailure]:
    """Each ``(path, args)`` read and checked by itself in a worker, as :func:`check_paths` does, and
    then ``then(checked, *args)`` in that worker too (the store flattens a file into rows there); in
    input order, under the limits, a file that fails yielding its :class:`FileFailure`. Checks across
    files are the caller's (the store compares a project's years in its own transaction)."""
    yield from isolation.run(_check_then, _converted(items, template, policy, final, then), workers, limits)


@dataclass(slots=True)
class LateFindings:
    """Findings across years for a form already given out: an earlier year of its project was read after it."""
    file: str
    form_index: int
    project: str
    findings: list[Finding]
    form: Evaluation  # in outline (its indicators and goals, where the findings are)


def _department_wide(doc: Document) -> bool:
    return any(get_template(ev.template).department_wide for ev in doc.evaluations)


class _ProjectForms:
    """A run's project forms (in outline, :func:`slim`) filed by department and year for its
    department-wide forms (a :class:`~jixiao.checks.pool.Lookup`), in a temporary database: memory flat
    in the run."""

    def __init__(self) -> None:
        self._filed: Filed[Evaluation] = Filed()

    def add(self, ev: Evaluation) -> None:
        dept = department_key(ev.project.department)
        if dept and ev.funds.total is not None and not get_template(ev.template).department_wide:
            self._filed.add((dept, ev.year), slim(ev))

    def earlier(self, ev: Evaluation) -> list[Evaluation]:
        return []  # a project's years are compared as its files come (AcrossFiles)

    def department_forms(self, department: str, year: int | None) -> list[Evaluation]:
        return self._filed.get((department, year))


def check_paths(paths: Iterable[str | os.PathLike[str]], policy: ScoringPolicy | str | None = None,
                template: str | None = None, *, workers: int = 1, limits: Limits | None = None,
                final: bool = True) -> Iterator[CheckedDocument | FileFailure | LateFindings]:
    """Each file read and checked in a worker, in input order, with memory flat in the number of files.

    One project's years in separate files are checked against each other (:class:`AcrossFiles`, which
    keeps every form in outline): a form whose earlier year was read after it gets those findings
    as :class:`LateFindings` at the end.

    Only a department-wide form (部门整体支出) is checked against the other files' project forms: from
    the first file holding one on, the results wait for the end of the run, when every project form
    is known. The other forms are kept for that only in outline (:func:`slim`), on a shelf, and the
    results waiting for the end wait in a spool (a temporary file), not in memory."""
    projects = _ProjectForms()
    held: Spool[CheckedDocument | FileFailure] = Spool()
    years = AcrossFiles()
    for serial, item in enumerate(isolation.run(check_file, _tasks(paths, template, policy, final), workers, limits)):
        if isinstance(item, CheckedDocument):
            years.take(serial, item.results)
            for ev in item.doc.evaluations:
                projects.add(ev)
            if held or _department_wide(item.doc):
                held.append(item)
                continue
        elif held:
            held.append(item)
            continue
        yield item
    pool = Pool((), projects)
    for item in held:
        if isinstance(item, CheckedDocument) and _department_wide(item.doc):
            item.results = [run_checks(r.ev, r.policy, item.doc, batch=pool, final=final)
                            if get_template(r.ev.template).department_wide else r for r in item.results]
        yield item
    for ev, findings in years.late():
        yield LateFindings(ev.source.file, ev.source.form_index, ev.label(), findings, ev)
