"""LibreOffice in headless mode, for readers (doc, wps, odt, ods → html/xlsx) and exporters
(docx → pdf, recomputing a workbook's formulas).

LibreOffice takes a second to start and a tenth of one per file after that, so files are converted
many to a run (``soffice --convert-to`` takes a list), a few runs at once. Each run gets a private,
throw-away user profile (and HOME), so runs in parallel — tests, batch workers, a desktop
LibreOffice the user has open — never wait on one another's lock.

One bad file must fail alone. A run converts its files in order, so when it crashes, hangs (no
file finished for the ``office`` limit) or leaves a file unconverted, the files before are
kept, the first unconverted file is retried in a run of its own (where its failure is its own)
and the rest go on in a new run.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import zipfile
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from .errors import JixiaoError, UnreadableFile
from .limits import active

# Files per run: start-up costs a second and a half of CPU, a file a tenth of one. (A crash costs
# no more in a long run: the files it converted are kept, the rest go on in a new one.)
CHUNK = 200
_POLL_SECONDS = 0.05
# Recalculate every formula on load: LibreOffice's default for xlsx is to trust the cached results.
_RECALC_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">
<value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse">
<value>0</value></prop></item>
</oor:items>
"""
# Outputs that are zip packages: one cut short by a crash has no central directory and is redone.
_ZIPPED = frozenset({"docx", "xlsx", "odt", "ods"})


class ConverterMissing(UnreadableFile):
    code = "converter-missing"
    template = ("{detail}需要 LibreOffice 转换，但本机没有找到 soffice 命令"
                "（Debian/Ubuntu：apt-get install libreoffice-writer-nogui libreoffice-calc-nogui，"
                "或运行 scripts/setup-system.sh）")


class Stopped(Exception):
    """A conversion given up on by its caller (the batch was interrupted)."""


def soffice() -> str | None:
    """The LibreOffice command, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


@dataclass(slots=True)
class _Run:
    """One soffice process converting ``files`` (indexes into the batch) in order."""

    files: list[int]
    proc: subprocess.Popen[bytes]
    profile: tempfile.TemporaryDirectory[str]
    log: Path
    last_progress: float
    pending: set[str]  # names of the outputs not written yet
    timed_out: bool = False


def _kill(run: _Run) -> None:
    """End the run with every process it started. Twice: a process being forked as the first kill
    lands can escape it, and the group lives on while it does."""
    for _ in range(2):
        try:
            os.killpg(run.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        run.proc.wait()


class _Batch:
    def __init__(self, exe: str, files: list[Path], target: str, outdir: Path, recalc: bool, timeout: int,
                 error: type[JixiaoError], names: list[str], kind: str) -> None:
        self.exe, self.files, self.target, self.outdir = exe, files, target, outdir
        self.recalc, self.timeout, self.error, self.names, self.kind = recalc, timeout, error, names, kind
        self.ext = target.split(":", 1)[0]
        self.results: list[Path | JixiaoError | None] = [None] * len(files)

    def output(self, i: int) -> Path:
        return self.outdir / f"{self.files[i].stem}.{self.ext}"

    def complete(self, i: int) -> bool:
        out = self.output(i)
        if not out.exists():
            return False
        return self.ext not in _ZIPPED or zipfile.is_zipfile(out)

    def start(self, files: list[int]) -> _Run:
        profile = tempfile.TemporaryDirectory(prefix="jixiao-office-")
        if self.recalc:
            user = Path(profile.name) / "user"
            user.mkdir()
            (user / "registrymodifications.xcu").write_text(_RECALC_XCU, encoding="utf-8")
        log = Path(profile.name) / "log"
        cmd = [self.exe, f"-env:UserInstallation={Path(profile.name).as_uri()}", "--headless", "--norestore",
               "--nolockcheck", "--convert-to", self.target, "--outdir", str(self.outdir),
               *(str(self.files[i]) for i in files)]
        with open(log, "wb") as fh:
            # Its own process group: a hung run is killed with every process soffice started.
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=fh, stderr=subprocess.STDOUT,
                                    env={**os.environ, "HOME": profile.name}, start_new_session=True)
        return _Run(files, proc, profile, log, time.monotonic(), {self.output(i).name for i in files})

    def poll(self, run: _Run, present: set[str]) -> bool:
        """True when the run has ended (by itself or killed for making no progress); ``present``: the
        names in the output folder now (one listing for every run, not a stat per file and poll, which
        cost the batch a tenth of its CPU)."""
        now = time.monotonic()
        if run.pending & present:
            run.pending -= present
            run.last_progress = now
        if run.proc.poll() is not None:
            return True
        if now - run.last_progress > self.timeout:
            run.timed_out = True
            _kill(run)
            return True
        return False

    def finish(self, run: _Run) -> list[list[int]]:
        """Record the run's outcome; returns the runs still to make for its unconverted files."""
        left = [i for i in run.files if not self.complete(i)]
        for i in run.files:
            if i not in left:
                self.results[i] = self.output(i)
        said = run.log.read_bytes().decode("utf-8", "replace").strip().splitlines()
        run.profile.cleanup()
        if not left:
            return []
        if len(run.files) == 1:
            self.results[left[0]] = self._failure(left[0], run, said)
            return []
        # The first unconverted file is where the run stopped (or the one it skipped): alone, its
        # failure is its own; the files after it did not get their turn.
        return [f for f in ([left[0]], left[1:]) if f]

    def _failure(self, i: int, run: _Run, said: list[str]) -> JixiaoError:
        name = self.names[i]
        if run.timed_out:
            return self.error(name, f"LibreOffice 转换超过 {self.timeout} 秒仍未完成，已放弃")
        if run.proc.returncode is not None and run.proc.returncode < 0:
            why = f"LibreOffice 转换时异常终止（信号 {-run.proc.returncode}）"
            return self.error(name, f"{why}，文件可能已损坏")
        last = next((s for s in reversed(said) if not s.startswith(("convert ", "Warning: failed to launch"))), "")
        return self.error(name, f"LibreOffice 未能转换为 {self.ext}（{last or '无输出'}），文件可能已损坏或加密")


