"""The containers office files come in: zip (xlsx, docx, ods, odt) and OLE compound files (xls,
doc, wps, et, and password-protected Office files of any kind).

Opening them is where hostile or broken input shows: a truncated download, a zip bomb, a
password. Each becomes a one-line Chinese error here, before any library sees the bytes.
"""

from __future__ import annotations

import io
import zipfile

from ...errors import UnreadableFile

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# A form is a few hundred KB unpacked; real workbooks with many sheets stay far below this.
MAX_UNPACKED_BYTES = 256 * 1024 * 1024
MAX_MEMBER_RATIO = 200


class PasswordProtected(UnreadableFile):
    code = "password-protected"
    template = "文件设有打开密码（已加密），请去掉密码后再读取{detail}"


def zip_names(data: bytes) -> set[str]:
    """Member names of a zip, or an empty set when the data is not one (used by the sniffers)."""
    if not data.startswith(ZIP_MAGIC):
        return set()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return set(zf.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return set()


def open_zip(data: bytes, file: str) -> zipfile.ZipFile:
    """Open a zip whose declared unpacked size is bounded; corrupt or oversized zips raise."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise UnreadableFile(file, "文件已损坏：压缩包结构不完整（可能下载不完整）") from None
    total = 0
    for info in zf.infolist():
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if total > MAX_UNPACKED_BYTES or (info.file_size > 16 * 1024 * 1024 and ratio > MAX_MEMBER_RATIO):
            zf.close()
            raise UnreadableFile(file, f"压缩包解压后过大（成员“{info.filename}”），疑似压缩炸弹，已拒绝读取")
    return zf


def read_member(zf: zipfile.ZipFile, name: str, file: str) -> bytes:
    """One member, read no further than its declared size allows (a lying header cannot inflate it)."""
    try:
        info = zf.getinfo(name)
        with zf.open(info) as fh:
            data = fh.read(info.file_size + 1)
    except KeyError:
        raise UnreadableFile(file, f"文件已损坏：缺少“{name}”") from None
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
        raise UnreadableFile(file, f"文件已损坏：“{name}”无法解压（{exc}）") from None
    if len(data) > info.file_size:
        raise UnreadableFile(file, f"压缩包成员“{name}”实际大小超过声明，疑似压缩炸弹，已拒绝读取")
    return data


def ole_streams(data: bytes) -> set[str]:
    """Names of the streams and storages in an OLE compound file; empty when it is not one."""
    if not data.startswith(OLE_MAGIC):
        return set()
    from xlrd.compdoc import CompDoc

    try:
        doc = CompDoc(data, logfile=io.StringIO())
    except Exception:  # noqa: BLE001 - a broken directory means "not an OLE file we know"
        return set()
    return {d.name for d in doc.dirlist if d.name}


def refuse_encrypted(streams: set[str], file: str) -> None:
    """Password-protected xlsx/docx are OLE files holding an EncryptedPackage; old formats say so in their own way."""
    if "EncryptedPackage" in streams or "EncryptionInfo" in streams:
        raise PasswordProtected(file)
