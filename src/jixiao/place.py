"""Where a value sits in its source file: the one place type every layer shares.

Below the model so that the model, the readers and the checks name places without
importing each other.
"""

from __future__ import annotations

from typing import Any, NamedTuple


class Place(NamedTuple):
    """Where a cell sits in its source: a text line, a sheet cell, a table cell or a page.

    ``row`` is a row of a sheet or a document table; ``para`` a paragraph of a document.

    A NamedTuple rather than a dataclass: every parsed value gets one, so it must be cheap.
    """

    line: int | None = None
    col: int | None = None
    sheet: str | None = None
    cell: str | None = None
    table: int | None = None
    page: int | None = None
    row: int | None = None
    para: int | None = None

    def _parts(self, zh: bool) -> list[str]:
        out = []
        for name, en_fmt, zh_fmt in _PLACE_PARTS:
            value = getattr(self, name)
            if value is not None and not (name in ("col", "row") and self.cell is not None):
                out.append((zh_fmt if zh else en_fmt).format(value))
        return out

    def describe(self) -> str:
        """Machine-facing English form, as in the JSON contract ("line 3, col 5")."""
        return ", ".join(self._parts(False)) or "?"

    def zh(self) -> str:
        """Reader-facing Chinese form ("第9行第5列")."""
        return "".join(self._parts(True)) or "未知位置"

    def to_json(self) -> dict[str, str | int]:
        """The set fields only, as a machine locator ({"sheet": "自评表", "cell": "H14"})."""
        return {k: v for k, v in zip(self._fields, self) if v is not None}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Place:
        return cls(**data) if data else cls()


# (field, English, Chinese), outermost first; a column is not shown beside a cell reference.
_PLACE_PARTS = (
    ("sheet", "sheet {}", "工作表“{}”"),
    ("page", "page {}", "第{}页"),
    ("table", "table {}", "第{}个表格"),
    ("cell", "cell {}", "单元格{}"),
    ("row", "row {}", "第{}行"),
    ("para", "paragraph {}", "第{}段"),
    ("line", "line {}", "第{}行"),
    ("col", "col {}", "第{}列"),
)
