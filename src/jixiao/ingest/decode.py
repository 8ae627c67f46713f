"""Bytes → text for the text layouts: encoding and line endings."""

from __future__ import annotations

from ..errors import EncodingError, UnreadableFile

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


# Control bytes no text holds (tab, newlines, form feed and carriage return excepted); several sniffers ask.
_CONTROLS = bytes(b for b in range(32) if b < 9 or 13 < b < 32)


def looks_binary(data: bytes) -> bool:
    """True for data no text layout could hold: NUL bytes or mostly control bytes."""
    head = data[:4096]
    if any(head.startswith(bom) for bom, _ in _BOMS[1:]):
        return False
    if b"\x00" in head:
        return True
    controls = len(head) - len(head.translate(None, _CONTROLS))
    return bool(head) and controls / len(head) > 0.05


def decode_text(data: bytes, file: str) -> tuple[str, str]:
    """Decode with BOM sniffing, then strict UTF-8, then GB18030. Returns (text, encoding)."""
    if looks_binary(data):
        raise UnreadableFile(file, "不是文本文件，也不是已支持的文档格式")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise EncodingError(file, f"带{encoding} BOM 但第{exc.start}字节处无法解码") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise EncodingError(file, f"第{exc.start}字节处无法解码") from None


def decode_lines(data: bytes, file: str) -> tuple[list[str], list[str]]:
    """Decoded lines, and the warning every text reader gives when the file was not UTF-8."""
    text, encoding = decode_text(data, file)
    notes = [] if encoding in ("utf-8", "utf-8-sig") else [f"文件编码为 {encoding}，已自动转换"]
    return split_lines(text), notes


def split_lines(text: str) -> list[str]:
    """Lines without their endings, for \\n, \\r\\n and lone \\r alike."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
