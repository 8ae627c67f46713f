"""Typed errors for input that cannot be read at all.

Problems inside a readable form are not exceptions: they become warnings on the
form or findings of the checks. These errors are for whole files, and each
carries a message template in Chinese plus the file and place it concerns.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass


class JixiaoError(Exception):
    """Base of every error jixiao raises on purpose; never shown as a traceback."""

    code = "error"
    template = "{detail}"

    def __init__(self, file: str, detail: str = "", place: str | None = None, **params: object) -> None:
        self.file = file
        self.place = place
        self.detail = detail
        self.params = params
        super().__init__(self.message)

    @property
    def message(self) -> str:
        text = self.template.format(detail=self.detail, **self.params)
        where = f"{self.file}" + (f"（{self.place}）" if self.place else "")
        return f"{where}: {text}"


@dataclass(slots=True)
class FileFailure:
    """A file that gave no result, as a value beside the others' results: ``message`` names the file."""

    file: str
    code: str
    message: str

    @classmethod
    def of(cls, exc: JixiaoError) -> FileFailure:
        return cls(exc.file, exc.code, exc.message)


class UnreadableFile(JixiaoError):
    code = "unreadable-file"
    template = "无法读取文件：{detail}"


class UnsupportedFormat(JixiaoError):
    code = "unsupported-format"
    template = "不支持的文件格式：{detail}"


class EncodingError(JixiaoError):
    code = "encoding-error"
    template = "无法识别文本编码（已尝试 UTF-8、UTF-8 BOM、GB18030）：{detail}"


class NoFormFound(JixiaoError):
    code = "no-form"
    template = "文件中没有找到项目支出绩效自评表（查找的标签：{labels}）{detail}"


class NotASelfEvaluation(NoFormFound):
    """A document that says what else it is (申报表, 评分表, 评价报告…): named, not read as a form."""

    code = "not-self-evaluation"
    template = "{statement}"


class ExportError(JixiaoError):
    code = "export-error"
    template = "导出失败：{detail}"


_OS_REASONS = {
    errno.ENOENT: "文件不存在", errno.EACCES: "没有读取或写入权限", errno.EPERM: "没有读取或写入权限",
    errno.EISDIR: "这是一个目录，不是文件", errno.ENOTDIR: "路径中的某一级不是目录", errno.ENOSPC: "磁盘空间不足",
    errno.EROFS: "文件系统只读", errno.ENAMETOOLONG: "文件名过长", errno.EIO: "读写设备出错",
}


def os_reason(exc: OSError) -> str:
    """The operating system's reason in Chinese where it is a common one, else as the system says it."""
    return _OS_REASONS.get(exc.errno or 0) or exc.strerror or str(exc)
