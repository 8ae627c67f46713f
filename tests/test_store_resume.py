"""kill -9 in the middle of ``jixiao import``, then the same command again: the store ends complete,
with every file once and every form of each file once (issue 6, done-when)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path

from sqlalchemy import func, select

from jixiao.store.db import open_store
from jixiao.store.schema import EvaluationRow, SourceFile

from .conftest import jixiao_cmd
from .corpus import seed_variants


def _group_gone(pgid: int, wait: float = 10.0) -> bool:
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def _files_stored(engine) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(SourceFile))


def test_kill_9_during_import_then_rerun_completes_without_duplicates(db_url, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    files, forms = seed_variants(400, corpus)
    engine = open_store(db_url)
    cmd = [*jixiao_cmd(), "import", str(corpus), "--db", db_url, "--workers", "2"]
    # Its own process group, to check afterwards that no worker outlived it.
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 60
    while _files_stored(engine) < 10 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.kill()  # SIGKILL to the importer alone, as `kill -9 PID` would
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the import finished before it could be killed: use a larger corpus"
    try:
        assert _group_gone(proc.pid), "worker processes outlived the killed importer"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    partial = _files_stored(engine)
    assert 10 <= partial < len(files)

    rerun = subprocess.run([*cmd[:-1], "1"], capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    assert f"跳过 {partial} 个已导入的文件" in rerun.stderr

    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(SourceFile)) == len(files)
        assert conn.scalar(select(func.count(func.distinct(SourceFile.path)))) == len(files)
        assert conn.scalar(select(func.count()).select_from(EvaluationRow)) == forms
        # Each file holds exactly the forms it was read with: no half-written file survived the kill.
        stored = select(func.count()).where(EvaluationRow.source_file_id == SourceFile.id).scalar_subquery()
        assert {gap for (gap,) in conn.execute(select(SourceFile.forms - stored))} == {0}
        assert conn.scalar(select(func.count()).where(EvaluationRow.is_current)) == forms
    engine.dispose()
