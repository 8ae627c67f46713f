"""Reader registry: one module per format, detected by content, not by file name."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..grid import Grid

Sniffer = Callable[[bytes], bool]
ReadFn = Callable[[bytes, str], Grid]


@dataclass(frozen=True, slots=True)
class Reader:
    name: str
    sniff: Sniffer
    read: ReadFn
    priority: int = 0


READERS: dict[str, Reader] = {}


def register(name: str, sniff: Sniffer, priority: int = 0) -> Callable[[ReadFn], ReadFn]:
    """Register a format reader; higher priority sniffers are asked first."""

    def deco(fn: ReadFn) -> ReadFn:
        READERS[name] = Reader(name, sniff, fn, priority)
        return fn

    return deco


def detect(data: bytes) -> Reader | None:
    for reader in sorted(READERS.values(), key=lambda r: -r.priority):
        if reader.sniff(data):
            return reader
    return None


# Importing the modules registers them.
from . import docx, flat, html, layout, legacy, pdf, pdfblocks, pdfraw, pipes, text, xlsx  # noqa: E402,F401