def convert_each(files: list[Path], target: str, outdir: Path, *, recalc: bool = False,
                 timeout: int | None = None, error: type[JixiaoError] = UnreadableFile,
                 names: list[str] | None = None, kind: str = "", jobs: int = 1,
                 chunk: int = CHUNK, stop: threading.Event | None = None) -> list[Path | JixiaoError]:
    """Convert ``files`` in runs of up to ``chunk`` files, ``jobs`` runs at once; each file's output
    in ``outdir`` or the error (of type ``error``, naming ``names[i]``) that made only it fail.

    ``target`` is a LibreOffice filter spec such as ``"pdf"`` or ``"xls:MS Excel 97"``. With ``recalc``
    every formula is recomputed on load instead of keeping the results stored in the file. A run
    that finishes no file for ``timeout`` seconds (default: the ``office`` limit) is killed. Stems
    must be distinct (the outputs are named after them). Setting ``stop`` (from another thread) ends
    the conversion with every run it started, raising :class:`Stopped`.
    """
    names = names or [str(f) for f in files]
    exe = soffice()
    if exe is None:
        return [ConverterMissing(n, detail=kind) for n in names]
    outdir.mkdir(parents=True, exist_ok=True)
    batch = _Batch(exe, files, target, outdir, recalc, timeout or active().office, error, names, kind)
    jobs = max(1, jobs)
    chunk = max(1, min(chunk, -(-len(files) // jobs)))  # every run busy, even for a short batch
    todo: deque[list[int]] = deque(list(range(s, min(s + chunk, len(files)))) for s in range(0, len(files), chunk))
    running: list[_Run] = []
    try:
        while todo or running:
            if stop is not None and stop.is_set():
                raise Stopped
            while todo and len(running) < jobs:
                running.append(batch.start(todo.popleft()))
            present = set(os.listdir(outdir))
            for run in [r for r in running if batch.poll(r, present)]:
                running.remove(run)
                # Retries go first: the file that stopped a run is settled before the rest start.
                todo.extendleft(reversed(batch.finish(run)))
            if running:
                time.sleep(_POLL_SECONDS)
    finally:
        for run in running:  # interrupted: leave no LibreOffice behind
            _kill(run)
            run.profile.cleanup()
    return [r if r is not None else error(n, "LibreOffice 未转换此文件") for r, n in zip(batch.results, names)]


def convert(files: list[Path], target: str, outdir: Path, *, recalc: bool = False, timeout: int | None = None,
            error: type[JixiaoError] = UnreadableFile, name: str | None = None, kind: str = "") -> list[Path]:
    """Convert ``files``; returns the outputs in the same order, or raises the first file's failure
    (of type ``error``, naming ``name`` when given: the user's file, when ``files`` are temporary copies)."""
    results = convert_each(files, target, outdir, recalc=recalc, timeout=timeout, error=error,
                           names=[name or str(f) for f in files], kind=kind)
    for r in results:
        if isinstance(r, JixiaoError):
            raise r
    return results  # type: ignore[return-value]
