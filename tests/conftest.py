from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
GOLDEN = ROOT / "tests" / "golden"
SEEDS = sorted(EXAMPLES.glob("*.txt"))


def jixiao_cmd() -> list[str]:
    """The installed console script when there is one, else the module."""
    script = Path(sys.executable).parent / "jixiao"
    return [str(script)] if script.exists() else [sys.executable, "-m", "jixiao.cli"]


@pytest.fixture(scope="session")
def seed_paths() -> list[Path]:
    assert len(SEEDS) == 5, "examples/ must hold the five seed documents"
    return SEEDS


os.environ.setdefault("COLUMNS", "200")
