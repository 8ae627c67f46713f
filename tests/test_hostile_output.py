"""Issue 13 items 12 and 15, issue 14's exit codes on output: a form of 1 500 indicator rows exports
to Word; one output file that cannot be written fails alone in one Chinese line naming it
(Exit.OUTPUT) while the others are written; Ctrl-C, sent to a real process, is one line and
Exit.INTERRUPTED, with no traceback and no half-written file left under a final name."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import replace
from pathlib import Path

import pytest

from jixiao.exitcodes import Exit
from jixiao.export.docx import form_docx
from jixiao.ingest.recognize import read_bytes

from .conftest import SEEDS, jixiao_cmd
from .forms import Form, Ind

SEED = SEEDS[0]  # three forms


def _jx(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*jixiao_cmd(), *args], capture_output=True, text=True, cwd=cwd, timeout=600)


def test_a_form_of_1500_indicator_rows_exports_to_word() -> None:
    rows = tuple(Ind("产出指标", "数量指标", f"指标{i}", "≥1", "1", "0.04", "0.04") for i in range(1500))
    (ev,) = read_bytes(replace(Form(), indicators=rows, total_weight="70").text().encode(), "big.txt").evaluations
    assert len(ev.indicators) == 1500
    (back,) = read_bytes(form_docx(ev), "big.docx").evaluations
    assert [i.name for i in back.indicators] == [f"指标{i}" for i in range(1500)]
    assert {i.level1 for i in back.indicators} == {ev.indicators[0].level1}  # one label merged down 1 500 rows


@pytest.mark.parametrize("fmt", ["json", "xlsx", "docx"])
def test_one_unwritable_output_fails_alone(fmt: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    names = sorted(p.name for p in _exported(tmp_path, fmt))
    assert len(names) == 3
    blocked = out / names[1]
    blocked.mkdir()  # a folder where the second form's file goes
    proc = _jx(tmp_path, "export", str(SEED), "-f", fmt, "-o", str(out))
    assert proc.returncode == Exit.OUTPUT, proc.stderr
    assert "Traceback" not in proc.stderr
    (line,) = [ln for ln in proc.stderr.splitlines() if names[1] in ln]
    assert "无法写入" in line and "目录" in line
    assert (out / names[0]).is_file() and (out / names[2]).is_file() and blocked.is_dir()
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temporary file left


def _exported(tmp_path: Path, fmt: str) -> list[Path]:
    probe = tmp_path / f"probe-{fmt}"
    proc = _jx(tmp_path, "export", str(SEED), "-f", fmt, "-o", str(probe))
    assert proc.returncode == Exit.OK, proc.stderr
    return list(probe.iterdir())


def test_an_unwritable_report_is_one_line_with_exit_output(tmp_path: Path) -> None:
    (tmp_path / "报告.html").mkdir()
    proc = _jx(tmp_path, "report", str(SEED), "-o", "报告.html")
    assert proc.returncode == Exit.OUTPUT and "Traceback" not in proc.stderr, proc.stderr
    assert "报告.html" in proc.stderr and "无法写入" in proc.stderr


def test_a_300_character_file_name_exports(tmp_path: Path) -> None:
    name = "自" * 80 + ".txt"  # 240 bytes: with the form number and project name past 255
    (tmp_path / name).write_bytes(SEED.read_bytes())
    proc = _jx(tmp_path, "export", name, "-f", "json", "-o", "out")
    assert proc.returncode == Exit.OK, proc.stderr
    assert len(list((tmp_path / "out").iterdir())) == 3
    assert all(len(p.name.encode()) <= 255 for p in (tmp_path / "out").iterdir())


# ----------------------------------------------------------------- Ctrl-C


def _many(folder: Path, n: int) -> Path:
    folder.mkdir()
    for i in range(n):
        (folder / f"表{i:04d}.txt").write_text(Form(code=f"C-{i}", name=f"项目{i}").text(), encoding="utf-8")
    return folder


def _interrupt(cwd: Path, *args: str, after: float, working: Callable[[], bool] | None = None,
               stdout: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The command run as a user runs it, then Ctrl-C (SIGINT to its process group, as a terminal sends):
    ``after`` seconds, or as soon as ``working`` says it is midway (so a fast machine cannot finish first).
    ``stdout``: a file its output goes to (and is read back from), for ``working`` to watch."""
    sink = stdout.open("w", encoding="utf-8") if stdout else subprocess.PIPE
    proc = subprocess.Popen([*jixiao_cmd(), *args], cwd=cwd, stdout=sink, stderr=subprocess.PIPE,
                            text=True, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # noqa: PLW1509
    deadline = time.monotonic() + 120
    if working is None:
        # ``after`` seconds, and not before the readers are up: a signal that lands while the interpreter
        # itself is still starting is not the command's to handle (under load 0.3 s can be that early).
        time.sleep(after)
        while not _children(proc.pid) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
    else:
        while not working() and time.monotonic() < deadline:
            time.sleep(0.02)
    assert proc.poll() is None, "the command ended before it could be interrupted"
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    if stdout:
        sink.close()  # type: ignore[union-attr]
        out = stdout.read_text(encoding="utf-8")
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def _children(pid: int) -> bool:
    """Whether the process has started any child (Linux: its reader processes)."""
    try:
        return bool(Path(f"/proc/{pid}/task/{pid}/children").read_text().split())
    except OSError:
        return False


def _one_interrupt_line(proc: subprocess.CompletedProcess[str]) -> None:
    assert proc.returncode == Exit.INTERRUPTED, (proc.returncode, proc.stderr[-2000:])
    assert "Traceback" not in proc.stderr and "KeyboardInterrupt" not in proc.stderr, proc.stderr[-2000:]
    assert proc.stderr.count("已中断（Ctrl-C）") == 1, proc.stderr[-2000:]


@pytest.mark.parametrize("after", [0.3, 4.0], ids=["while-loading", "while-working"])
def test_ctrl_c_during_export_is_one_line_and_leaves_only_whole_files(after: float, tmp_path: Path) -> None:
    folder = _many(tmp_path / "in", 400)
    out = tmp_path / "out"
    written = (lambda: out.exists() and any(out.iterdir())) if after > 1 else None
    proc = _interrupt(tmp_path, "export", str(folder), "-f", "docx", "-o", "out", "-j", "2", after=after,
                      working=written)
    _one_interrupt_line(proc)
    out = tmp_path / "out"
    written = list(out.iterdir()) if out.exists() else []
    assert not [p for p in written if p.name.startswith(".") or p.suffix != ".docx"], written
    for path in written:  # every file under a final name opens as a whole form
        (ev,) = read_bytes(path.read_bytes(), path.name).evaluations
        assert ev.project.name is not None


def test_ctrl_c_during_import_keeps_the_store_whole(tmp_path: Path) -> None:
    folder = _many(tmp_path / "in", 1000)
    db = tmp_path / "store.db"

    def stored() -> bool:  # some files committed, others not yet
        try:
            with closing(sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)) as conn:
                return conn.execute("SELECT count(*) FROM source_files").fetchone()[0] > 0
        except sqlite3.Error:
            return False

    proc = _interrupt(tmp_path, "import", "--db", str(db), str(folder), "-j", "2", after=0, working=stored)
    _one_interrupt_line(proc)
    again = _jx(tmp_path, "import", "--db", str(db), str(folder))
    assert again.returncode == Exit.OK, again.stderr
    summary = _jx(tmp_path, "summary", "--db", str(db), "--format", "json")
    assert json.loads(summary.stdout)["total"]["projects"] == 1000


