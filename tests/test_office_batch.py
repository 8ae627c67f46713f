"""A batch's doc/wps/odt/ods files go through LibreOffice many to a run, and a file that LibreOffice
cannot convert, crashes on or hangs on fails alone while the others are read as usual."""

from __future__ import annotations

import io
import os
import signal
import stat
import sys
import time
from pathlib import Path

import pytest
from xlrd.compdoc import CompDoc

from jixiao import limits, office
from jixiao.export.json import evaluation_json
from jixiao.ingest.readers.legacy import DOC
from jixiao.limits import Limits
from jixiao.pipeline import FileFailure, load

from .test_formats import FORMS, comparable, needs_soffice

pytestmark = needs_soffice


def _wrap(tmp_path: Path, body: str) -> Path:
    """An executable standing in for soffice (office.soffice() is pointed at it)."""
    script = tmp_path / "soffice-wrapper"
    script.write_text(f"#!{sys.executable}\nimport os, sys, signal, shutil, subprocess, time\n{body}", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


def _counting_soffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The real soffice, each run's input files logged one run a line; first on PATH, so that worker
    processes find it too."""
    log = tmp_path / "runs.log"
    real = office.soffice()
    script = _wrap(tmp_path, f"""
files = [a for a in sys.argv[1:] if a.endswith(('.doc', '.odt', '.ods'))]
with open({str(log)!r}, 'a') as fh:
    fh.write(' '.join(os.path.basename(f) for f in files) + '\\n')
os.execv({real!r}, [{real!r}, *sys.argv[1:]])
""")
    bindir = tmp_path / "bin"
    bindir.mkdir()
    script.rename(bindir / "soffice")
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")
    assert office.soffice() == str(bindir / "soffice")
    return log


def _broken_doc() -> bytes:
    """000.doc with the Word header's magic number (wIdent) wiped: still a Word file by its OLE
    directory (so it goes to LibreOffice), but one LibreOffice cannot load."""
    data = bytearray((FORMS / "000.doc").read_bytes())
    word = next(d for d in CompDoc(bytes(data), logfile=io.StringIO()).dirlist if d.name == "WordDocument")
    start = 512 + word.first_SID * 512  # the stream's first sector, where the header is
    assert data[start:start + 2] == b"\xec\xa5"
    data[start:start + 2] = b"\0\0"
    return bytes(data)


def _evaluations(item: object) -> list[dict]:
    assert not isinstance(item, FileFailure), item
    out = []
    for ev in item.evaluations:
        js = evaluation_json(ev)
        js.pop("source")
        out.append(js)
    return out


def test_a_folder_of_docs_is_converted_in_one_run_and_a_broken_doc_fails_alone(tmp_path: Path,
                                                                               monkeypatch) -> None:
    runs = _counting_soffice(tmp_path, monkeypatch)
    folder = tmp_path / "batch"
    folder.mkdir()
    for n in range(4):
        (folder / f"{n}a.doc").write_bytes((FORMS / "000.doc").read_bytes())
        (folder / f"{n}b.wps").write_bytes((FORMS / "003.doc").read_bytes())
    (folder / "2c-broken.doc").write_bytes(_broken_doc())
    (folder / "9.xlsx").write_bytes((FORMS / "000.xlsx").read_bytes())
    monkeypatch.setattr("jixiao.ingest.readers.legacy.JOBS", 1)
    items = list(load([folder]))
    batch_runs = runs.read_text().splitlines()
    names = sorted(p.name for p in folder.iterdir())
    assert len(items) == len(names)
    alone = {stem: _evaluations(next(load([FORMS / f"{stem}.doc"]))) for stem in ("000", "003")}
    for name, item in zip(names, items):
        if name == "2c-broken.doc":
            assert isinstance(item, FileFailure) and item.code == "unreadable-file", item
            assert item.message.startswith(f"{folder / name}: ") and "LibreOffice 未能转换" in item.message
        elif name.endswith(".xlsx"):
            assert len(item.evaluations) == 3
        else:
            assert _evaluations(item) == alone["003" if "b." in name else "000"], name
            assert item.format == "doc"
    # One run for the batch; the broken file (7th) stopped nothing, but is retried alone to get its own
    # message, and the file after it, which the first run did convert, is not converted again.
    assert batch_runs[0].split() == [f"{n:05d}.doc" for n in range(9)]
    assert batch_runs[1:] == ["00006.doc"]


def _replaying_soffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in for soffice that writes a real conversion of 000.doc for each input, hangs on a file
    holding JIXIAO-HANG and dies of SIGSEGV on one holding JIXIAO-CRASH, like LibreOffice would on a
    file that trips it: the files before it converted, the ones after it not."""
    real = office.convert([_copy(FORMS / "000.doc", tmp_path / "real.doc")], DOC.target, tmp_path / "real")[0]
    pids = tmp_path / "pids"
    script = _wrap(tmp_path, f"""
args = sys.argv[1:]
outdir = args[args.index('--outdir') + 1]
ext = args[args.index('--convert-to') + 1].split(':')[0]
with open({str(pids)!r}, 'a') as fh:
    fh.write(f'{{os.getpid()}}\\n')
for f in args[args.index('--outdir') + 2:]:
    data = open(f, 'rb').read()
    if b'JIXIAO-HANG' in data:
        sleep = subprocess.Popen(['sleep', '3600'])
        with open({str(pids)!r}, 'a') as fh:
            fh.write(f'{{sleep.pid}}\\n')
        sleep.wait()
    if b'JIXIAO-CRASH' in data:
        os.kill(os.getpid(), signal.SIGSEGV)
    shutil.copy({str(real)!r}, os.path.join(outdir, os.path.splitext(os.path.basename(f))[0] + '.' + ext))
    print('convert', f, flush=True)
""")
    monkeypatch.setattr(office, "soffice", lambda: str(script))
    return pids


def _copy(src: Path, dst: Path, extra: bytes = b"") -> Path:
    dst.write_bytes(src.read_bytes() + extra)
    return dst


def test_a_conversion_that_hangs_or_crashes_fails_only_its_file(tmp_path: Path, monkeypatch) -> None:
    want = _evaluations(next(load([FORMS / "000.doc"])))
    pids = _replaying_soffice(tmp_path, monkeypatch)
    monkeypatch.setattr(limits, "_active", Limits(office=2))  # as --limit office=2 sets it
    folder = tmp_path / "batch"
    folder.mkdir()
    for n in range(6):
        _copy(FORMS / "000.doc", folder / f"{n}.doc")
    _copy(FORMS / "000.doc", folder / "1-hangs.doc", b"JIXIAO-HANG")
    _copy(FORMS / "000.doc", folder / "3-crashes.doc", b"JIXIAO-CRASH")
    started = time.monotonic()
    items = list(load([folder]))
    took = time.monotonic() - started
    names = sorted(p.name for p in folder.iterdir())
    for name, item in zip(names, items, strict=True):
        if name == "1-hangs.doc":
            assert isinstance(item, FileFailure) and "LibreOffice 转换超过 2 秒仍未完成" in item.message, item
        elif name == "3-crashes.doc":
            assert isinstance(item, FileFailure) and "异常终止（信号 11）" in item.message, item
        else:
            assert _evaluations(item) == want, name
    # The hung file cost its timeout twice (in the batch, then alone), not once per file after it.
    assert took < 4 * 2 + 20
    _all_ended(pids)


def _all_ended(pids: Path) -> None:
    """No run is left behind, nor the process it started. A killed grandchild is not waited for by
    us: it may take a moment to die on a busy machine, and linger as a zombie until the system reaps
    it (dead all the same)."""
    for pid in map(int, pids.read_text().split()):
        deadline = time.monotonic() + 10
        while True:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except FileNotFoundError:
                break
            if "\nState:\tZ" in status:
                break
            assert time.monotonic() < deadline, f"process {pid} still running"
            time.sleep(0.05)


@pytest.mark.parametrize(("source", "target"), [("000.docx", "odt"), ("000.xlsx", "ods")])
def test_odt_and_ods_read_like_the_files_they_were_saved_from(tmp_path: Path, source: str, target: str) -> None:
    [out] = office.convert([FORMS / source], target, tmp_path)
    assert comparable(out) == comparable(FORMS / source)
    assert next(load([out])).format == target


def test_interrupting_a_batch_leaves_no_libreoffice_behind(tmp_path: Path, monkeypatch) -> None:
    pids = _replaying_soffice(tmp_path, monkeypatch)
    files = [_copy(FORMS / "000.doc", tmp_path / "hangs.doc", b"JIXIAO-HANG")]

    def interrupt(_signum, _frame):
        raise KeyboardInterrupt

    old = signal.signal(signal.SIGALRM, interrupt)
    signal.alarm(2)
    try:
        with pytest.raises(KeyboardInterrupt):
            office.convert_each(files, DOC.target, tmp_path / "out")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    _all_ended(pids)


@pytest.mark.parametrize("workers", [1, 2])
def test_import_converts_a_folder_of_docs_in_one_run(tmp_path: Path, monkeypatch, workers: int) -> None:
    from jixiao.store.db import open_store
    from jixiao.store.importer import import_paths

    runs = _counting_soffice(tmp_path, monkeypatch)
    monkeypatch.setattr("jixiao.ingest.readers.legacy.JOBS", 1)
    folder = tmp_path / "docs"
    folder.mkdir()
    for n in range(3):  # distinct bytes, or the importer would store one and skip the others
        _copy(FORMS / "000.doc", folder / f"{n}.doc", bytes(n))
    report = import_paths([folder], open_store(str(tmp_path / "store.db")), workers=workers)
    assert (report.imported, report.forms, report.failed) == (3, 9, [])
    assert runs.read_text().splitlines() == ["00000.doc 00001.doc 00002.doc"]


def test_abandoning_a_batch_while_its_next_window_converts_leaves_no_libreoffice_behind(tmp_path: Path,
                                                                                         monkeypatch) -> None:
    # The next window converts in a thread while this one is read: a caller that stops reading (an
    # error, Ctrl-C) must not leave that conversion running, nor wait for it to finish.
    from jixiao.ingest.readers.legacy import convert_ahead

    pids = _replaying_soffice(tmp_path, monkeypatch)
    files = [_copy(FORMS / "000.doc", tmp_path / "0.doc"), _copy(FORMS / "000.doc", tmp_path / "1.doc", b"JIXIAO-HANG")]
    items = convert_ahead(files, window=1)
    first, converted = next(items)
    assert first == files[0] and converted.results
    deadline = time.monotonic() + 30
    while len(pids.read_text().split()) < 3:  # the second window's run and the sleep it hangs in
        assert time.monotonic() < deadline, "the next window did not start converting"
        time.sleep(0.05)
    started = time.monotonic()
    items.close()
    assert time.monotonic() - started < 10
    _all_ended(pids)
