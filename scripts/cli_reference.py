"""The README's command reference, generated from the commands themselves.

    python scripts/cli_reference.py          # rewrite the block between the markers in README.md
    python scripts/cli_reference.py --check  # exit 1 when README.md is stale (tests/test_docs.py runs this)

Every command, its arguments and options with their help text, and the exit codes from
:class:`jixiao.exitcodes.Exit`; nothing here is typed by hand.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

README = Path(__file__).resolve().parent.parent / "README.md"
START = "<!-- cli-reference:start (scripts/cli_reference.py 生成，勿手改) -->"
END = "<!-- cli-reference:end -->"
HIDDEN = {"help", "install_completion", "show_completion"}


def _cell(text: str | None) -> str:
    return " ".join((text or "").split()).replace("|", "\\|")


def _param_row(p: Any) -> str:
    if p.param_type_name == "argument":
        name = f"`{(p.metavar or p.name).upper()}`"
        required = "必填" if p.required else "可省"
    else:
        name = "、".join(f"`{o}`" for o in (*p.opts, *p.secondary_opts))
        required = "必填" if p.required else ""
    default = ""
    if p.name in ("jobs", "workers"):
        default = "默认为 CPU 核数"  # not the number of this machine's cores: the README must not depend on it
    elif p.param_type_name != "argument" and p.default not in (None, False, [], ()) and p.show_default is not False \
            and not callable(p.default):
        default = f"默认 `{p.default}`"
    return f"| {name} | {_cell(p.help)} | {'；'.join(x for x in (required, default) if x)} |"


def commands() -> dict[str, Any]:
    from typer.main import get_command

    from jixiao.cli import app

    group = get_command(app)
    return dict(group.commands)  # type: ignore[attr-defined]


def render() -> str:
    from jixiao.exitcodes import Exit

    lines = [START, "", "### 命令参考", ""]
    for name, cmd in commands().items():
        lines += [f"#### `jixiao {name}`", "", _cell(cmd.help), "", "| 参数/选项 | 说明 | |", "|---|---|---|"]
        lines += [_param_row(p) for p in cmd.params if p.name not in HIDDEN]
        lines.append("")
    lines += ["另有 `jixiao --version`（版本）、`jixiao --install-completion` / `--show-completion`（shell 补全），"
              "每条命令都有 `--help`。", "", "### 退出码", "", "| 退出码 | 名称 | 含义 |", "|---|---|---|"]
    lines += [f"| {int(code)} | `{code.name}` | {code.zh} |" for code in Exit]
    lines += ["", END]
    return "\n".join(lines)


def updated(text: str) -> str:
    block = render()
    if START in text and END in text:
        head, rest = text.split(START, 1)
        return head + block + rest.split(END, 1)[1]
    marker = "\n## 性能"
    head, tail = text.split(marker, 1) if marker in text else (text, "")
    return head.rstrip("\n") + "\n\n" + block + "\n" + (marker + tail if tail else "")


def main(argv: list[str]) -> int:
    text = README.read_text(encoding="utf-8")
    new = updated(text)
    if "--check" in argv:
        if new != text:
            print("README.md 的命令参考已过期：运行 python scripts/cli_reference.py", file=sys.stderr)
            return 1
        return 0
    README.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
