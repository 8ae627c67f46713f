"""Issue 13 items 5 and 9 on a real file system: a 300-character name, a file deleted during the
walk, a file replaced by a folder mid-import, an unreadable subfolder, broken and looping symlinks.
Each is named in one Chinese line and the batch goes on."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Iterator

import pytest

from jixiao.errors import FileFailure
from jixiao.exitcodes import Exit
from jixiao.model import Document
from jixiao.pipeline import load
from jixiao.store.db import open_store
from jixiao.store.importer import import_paths

from .conftest import SEEDS, jixiao_cmd
from .forms import Form

# Root reads every folder whatever its mode: the unreadable folder is tried as an ordinary user.
AS_USER = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if os.geteuid() == 0 else []


@pytest.fixture
def tree() -> Iterator[Path]:
    """Two good forms, and beside them every kind of path a folder walk meets in the wild."""
    root = Path(tempfile.mkdtemp(prefix="jixiao-paths-"))
    root.chmod(0o755)
    shutil.copy(SEEDS[0], root / "a.txt")
    shutil.copy(SEEDS[3], root / ("长" * 80 + ".txt"))  # 240 bytes, near the file system's limit
    (root / "locked").mkdir()
    shutil.copy(SEEDS[1], root / "locked" / "b.txt")
    (root / "locked").chmod(0)
    (root / "broken.txt").symlink_to("nowhere.txt")
    (root / "self.txt").symlink_to("self.txt")
    (root / "sub").mkdir()
    (root / "sub" / "back").symlink_to("..")
    yield root
    (root / "locked").chmod(0o755)
    shutil.rmtree(root)


def test_every_path_that_cannot_be_read_is_named_and_the_batch_goes_on(tree: Path) -> None:
    long_arg = "x" * 300 + ".txt"
    proc = subprocess.run([*AS_USER, *jixiao_cmd(), "check", str(tree), long_arg], capture_output=True, text=True,
                          cwd=tree, timeout=300)
    assert proc.returncode == Exit.UNREADABLE, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()

    def line(name: str, reason: str) -> None:
        found = [ln for ln in lines if name in ln]
        assert len(found) == 1 and reason in found[0], (name, lines)

    line(str(tree / "locked"), "目录无法读取")
    line(str(tree / "broken.txt"), "符号链接指向的文件不存在")
    line(str(tree / "self.txt"), "符号链接形成循环")
    line(str(tree / "sub" / "back"), "循环")
    line(long_arg, "文件名过长")
    assert len(lines) == 5
    assert "人大宣传" in proc.stdout and "长长长" in proc.stdout  # both good files checked


def _forms(n: int, folder: Path) -> list[Path]:
    folder.mkdir()
    files = [folder / f"表{i:03d}.txt" for i in range(n)]
    for i, f in enumerate(files):
        f.write_text(Form(code=f"C-{i}", name=f"项目{i}").text(), encoding="utf-8")
    return files


def test_a_file_deleted_during_the_walk_is_named(tmp_path: Path) -> None:
    files = _forms(60, tmp_path / "in")
    gone = files[-1]
    items: list[Document | FileFailure] = []
    for item in load([tmp_path / "in"], workers=1):
        if not items:
            gone.unlink()  # the walk has listed the folder; this file is not reached yet
        items.append(item)
    failures = [i for i in items if isinstance(i, FileFailure)]
    assert len(items) == 60 and [f.file for f in failures] == [str(gone)]
    assert "文件不存在" in failures[0].message


@pytest.mark.parametrize("workers", [1, 2])
def test_a_file_replaced_by_a_folder_mid_import_fails_alone(workers: int, tmp_path: Path) -> None:
    files = _forms(40, tmp_path / "in")
    victim = files[-1]
    engine = open_store(f"sqlite:///{tmp_path / 'store.db'}")

    def replace_once(_file: str, _outcome: str) -> None:
        if victim.is_file():
            victim.unlink()
            victim.mkdir()

    report = import_paths([tmp_path / "in"], engine, workers=workers, progress=replace_once)
    assert report.imported == 39, report.failed
    (failure,) = report.failed
    assert failure.file == str(victim) and "目录" in failure.message and "Traceback" not in failure.message
    engine.dispose()
