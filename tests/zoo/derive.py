"""Derived formats of the zoo's files, made with the tools users make them with; goldens stay the generator's.

- ``web-text``: what a user pasting from a browser gets: each HTML file opened in Chromium (Playwright driving
  Debian's chromium, never a downloaded one) and its body's rendered text (``innerText``: a table's cells
  separated by tabs, its rows by line breaks, rowspan and colspan lost).
- ``web-tables``: the same for the tables alone, as when a user selects only the tables: no title between forms.
- ``pdf-text``, ``pdf-raw`` and ``pdf-layout``: ``pdftotext`` as it prints by default (reading order), ``-raw``
  and ``-layout`` (poppler-utils) of the printed PDFs.
- ``doc`` and ``xls``: the docx and xlsx saved as Word 97 / Excel 97 by LibreOffice.

Usage: python -m tests.zoo.derive OUTDIR [--seed N] [--files N]  (writes the zoo, then every derived format)
"""

from __future__ import annotations

import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from jixiao.office import convert_each

from .generate import write_all, zoo_arguments

DERIVED = ("web-text", "web-tables", "pdf-text", "pdf-raw", "pdf-layout", "doc", "xls")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Which base format each derived one comes from.
SOURCE = {"web-text": "html", "web-tables": "html", "pdf-text": "pdf", "pdf-raw": "pdf",
          "pdf-layout": "pdf", "doc": "docx", "xls": "xlsx"}


def missing_tool(fmt: str) -> str | None:
    """Why ``fmt`` cannot be made on this machine, or None."""
    if fmt.startswith("web-") and not Path(CHROMIUM).exists():
        return "没有 chromium（scripts/setup-system.sh 安装）"
    if fmt.startswith("pdf") and shutil.which("pdftotext") is None:
        return "没有 pdftotext（poppler-utils，scripts/setup-system.sh 安装）"
    if fmt in ("doc", "xls", "pdf-text", "pdf-raw", "pdf-layout") and shutil.which("soffice") is None:
        return "没有 LibreOffice（scripts/setup-system.sh 安装）"
    return None


def browser_text(paths: list[Path], out: Path, tables_only: bool = False) -> list[Path]:
    """Each page's body text (or its tables' text, one after another) as Chromium renders it, saved as UTF-8.
    In a thread of its own: Playwright's sync API refuses a thread where an asyncio loop runs (another test's)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(_browser_text, paths, out, tables_only).result()


def _browser_text(paths: list[Path], out: Path, tables_only: bool) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    done = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            for p in paths:
                page.goto(p.resolve().as_uri())
                q = out / f"{p.stem}.txt"
                text = (page.eval_on_selector_all("table", "ts => ts.map(t => t.innerText).join('\\n')") if tables_only
                        else page.inner_text("body"))
                q.write_text(text, encoding="utf-8")
                done.append(q)
        finally:
            browser.close()
    return done


def pdf_text(paths: list[Path], out: Path, mode: str) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    done = []
    for p in paths:
        q = out / f"{p.stem}.{mode}.txt"
        flags = [] if mode == "text" else [f"-{mode}"]  # "text": pdftotext's default, the reading order
        subprocess.run(["pdftotext", *flags, "-enc", "UTF-8", str(p), str(q)], check=True, timeout=120)
        done.append(q)
    return done


def office(paths: list[Path], target: str, out: Path) -> list[Path]:
    done = []
    for r in convert_each(paths, target, out, jobs=2):
        if isinstance(r, Exception):
            raise r
        done.append(r)
    return done


def derive(fmt: str, base: dict[str, list[Path]], out: Path) -> list[Path]:
    """The files of one derived format, made from the base formats' files ``base`` (as write_all returns them)."""
    src = base[SOURCE[fmt]]
    if fmt.startswith("web-"):
        return browser_text(src, out / fmt, tables_only=fmt == "web-tables")
    if fmt.startswith("pdf-"):
        return pdf_text(src, out / fmt, fmt.removeprefix("pdf-"))
    if fmt == "doc":
        # By way of RTF: LibreOffice's Word 97 export of some python-docx tables (merges over a 9-column grid)
        # writes a .doc that has lost the table, its cells run together in one paragraph, which Word never
        # writes; the same table saved from RTF stays a table.
        return office(office(src, "rtf", out / "doc-rtf"), "doc:MS Word 97", out / fmt)
    return office(src, "xls:MS Excel 97", out / fmt)


def main() -> None:
    out, files = zoo_arguments()
    base = write_all(files, out / "base")
    for fmt in DERIVED:
        print(fmt, len(derive(fmt, base, out)))


if __name__ == "__main__":
    main()
