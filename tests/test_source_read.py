"""Reading a file's bytes: memory in proportion to the file, not to the size cap; the cap still holds."""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from jixiao import limits
from jixiao.ingest import recognize
from jixiao.ingest.recognize import read_path
from jixiao.limits import LimitExceeded, Limits

from .conftest import SEEDS


@pytest.fixture
def cap_mb() -> Iterator[int]:
    """The default limits active for the test (its own may lower them), restored after it."""
    before = limits.active()
    limits.activate(Limits())
    yield Limits().bytes
    limits.activate(before)


def test_small_file_read_allocates_far_less_than_the_cap(cap_mb: int) -> None:
    read_path(SEEDS[0])  # imports and caches warm
    tracemalloc.start()
    try:
        doc = read_path(SEEDS[0])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert doc.evaluations
    # A whole parse of one seed takes a few MB; a buffer the cap's size (200 MB) would be all of it.
    assert peak < cap_mb * 1024 * 1024 / 20, f"peak {peak / 1e6:.1f} MB"


def test_file_over_the_cap_is_refused_with_one_line(tmp_path: Path, cap_mb: int) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(SEEDS[0].read_bytes() + b" " * (2 * 1024 * 1024))
    limits.activate(Limits(bytes=1))
    with pytest.raises(LimitExceeded) as err:
        read_path(big)
    assert "超过文件大小上限：文件有 2 MB" in err.value.message and "--limit bytes=" in err.value.message


def test_file_longer_than_its_reported_size_is_read_whole() -> None:
    # /proc reports size 0 for a file that has content: the read goes on past the reported size.
    with open("/proc/self/status", "rb") as fh:
        data = recognize._read_capped(fh, 0, 1024 * 1024)
    assert data.startswith(b"Name:") and b"VmPeak" in data and data.endswith(b"\n")
    with open("/proc/self/status", "rb") as fh:
        assert len(recognize._read_capped(fh, 0, 10)) == 11  # over the cap by one: the caller refuses it
