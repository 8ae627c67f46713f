"""The process exit codes of every command, one meaning each (the README's table is made from this).

0–2 are the JSON contract's (overview.md): scripts that test ``$? -eq 1`` for findings keep working.
Usage errors take sysexits' EX_USAGE rather than click's 2, which the contract gives to unreadable files.
"""

from __future__ import annotations

import signal
import sys
from enum import IntEnum
from types import FrameType
from typing import Any, NoReturn


class Exit(IntEnum):
    OK = 0  # 完成，没有“错误”级问题
    FINDINGS = 1  # 有“错误”级问题
    UNREADABLE = 2  # 有文件无法读取（其余文件照常处理）
    DATABASE = 3  # 数据库不存在、不是 jixiao 的、由更新版本创建或已损坏
    OUTPUT = 4  # 输出文件无法写入
    USAGE = 64  # 参数或选项有误
    INTERNAL = 70  # 内部错误（程序缺陷），已写明文件
    INTERRUPTED = 130  # 用户按 Ctrl-C 中断

    @property
    def zh(self) -> str:
        return _ZH[self]


_ZH = {
    Exit.OK: "完成，没有“错误”级问题",
    Exit.FINDINGS: "有“错误”级问题",
    Exit.UNREADABLE: "有文件无法读取（其余文件照常处理）",
    Exit.DATABASE: "数据库不存在、不是 jixiao 的数据库、由更新版本的 jixiao 创建或已损坏",
    Exit.OUTPUT: "输出文件无法写入",
    Exit.USAGE: "参数或选项有误",
    Exit.INTERNAL: "内部错误（程序缺陷）",
    Exit.INTERRUPTED: "被 Ctrl-C 中断",
}


def interrupted() -> NoReturn:
    """Ctrl-C's one line and exit code. Every file written so far is whole (outputs are renamed into
    place once complete) and what was half-written is removed: saying so tells the user a re-run is all it takes."""
    print("✗ 已中断（Ctrl-C）：已写完的文件保留，未写完的没有留下；重新运行即可", file=sys.stderr)
    sys.exit(Exit.INTERRUPTED)


_ctrl_c = False


def _on_ctrl_c(signum: int, frame: FrameType | None) -> None:
    global _ctrl_c
    _ctrl_c = True
    raise KeyboardInterrupt


def _unraisable(hook: Any) -> Any:
    def quiet(info: Any) -> None:
        if not isinstance(info.exc_value, KeyboardInterrupt):  # remembered: check_ctrl_c raises it again
            hook(info)
    return quiet


def watch_ctrl_c() -> None:
    """Ctrl-C remembered as well as raised. Landing in code that swallows exceptions (an object's
    ``__del__`` run by the garbage collector prints "Exception ignored" and goes on), it was lost and the
    command ran to its end with exit 0; :func:`check_ctrl_c` raises it again at the next safe point."""
    signal.signal(signal.SIGINT, _on_ctrl_c)
    sys.unraisablehook = _unraisable(sys.unraisablehook)


def ctrl_c_seen() -> bool:
    return _ctrl_c


def check_ctrl_c() -> None:
    """Raise the Ctrl-C that was pressed but swallowed where it landed."""
    if _ctrl_c:
        raise KeyboardInterrupt
