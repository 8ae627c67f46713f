"""Text from forms made inert for every place it goes: terminal, spreadsheet, Word, JSON, CSV.

Forms are published documents, that is, anyone's text: a file name or a cell may hold Rich markup
(``[/x]`` ends a style that was never opened, and Rich raises), terminal escape sequences (which
repaint or retitle the reviewer's terminal), control characters (Word's ``\\x0b`` line break, NUL,
the junk of a damaged PDF: XML cannot hold them, so xlsx and docx writers raise), or a leading
``=``/``+``/``-``/``@`` that Excel runs as a formula (``=HYPERLINK(...)`` sends data away).
Every writer passes its text through one function here.
"""

from __future__ import annotations

import re
from typing import Any

from rich.markup import escape

# C0 controls except tab, line feed and carriage return; DEL; C1 controls (ESC's 8-bit forms among them).
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# An ANSI/VT escape sequence: CSI … final byte, OSC … BEL/ST, or ESC and one character.
_ESCAPES = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-_]?)")
# Characters that XML 1.0 cannot hold beyond the controls: lone surrogates and the two non-characters.
_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")
# Word's vertical tab is its manual line break, a form feed its page break: both read as a new line.
_LINE_BREAKS = str.maketrans({"\x0b": "\n", "\x0c": "\n"})
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def text(value: str) -> str:
    """Printable text: escape sequences dropped, line breaks kept, other controls removed."""
    if value.isprintable():
        return value
    return _NOT_XML.sub("\ufffd", _CONTROLS.sub("", _ESCAPES.sub("", value.translate(_LINE_BREAKS))))


def console(value: object) -> str:
    """For a Rich console: inert text with its markup escaped, so it prints as written."""
    return escape(text(str(value)))


def csv_cell(value: str) -> str:
    """For a CSV cell: inert text that a spreadsheet opening the file never runs as a formula.

    A leading quote is what Excel itself puts before text typed as ``=…``; numbers are written as
    numbers by the callers and never come here, so a printed negative amount stays a number."""
    value = text(value)
    return "'" + value if value.startswith(FORMULA_START) else value


def sheet_cell(cell: Any, value: object) -> None:
    """Put ``value`` in an openpyxl cell; text stays text as written (openpyxl would store a leading
    ``=`` as a live formula), with what XML cannot hold removed."""
    if isinstance(value, str):
        cell.value = text(value)
        cell.data_type = "s"
    else:
        cell.value = value


def tree(obj: Any) -> Any:
    """Every string of a JSON-ready structure made inert (lone surrogates cannot even be encoded)."""
    if isinstance(obj, str):
        return text(obj)
    if isinstance(obj, dict):
        return {k: tree(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [tree(v) for v in obj]
    return obj