def test_ctrl_c_during_check_is_one_line(tmp_path: Path) -> None:
    folder = _many(tmp_path / "in", 2000)
    printed = tmp_path / "out.txt"
    # Interrupted once its first results are out (a fixed delay let a fast machine finish first, a
    # loaded one interrupt it while it was still starting).
    proc = _interrupt(tmp_path, "check", str(folder), after=0, working=lambda: printed.stat().st_size > 0,
                      stdout=printed)
    _one_interrupt_line(proc)
    assert "表0000.txt" in proc.stdout and "表1999.txt" not in proc.stdout  # midway: some results, not all


# Ctrl-C landing in an object's __del__ (the garbage collector runs it anywhere, and swallows what it
# raises with "Exception ignored"): seen under load in export's worker pipes, which then ran on to exit 0.
_SWALLOWED = """
import os, signal, sys
from jixiao import exitcodes, isolation

class Swallows:
    def __del__(self):
        os.kill(os.getpid(), signal.SIGINT)

exitcodes.watch_ctrl_c()
Swallows()
print("swallowed", flush=True)
try:
    print(list(isolation.run(len, [("a.txt", ("abc",))])))
except KeyboardInterrupt:
    print("interrupted")
"""


def test_ctrl_c_swallowed_where_it_landed_stops_the_batch_at_its_next_step(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-c", _SWALLOWED], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert proc.stdout.split() == ["swallowed", "interrupted"], (proc.stdout, proc.stderr)
    assert "KeyboardInterrupt" not in proc.stderr and "Exception ignored" not in proc.stderr, proc.stderr


_SWALLOWED_ON_THE_WAY_OUT = """
import os, signal, sys
import jixiao.cli
from jixiao.__main__ import main

class Swallows:
    def __del__(self):
        os.kill(os.getpid(), signal.SIGINT)

real = jixiao.cli.main

def cli():  # the command runs to its end; Ctrl-C lands on the way out, where nothing checks it
    try:
        real()
    finally:
        Swallows()

jixiao.cli.main = cli
sys.argv = ["jixiao", "--version"]
main()
"""


def test_ctrl_c_swallowed_at_the_end_still_exits_130(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-c", _SWALLOWED_ON_THE_WAY_OUT], capture_output=True, text=True,
                          timeout=60, cwd=tmp_path)
    _one_interrupt_line(proc)


def test_python_dash_m_jixiao_runs_the_cli(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "jixiao", "--version"], capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 0 and proc.stdout.strip()
