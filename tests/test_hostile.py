"""Issue 13: every file read under limits, in a worker process; a hostile file fails alone, in one
Chinese line naming the file, the limit and the place, and the rest of the batch is read."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from jixiao import isolation
from jixiao.errors import FileFailure
from jixiao.limits import BadLimit, Limits, from_env, from_options
from jixiao.model import Document
from jixiao.pipeline import check_paths, load

from . import hostile
from .conftest import SEEDS
from .forms import Form, check

GOOD = SEEDS[0]


def _batch(*bad: Path, **limits: int) -> list[Document | FileFailure]:
    """The bad files between two good ones: both good ones must come back read, in order."""
    items = list(load([GOOD, *bad, SEEDS[3]], limits=Limits().with_values(limits), workers=2))
    assert isinstance(items[0], Document) and isinstance(items[-1], Document), items
    assert len(items) == len(bad) + 2
    return items[1:-1]


def _failure(item: object, *words: str) -> str:
    assert isinstance(item, FileFailure), item
    assert "Traceback" not in item.message and item.message.startswith(item.file), item.message
    for word in words:
        assert word in item.message, item.message
    return item.message


def test_xlsx_cell_at_xfd1048576_fails_alone(tmp_path: Path) -> None:
    bad = hostile.write(tmp_path / "far.xlsx", hostile.xlsx_far_cell())
    (item,) = _batch(bad)
    _failure(item, "far.xlsx", "行数", "XFD1048576", "--limit rows=")


def test_html_huge_spans_fail_alone(tmp_path: Path) -> None:
    (item,) = _batch(hostile.write(tmp_path / "spans.html", hostile.html_spans()))
    _failure(item, "spans.html", "合并单元格的跨度", "rowspan=100 000", "第2个表格第1行")
    # Under the span limit but over the cells limit: the table would lay out 4 × 900 × 900 cells.
    (item,) = _batch(hostile.write(tmp_path / "cells.html", hostile.html_spans(900)))
    _failure(item, "cells.html", "单元格数", "第2个表格")


def test_docx_grid_span_two_billion_fails_alone(tmp_path: Path) -> None:
    (item,) = _batch(hostile.write(tmp_path / "span.docx", hostile.docx_grid_span()))
    _failure(item, "span.docx", "合并单元格的跨度", "2 000 000 000", "第1个表格第1行")


def test_xls_bogus_merged_range_fails_alone(tmp_path: Path) -> None:
    (item,) = _batch(hostile.write(tmp_path / "merge.xls", hostile.xls_bogus_merge()))
    _failure(item, "merge.xls", "合并单元格的跨度", "65536 行 × 256 列", "工作表“自评表”")


def test_fifty_megabyte_line_fails_alone(tmp_path: Path) -> None:
    (item,) = _batch(hostile.write(tmp_path / "line.txt", hostile.long_line()))
    _failure(item, "line.txt", "单行长度", f"第{len(hostile.form_rows()) + 1}行")


def test_device_and_named_pipe_fail_at_once(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.txt"
    os.mkfifo(pipe)
    start = time.monotonic()
    zero, fifo = _batch(Path("/dev/zero"), pipe)
    assert time.monotonic() - start < 30
    _failure(zero, "/dev/zero", "不是普通文件")
    _failure(fifo, "pipe.txt", "不是普通文件")


def test_a_pdf_page_ruled_300_by_300_fails_alone_at_the_rulings_limit(tmp_path: Path) -> None:
    # Issue 13 defect 3: the table finder is super-linear in a page's ruling lines (300 × 300: 164 s,
    # 600 × 600 never ended); a page with more lines than any form has is over a named limit.
    (item,) = _batch(hostile.write(tmp_path / "grid.pdf", hostile.pdf_grid(300)))
    _failure(item, "grid.pdf", "每页表格线数", "第1页", "--limit rulings=")


@pytest.mark.parametrize("tag", ["font", "span", "div"])
def test_255_unclosed_tags_still_find_the_form(tag: str) -> None:
    from jixiao.ingest.recognize import read_bytes

    (ev,) = read_bytes(hostile.unclosed(tag), f"{tag}.html").evaluations
    assert ev.project.name == "干部培训" and ev.total is not None and str(ev.total.score) == "99.5"


def test_ten_thousand_nested_levels_still_find_the_form() -> None:
    from jixiao.ingest.recognize import read_bytes

    (ev,) = read_bytes(hostile.nested(), "deep.html").evaluations
    assert ev.project.name == "干部培训" and len(ev.indicators) == 6


def test_limits_from_environment_and_options() -> None:
    assert from_env({"JIXIAO_LIMIT_TIMEOUT": "7"}).timeout == 7
    assert from_options(["rows=10", "line=5"], Limits()).with_values({}) == Limits(rows=10, line=5)
    for bad in (["rows"], ["rows=-1"], ["nonsense=1"], ["rows=many"]):
        with pytest.raises(BadLimit):
            from_options(bad, Limits())


def test_limit_option_lowers_a_limit() -> None:
    (item,) = load([GOOD], limits=from_options(["rows=20"], Limits()))
    _failure(item, GOOD.name, "超过行数上限：读出 80 行（上限 20 行", "--limit rows=")


# ----------------------------------------------------------------- the worker pool itself

def _abort(_: str) -> None:
    os.abort()


def _sleep(_: str) -> None:
    time.sleep(60)


def _allocate(_: str) -> None:
    _ = bytearray(8 * 1024 ** 3)


def _kill(_: str) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _echo(name: str) -> str:
    return name


def _mixed(name: str) -> object:
    return {"abort": _abort, "sleep": _sleep, "allocate": _allocate, "kill": _kill}.get(name, _echo)(name)


def test_a_worker_that_aborts_times_out_or_runs_out_of_memory_fails_only_its_file() -> None:
    names = ["a", "abort", "b", "sleep", "c", "allocate", "d", "kill", "e"]
    start = time.monotonic()
    # The time limit is generous: on a loaded machine (the suite beside other work) a worker that only
    # echoes its name must never be taken for one that hangs.
    out = list(isolation.run(_mixed, [(n, (n,)) for n in names], workers=2, limits=Limits(timeout=10, memory=512)))
    assert time.monotonic() - start < 60
    assert [o for o in out if isinstance(o, str)] == ["a", "b", "c", "d", "e"]
    by_file = {o.file: o for o in out if isinstance(o, FileFailure)}
    assert "SIGABRT" in by_file["abort"].message
    assert "超过每个文件的读取时间上限" in by_file["sleep"].message
    assert "内存上限" in by_file["allocate"].message
    assert "SIGKILL" in by_file["kill"].message
    assert [o if isinstance(o, str) else o.file for o in out] == names  # input order kept


def test_check_keeps_input_order_with_many_workers(tmp_path: Path) -> None:
    files = [*SEEDS, tmp_path / "missing.txt", *SEEDS]
    one = [c.doc.file if not isinstance(c, FileFailure) else c.file for c in check_paths(files, workers=1)]
    many = [c.doc.file if not isinstance(c, FileFailure) else c.file for c in check_paths(files, workers=3)]
    assert one == many == [str(f) for f in files]


# ----------------------------------------------------------------- absurd numbers are findings (item 2)

@pytest.mark.parametrize("form", [
    Form().with_indicator(0, weight="1" + "0" * 26, score="1" + "0" * 26),
    Form(full_year="1" + "0" * 29, executed="1" + "0" * 29),
    Form(rate="0.000000000000000000000000001"),
    Form(executed="0.000000000000000000000000001", rate="0.000000000000000000000000001"),
], ids=["weight-27-digits", "amount-30-digits", "rate-1e-27", "executed-1e-27"])
def test_absurd_numbers_are_findings_not_crashes(form: Form) -> None:
    checked = check(form)
    codes = {f.code for r in checked.results for f in r.findings}
    assert codes and "internal-error" not in codes


def test_a_damaged_deflate_stream_is_a_damaged_file_not_an_internal_error(tmp_path: Path) -> None:
    (item,) = _batch(hostile.write(tmp_path / "deflate.xlsx", hostile.xlsx_bad_deflate()))
    message = _failure(item, "deflate.xlsx", "文件已损坏", "sheet1.xml")
    assert item.code != "internal-error", message  # type: ignore[union-attr]


def test_an_xls_record_cut_short_is_a_damaged_file(tmp_path: Path) -> None:
    """A mutant bench/fuzz.py found (003.xls with a run of bytes overwritten): xlrd meets a record header cut short."""
    from .test_formats import FORMS

    bad = hostile.write(tmp_path / "cut.xls", (FORMS / "bad" / "record-cut-short.xls").read_bytes())
    (item,) = _batch(bad)
    _failure(item, "cut.xls", "xls 文件已损坏")
    assert item.code != "internal-error"  # type: ignore[union-attr]


def test_an_xls_stream_longer_than_the_file_is_a_damaged_file(tmp_path: Path) -> None:
    """A mutant bench/fuzz.py found (an .xls with bytes flipped): the OLE directory gives the Workbook stream
    134 234 970 bytes in a 21 KB file; xlrd's CompDocError was an internal error (exit 70)."""
    from .test_formats import FORMS

    bad = hostile.write(tmp_path / "long.xls", (FORMS / "bad" / "stream-longer-than-file.xls").read_bytes())
    (item,) = _batch(bad)
    _failure(item, "long.xls", "xls 文件已损坏")
    assert item.code != "internal-error"  # type: ignore[union-attr]


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "utf-8-sig"])
def test_the_encoding_error_names_the_damaged_byte(encoding: str) -> None:
    # A byte no encoding reads (0xFF) after three lines of a form: the message counts it from 1, in the
    # file's own bytes (after a BOM too), and not where the other encoding stumbled on the first 汉字.
    from jixiao.errors import EncodingError
    from jixiao.ingest.readers.decode import decode_text

    text = Form().text().encode(encoding)
    head = b"\n".join(text.split(b"\n")[:3]) + b"\n"
    data = head + b"\xff\xff" + text[len(head):]
    with pytest.raises(EncodingError) as caught:
        decode_text(data, "坏编码.txt")
    assert f"第4行（第{len(head) + 1}字节）" in str(caught.value), str(caught.value)


def test_the_readme_names_the_libreoffice_timeout_the_code_uses() -> None:
    # The README said 120 s while the code waited 240 s: the number now lives in one setting
    # (Limits.office, --limit office=…), and the README's sentence must give its default.
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    (sentence,) = [line for line in readme.splitlines() if "LibreOffice 崩溃" in line]
    assert f"{Limits().office} 秒没有进展（上限 `office`" in sentence
    assert from_options(["office=600"]).office == 600


def test_a_pdf_page_that_fails_to_load_is_a_damaged_file(tmp_path: Path) -> None:
    """What bench/fuzz.py found (001.pdf with bits flipped): a page object pdfium cannot load was an
    internal error (PdfiumError: Failed to load page) instead of the file's own failure."""
    import re

    from .test_formats import FORMS

    data = re.sub(rb"/Type\s*/Page\b", b"/Type /Pagx", (FORMS / "001.pdf").read_bytes(), count=1)
    (item,) = _batch(hostile.write(tmp_path / "page.pdf", data))
    _failure(item, "page.pdf", "PDF 第1页已损坏")
    assert item.code != "internal-error"  # type: ignore[union-attr]
