"""The library's front door: paths in, documents and check results out, errors contained per file.

The CLI, the store importer and the web UI all go through here, so a broken file
never takes down a batch: it comes back as a :class:`FileFailure` beside the others.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from .checks import CheckResult, Finding, run_checks, run_list_checks
from .errors import JixiaoError
from .ingest.recognize import read_path
from .model import DepartmentList, Document, Evaluation
from .scoring import ScoringPolicy, get_policy
from .templates import get_template

# Directory scans pick files by name; reading itself goes by content.
SUPPORTED_SUFFIXES = frozenset({
    ".txt", ".tsv", ".csv", ".text",
    ".xlsx", ".xlsm", ".xls", ".et", ".ods",
    ".docx", ".docm", ".doc", ".wps", ".odt",
    ".pdf", ".html", ".htm",
})


@dataclass(slots=True)
class FileFailure:
    file: str
    code: str
    message: str


@dataclass(slots=True)
class CheckedDocument:
    doc: Document
    results: list[CheckResult] = field(default_factory=list)
    list_findings: list[tuple[DepartmentList, list[Finding]]] = field(default_factory=list)


def expand(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Path]:
    """Files as given; directories walked recursively for supported files, hidden ones skipped."""
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for sub in sorted(p.rglob("*")):
                if sub.is_file() and sub.suffix.lower() in SUPPORTED_SUFFIXES and \
                        not any(part.startswith(".") for part in sub.relative_to(p).parts):
                    yield sub
        else:
            yield p


def load(paths: Iterable[str | os.PathLike[str]], template: str | None = None) -> Iterator[Document | FileFailure]:
    """Each file read (every form forced to ``template`` when given), or its failure."""
    for path in expand(paths):
        try:
            yield read_path(path, template)
        except JixiaoError as exc:
            yield FileFailure(str(path), exc.code, exc.message)
        except Exception as exc:  # noqa: BLE001 - one bad file must not end the batch
            yield FileFailure(str(path), "internal-error", f"{path}: 读取时发生内部错误（{type(exc).__name__}: {exc}）")


def policy_of(ev: Evaluation, policy: ScoringPolicy | str | None = None) -> ScoringPolicy:
    """The policy asked for, else the one of the form's template."""
    if isinstance(policy, ScoringPolicy):
        return policy
    return get_policy(policy or get_template(ev.template).policy)


def check_document(doc: Document, policy: ScoringPolicy | str | None = None,
                   batch: list[Evaluation] | None = None) -> CheckedDocument:
    """Check every form of ``doc``; ``batch`` is every form loaded with it, for checks across files."""
    out = CheckedDocument(doc)
    out.results = [run_checks(ev, policy_of(ev, policy), doc, batch=batch) for ev in doc.evaluations]
    out.list_findings = [(dl, run_list_checks(dl, doc)) for dl in doc.lists]
    return out


def check_all(items: list[Document | FileFailure], policy: ScoringPolicy | str | None = None
              ) -> Iterator[CheckedDocument | FileFailure]:
    """Check loaded documents together, so that a department's form meets its projects' forms in other files."""
    batch = [ev for item in items if isinstance(item, Document) for ev in item.evaluations]
    for item in items:
        yield item if isinstance(item, FileFailure) else check_document(item, policy, batch)
