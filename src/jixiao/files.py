"""Output files written whole or not at all: the bytes go to a temporary file beside the target,
renamed over it once complete, so an interrupted run (Ctrl-C, a full disk, a killed process) never
leaves a half-written file under the final name."""

from __future__ import annotations

import errno
import itertools
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

_serial = itertools.count()


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A temporary path to write; on leaving without an error it becomes ``path``, else it is removed.
    A read-only target stays refused (a rename would quietly replace it)."""
    if path.exists() and not path.is_dir() and not os.access(path, os.W_OK):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
    # A short name of its own: the target's name may already be as long as the file system allows.
    part = path.with_name(f".jixiao-{os.getpid()}-{next(_serial)}.part")
    try:
        yield part
        os.replace(part, path)
    except BaseException as exc:
        part.unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.filename in (str(part), part):
            exc.filename = str(path)  # the user knows the target, not our temporary name
        raise


def write_bytes(path: Path, data: bytes) -> None:
    with replacing(path) as part:
        part.write_bytes(data)


def write_text(path: Path, text: str, newline: str | None = None) -> None:
    with replacing(path) as part:
        part.write_text(text, encoding="utf-8", newline=newline)
