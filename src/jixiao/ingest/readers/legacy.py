"""OLE compound files (xls, doc, wps, et, password-protected Office files) and OpenDocument
(odt, ods): told apart by their streams or mimetype, then read natively (xls) or converted by
LibreOffice (text documents to HTML, which it writes in half the time of docx with the same
tables, spans and paragraphs; sheets to xlsx) and read by those readers.

A batch converts its files ahead (:func:`convert_ahead`), many to a LibreOffice run.
"""

from __future__ import annotations

import os
import stat
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from ...errors import JixiaoError, UnsupportedFormat
from ...office import CHUNK, convert_each
from ..grid import Grid
from . import register
from .containers import OLE_MAGIC, ZIP_MAGIC, Ole, PasswordProtected, open_zip, read_member, zip_names
from .convert import Conversion, Converted, Failed, convert_bytes, is_ready, key
from .html import read_html
from .word97 import end_with_paragraph
from .xls import read_xls
from .xlsx import read_xlsx

_ODF_TEXT = b"application/vnd.oasis.opendocument.text"
_ODF_SHEET = b"application/vnd.oasis.opendocument.spreadsheet"
_HTML = "html:HTML (StarWriter)"
DOC = Conversion(".doc", _HTML, "Word 97-2003 / WPS 文字（doc、wps）", end_with_paragraph)
ODT = Conversion(".odt", _HTML, "OpenDocument 文本（odt）")
ODS = Conversion(".ods", "xlsx:Calc MS Excel 2007 XML", "OpenDocument 表格（ods）")
# LibreOffice runs at once in a batch: one per core (a run is one busy process), a few at most.
JOBS = max(1, min(os.cpu_count() or 1, 4))
# How far a batch looks ahead for files to convert together, and the largest file it converts
# ahead (a bigger one is left to its reader, which converts it alone).
_LOOKAHEAD = 400
_AHEAD_BYTES = 64 * 1024 * 1024
_WINDOW_BYTES = 128 * 1024 * 1024  # held in memory while a window converts (two at a time: one read, one converting)
T = TypeVar("T")


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
        return _converted(read_html(convert_bytes(data, DOC, file), file), "doc")
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
        return _converted(read_html(convert_bytes(data, ODT, file), file), "odt")
    if mimetype == _ODF_SHEET:
        return _converted(read_xlsx(convert_bytes(data, ODS, file), file), "ods")
    raise UnsupportedFormat(file, f"OpenDocument 文件类型“{mimetype.decode('ascii', 'replace')}”不是文本或表格")


def conversion_for(data: bytes) -> Conversion | None:
    """The conversion the readers above will ask for these bytes, if any."""
    if data.startswith(OLE_MAGIC):
        ole = Ole(data)
        try:
            ole.refuse_encrypted("")
        except PasswordProtected:
            return None
        if "WordDocument" in ole.streams and not {"Workbook", "Book"} & ole.streams:
            return DOC
        return None
    if not _is_odf(data):
        return None
    try:
        with open_zip(data, "") as zf:
            mimetype = read_member(zf, "mimetype", "").strip()
    except JixiaoError:
        return None
    return {_ODF_TEXT: ODT, _ODF_SHEET: ODS}.get(mimetype)


def _ahead(path: object) -> tuple[bytes, Conversion] | None:
    """The bytes and conversion of a file worth converting ahead (not done already); anything odd is
    left to its reader."""
    if not isinstance(path, (str, os.PathLike)):
        return None
    try:
        # Non-blocking: opening a named pipe must not wait for a writer.
        with os.fdopen(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb", buffering=0) as fh:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode) or st.st_size > _AHEAD_BYTES:
                return None
            head = fh.read(4096)
            if not head.startswith(OLE_MAGIC) and not (head.startswith(ZIP_MAGIC) and b"opendocument" in head[30:120]):
                return None
            data = head + fh.read(_AHEAD_BYTES)
    except OSError:
        return None
    conversion = conversion_for(data)
    return (data, conversion) if conversion and not is_ready(data, conversion) else None


def _convert_window(found: list[tuple[int, bytes, Conversion]], stop: threading.Event) -> dict[int, Converted]:
    out: dict[int, Converted] = {}
    with tempfile.TemporaryDirectory(prefix="jixiao-ahead-") as tmp:
        for conversion in dict.fromkeys(c for _, _, c in found):
            group = [(n, data, c) for n, data, c in found if c == conversion]
            sources = []
            for n, data, c in group:
                src = Path(tmp) / f"{n:05d}{c.suffix}"  # numbered: two files may share a name
                src.write_bytes(c.source(data))
                sources.append(src)
            results = convert_each(sources, conversion.target, Path(tmp) / "out", names=[s.name for s in sources],
                                   kind=f"读取{conversion.kind}文件", jobs=JOBS, stop=stop)
            for (n, data, c), result in zip(group, results):
                ready = Failed.of(result) if isinstance(result, JixiaoError) else result.read_bytes()
                out[n] = Converted({key(data, c): ready})
    return out


def _window(source: Iterator[T], path: Callable[[T], object], window: int) -> tuple[list[T], list[tuple[int, bytes, Conversion]]]:
    """The next items, up to ``window`` of them to convert; with (position, bytes, conversion) of those."""
    batch: list[T] = []
    found: list[tuple[int, bytes, Conversion]] = []
    held = 0
    for item in source:
        batch.append(item)
        if (ahead := _ahead(path(item))) is not None:
            found.append((len(batch) - 1, *ahead))
            held += len(ahead[0])
        if len(found) >= window or len(batch) >= _LOOKAHEAD or held >= _WINDOW_BYTES:
            break
    return batch, found


def convert_ahead(items: Iterable[T], *, path: Callable[[T], object] = lambda item: item,
                  window: int = CHUNK * JOBS) -> Iterator[tuple[T, Converted]]:
    """Each item with its conversion done ahead (empty when it needs none), in order: the files that
    LibreOffice reads (``path(item)``; items that are not paths pass through) are converted ``window``
    at a time, a few runs at once, each failing alone.

    The next window converts (in a thread: the work is LibreOffice's) while this one's items are
    read, so LibreOffice and the readers keep every core busy rather than taking turns."""
    source = iter(items)
    stop = threading.Event()
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jixiao-convert")  # one window at a time
    ready: tuple[list[T], Future[dict[int, Converted]] | None] | None = None
    try:
        while True:
            batch, found = _window(source, path, window)
            converting = pool.submit(_convert_window, found, stop) if found else None
            if ready is not None:
                done, future = ready
                converted = future.result() if future is not None else {}
                for n, item in enumerate(done):
                    yield item, converted.get(n) or Converted()
            if not batch:
                return
            ready = batch, converting
    finally:  # finished, interrupted or abandoned: no conversion goes on behind
        stop.set()
        pool.shutdown(wait=True, cancel_futures=True)
