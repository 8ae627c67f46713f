"""Zip archives as input: how units submit a year's forms. Each member becomes its own file of the batch.

A member is named ``归档.zip!/甲单位/自评表.xlsx`` everywhere (messages, JSON ``source.file``, the store),
so a finding names the archive and the file inside it. An office file (xlsx, docx, ods, odt) is a zip
too and is read as the document it is, not expanded. The guards are the containers' (``containers.py``):
the declared unpacked size and ratio are checked before anything is inflated, a member is read no further
than its declared size, and an archive with more members than :data:`MAX_MEMBERS` is refused.
"""

from __future__ import annotations

import zipfile
from pathlib import Path, PurePosixPath
from typing import Iterator

from .. import limits
from ..errors import UnreadableFile
from .readers.containers import ZIP_MAGIC, open_zip, read_member

SEP = "!/"
SUFFIXES = frozenset({".zip"})
MAX_MEMBERS = 10_000
# Office documents are zips; their own markers say so (OOXML's content types, ODF's mimetype).
_OFFICE_MEMBERS = ("[Content_Types].xml", "mimetype")


def _bytes(path: Path) -> bytes:
    cap = limits.active().bytes * 1024 * 1024
    size = path.stat().st_size
    if size > cap:
        raise limits.LimitExceeded(str(path), "bytes", f"压缩包有 {size / 1024 / 1024:.0f} MB")
    return path.read_bytes()


def is_archive(path: Path) -> bool:
    """A zip that is not an office document (read by content, whatever its name)."""
    try:
        with path.open("rb") as fh:
            if fh.read(4) != ZIP_MAGIC:
                return False
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except (OSError, zipfile.BadZipFile, ValueError):
        return path.suffix.lower() in SUFFIXES  # a damaged .zip is still an archive: its reading says why
    return not any(m in names for m in _OFFICE_MEMBERS)


def members(path: Path, supported: frozenset[str]) -> Iterator[str]:
    """``archive!/member`` for each member with a supported suffix, in the archive's order; hidden files,
    folders and macOS resource forks skipped. Raises a :class:`~jixiao.errors.JixiaoError` when the archive cannot be read."""
    file = str(path)
    try:
        zf = open_zip(_bytes(path), file)
    except OSError as exc:
        raise UnreadableFile(file, f"压缩包无法读取（{exc.strerror or exc}）") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise UnreadableFile(file, f"压缩包有 {len(infos)} 个成员，超过 {MAX_MEMBERS} 个，已拒绝读取")
        for info in infos:
            name = PurePosixPath(info.filename)
            if info.is_dir() or any(part.startswith((".", "__MACOSX")) for part in name.parts):
                continue
            if name.suffix.lower() in supported:
                yield f"{file}{SEP}{info.filename}"


def split(file: str) -> tuple[str, str] | None:
    """(archive, member) of a member's name, None for a plain file."""
    if SEP not in file:
        return None
    archive, member = file.split(SEP, 1)
    return archive, member


def read(file: str) -> bytes:
    """The bytes of ``archive!/member``, under the containers' guards."""
    parts = split(file)
    if parts is None:
        raise ValueError(file)
    archive, member = parts
    try:
        zf = open_zip(_bytes(Path(archive)), archive)
    except OSError as exc:
        raise UnreadableFile(file, f"压缩包无法读取（{exc.strerror or exc}）") from None
    with zf:
        return read_member(zf, member, file)
