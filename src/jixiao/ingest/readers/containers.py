"""The containers office files come in: zip (xlsx, docx, ods, odt) and OLE compound files (xls,
doc, wps, et, and password-protected Office files of any kind).

Opening them is where hostile or broken input shows: a truncated download, a zip bomb, a
password. Each becomes a one-line Chinese error here, before any library sees the bytes.
"""

from __future__ import annotations

import io
import zipfile
import zlib

from ...errors import UnreadableFile

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# A form is a few hundred KB unpacked; real workbooks with many sheets stay far below this.
MAX_UNPACKED_BYTES = 256 * 1024 * 1024
MAX_MEMBER_RATIO = 200
_WORD_ENCRYPTED = 0x0100


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
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
        raise UnreadableFile(file, f"文件已损坏：“{name}”无法解压（{exc}）") from None
    if len(data) > info.file_size:
        raise UnreadableFile(file, f"压缩包成员“{name}”实际大小超过声明，疑似压缩炸弹，已拒绝读取")
    return data


class Ole:
    """An OLE compound file's directory, and its streams on demand."""

    def __init__(self, data: bytes) -> None:
        from xlrd.compdoc import CompDoc

        self.streams: set[str] = set()
        self._doc = None
        if not data.startswith(OLE_MAGIC):
            return
        try:
            self._doc = CompDoc(data, logfile=io.StringIO())
        except Exception:  # noqa: BLE001 - a broken directory means "not an OLE file we know"
            return
        self.streams = {d.name for d in self._doc.dirlist if d.name}

    def stream(self, name: str) -> bytes:
        try:
            return bytes(self._doc.get_named_stream(name) or b"") if self._doc else b""
        except Exception:  # noqa: BLE001 - an unreadable stream reads as empty
            return b""

    def refuse_encrypted(self, file: str) -> None:
        """Password-protected xlsx/docx are OLE files holding an EncryptedPackage; a Word 97 file
        says so in its header (FIB flag fEncrypted)."""
        if "EncryptedPackage" in self.streams or "EncryptionInfo" in self.streams:
            raise PasswordProtected(file)
        if "WordDocument" in self.streams:
            fib = self.stream("WordDocument")[:12]
            if len(fib) == 12 and int.from_bytes(fib[10:12], "little") & _WORD_ENCRYPTED:
                raise PasswordProtected(file)
