"""The README's command reference is generated from the code and must be current (sqlite-utils' test_docs)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("cli_reference", ROOT / "scripts" / "cli_reference.py")
assert _spec and _spec.loader
ref = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ref)

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_reference_is_current() -> None:
    assert ref.updated(README) == README, "README.md 的命令参考已过期：运行 python scripts/cli_reference.py"


@pytest.mark.parametrize("name", sorted(ref.commands()))
def test_every_command_is_documented(name: str) -> None:
    cmd = ref.commands()[name]
    assert cmd.help and cmd.help.strip(), f"jixiao {name} 没有说明"
    assert f"#### `jixiao {name}`" in README
    for p in cmd.params:
        if p.name not in ref.HIDDEN:
            assert p.help, f"jixiao {name} 的 {p.name} 没有说明"
