"""Objects kept in a temporary file instead of memory, read back one at a time in the order asked for.

A report over a store of 150 000 forms writes each form's line here as it is checked and holds only
where it is; the lines are read back, in the report's order, while the HTML is written. ``check``
over 20 000 files keeps here the forms it compares across files (years, a department's projects),
and spools here what it prints (:class:`Spool`) until the run's last findings are known; what it
looks up by key at the end (a department's project forms, a form's findings that came late) is filed
in a temporary database (:class:`Filed`).
"""

from __future__ import annotations

import json
import pickle
import sqlite3
import tempfile
from typing import Callable, Collection, Generic, Iterable, Iterator, Sequence, TypeVar, overload

T = TypeVar("T")
Ref = tuple[int, int]  # offset and length in the shelf's file


class Shelf:
    """A temporary file of pickled objects (removed when closed or collected)."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile(prefix="jixiao-")
        self._end = 0

    def put(self, obj: object) -> Ref:
        data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
        self._file.seek(self._end)
        self._file.write(data)
        ref = (self._end, len(data))
        self._end += len(data)
        return ref

    def get(self, ref: Ref) -> object:
        self._file.seek(ref[0])
        return pickle.loads(self._file.read(ref[1]))


class Shelved(Sequence[T], Generic[T]):
    """The objects at ``refs`` of a shelf, each read back (and made by ``make`` from its position and
    what was put) when it is asked for."""

    def __init__(self, shelf: Shelf, refs: Sequence[Ref], make: Callable[[int, object], T]) -> None:
        self._shelf, self._refs, self._make = shelf, refs, make

    def __len__(self) -> int:
        return len(self._refs)

    @overload
    def __getitem__(self, n: int) -> T: ...

    @overload
    def __getitem__(self, n: slice) -> list[T]: ...

    def __getitem__(self, n: int | slice) -> T | list[T]:
        if isinstance(n, slice):
            return [self[i] for i in range(*n.indices(len(self)))]
        if n < 0:
            n += len(self)
        return self._make(n, self._shelf.get(self._refs[n]))

    def __iter__(self) -> Iterator[T]:
        for n in range(len(self._refs)):
            yield self[n]


class Spool(Collection[T], Generic[T]):
    """A list that only grows at its end, kept in a temporary file: iterating reads it back from the
    start, one object at a time (a command's output rows and JSON objects over a run of any size)."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile(prefix="jixiao-spool-")
        self._count = 0
        self._end = 0

    def append(self, obj: T) -> None:
        self._file.seek(self._end)
        pickle.dump(obj, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self._end = self._file.tell()
        self._count += 1

    def extend(self, objs: Iterable[T]) -> None:
        for obj in objs:
            self.append(obj)

    def __len__(self) -> int:
        return self._count

    def __contains__(self, obj: object) -> bool:
        return any(obj == mine for mine in self)

    def __iter__(self) -> Iterator[T]:
        at = 0
        for _ in range(self._count):
            self._file.seek(at)  # where this reader was: an append between two objects moves the file
            obj = pickle.load(self._file)
            at = self._file.tell()
            yield obj


Key = tuple[str | int | None, ...]


class Filed(Generic[T]):
    """Objects filed under keys in a temporary SQLite database (on disk once it outgrows its cache),
    each key's read back in the order they were filed."""

    def __init__(self) -> None:
        self._db = sqlite3.connect("")  # "": a private temporary database
        self._db.execute("CREATE TABLE filed (key TEXT, obj BLOB)")
        self._db.execute("CREATE INDEX filed_key ON filed (key)")  # its rows in rowid order: as filed
        self._count = 0

    @staticmethod
    def _key(key: Key) -> str:
        return json.dumps(key, ensure_ascii=False)

    def add(self, key: Key, obj: T) -> None:
        self._db.execute("INSERT INTO filed VALUES (?, ?)", (self._key(key), pickle.dumps(obj, pickle.HIGHEST_PROTOCOL)))
        self._count += 1

    def get(self, key: Key) -> list[T]:
        return [pickle.loads(obj) for (obj,) in self._db.execute("SELECT obj FROM filed WHERE key = ?", (self._key(key),))]

    def __len__(self) -> int:
        return self._count
