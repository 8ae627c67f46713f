"""The check catalogue of shared/design/checks.md is implemented in full, under the same codes
and severities, and each rule can be found from its code with one grep."""

from __future__ import annotations

import re
import subprocess

from jixiao.checks import CHECKS

from .conftest import ROOT, jixiao_cmd

# The design notes sit beside the checkout: /work/shared next to /work/main, or two levels up from a worktree.
DESIGN = next((p / "shared" / "design" / "checks.md" for p in ROOT.parents
               if (p / "shared" / "design" / "checks.md").exists()), ROOT.parent / "shared" / "design" / "checks.md")


def _design_rows() -> dict[str, str]:
    rows = re.findall(r"^\| ([a-z0-9-]+) \| (error|warning|info) \|", DESIGN.read_text(encoding="utf-8"), re.M)
    return dict(rows)


def test_every_designed_code_is_registered_with_its_severity() -> None:
    design = _design_rows()
    assert len(design) >= 19
    for code, severity in design.items():
        assert code in CHECKS, code
        assert CHECKS[code].severity == severity, code


def test_each_code_is_defined_in_exactly_one_place() -> None:
    src = ROOT / "src" / "jixiao"
    for code in CHECKS:
        hits = [p for p in src.rglob("*.py") if f'@check("{code}"' in p.read_text(encoding="utf-8")]
        assert len(hits) == 1, (code, hits)


def test_templates_are_chinese_and_name_the_project() -> None:
    for chk in CHECKS.values():
        assert "{project}" in chk.template, chk.code
        assert re.search(r"[\u4e00-\u9fff]", chk.template), chk.code


def test_cli_lists_the_catalogue() -> None:
    proc = subprocess.run([*jixiao_cmd(), "checks"], capture_output=True, text=True, env={"COLUMNS": "200", "PATH": ""})
    assert proc.returncode == 0
    for code in CHECKS:
        assert code in proc.stdout


def test_policies_listed() -> None:
    proc = subprocess.run([*jixiao_cmd(), "policies"], capture_output=True, text=True)
    assert proc.returncode == 0 and "national" in proc.stdout and "hubei" in proc.stdout


