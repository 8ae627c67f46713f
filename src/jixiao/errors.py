"""Typed errors for input that cannot be read at all.

Problems inside a readable form are not exceptions: they become warnings on the
form or findings of the checks. These errors are for whole files, and each
carries a message template in Chinese plus the file and place it concerns.
"""

from __future__ import annotations


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


class ExportError(JixiaoError):
    code = "export-error"
    template = "导出失败：{detail}"
