"""OLE compound files (xls, doc, wps, et, password-protected Office files) and OpenDocument
(odt, ods): told apart by their streams or mimetype, then read natively (xls) or converted by
LibreOffice to docx/xlsx and read by those readers."""

from __future__ import annotations

from ...errors import UnsupportedFormat
from ..grid import Grid
from . import register
from .containers import OLE_MAGIC, ZIP_MAGIC, Ole, open_zip, read_member, zip_names
from .convert import convert_bytes
from .docx import read_docx
from .xls import read_xls
from .xlsx import read_xlsx

_ODF_TEXT = b"application/vnd.oasis.opendocument.text"
_ODF_SHEET = b"application/vnd.oasis.opendocument.spreadsheet"


def _converted(grid: Grid, fmt: str) -> Grid:
    grid.format = fmt
    return grid


@register("ole", lambda data: data.startswith(OLE_MAGIC), priority=10)
def read_ole(data: bytes, file: str) -> Grid:
    ole = Ole(data)
    ole.refuse_encrypted(file)
    streams = ole.streams
    if "Workbook" in streams or "Book" in streams:
        return read_xls(data, file)
    if "WordDocument" in streams:
        docx = convert_bytes(data, ".doc", "docx", file, "Word 97-2003 / WPS 文字（doc、wps）")
        return _converted(read_docx(docx, file), "doc")
    raise UnsupportedFormat(file, "OLE 复合文档，但既不是 Word 也不是 Excel 文件")


@register("zip", lambda data: data.startswith(ZIP_MAGIC), priority=1)
def read_zip(data: bytes, file: str) -> Grid:
    """A zip none of the office readers claimed: broken (truncated download) or some other archive."""
    with open_zip(data, file):
        pass
    raise UnsupportedFormat(file, "zip 压缩包，但不是 xlsx、docx、odt 或 ods 文件")


def _is_odf(data: bytes) -> bool:
    # The mimetype member is stored first and uncompressed, so its bytes are checked before the zip is opened.
    return data.startswith(ZIP_MAGIC) and b"opendocument" in data[30:120] and "mimetype" in zip_names(data)


@register("odf", _is_odf, priority=9)
def read_odf(data: bytes, file: str) -> Grid:
    with open_zip(data, file) as zf:
        mimetype = read_member(zf, "mimetype", file).strip()
    if mimetype == _ODF_TEXT:
        return _converted(read_docx(convert_bytes(data, ".odt", "docx", file, "OpenDocument 文本（odt）"), file), "odt")
    if mimetype == _ODF_SHEET:
        xlsx = convert_bytes(data, ".ods", "xlsx", file, "OpenDocument 表格（ods）")
        return _converted(read_xlsx(xlsx, file), "ods")
    raise UnsupportedFormat(file, f"OpenDocument 文件类型“{mimetype.decode('ascii', 'replace')}”不是文本或表格")
