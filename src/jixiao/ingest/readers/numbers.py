"""Spreadsheet numbers back to the text the sheet shows: the cell's number format decides the
decimals and the percent sign, as on the printed form ("1300000.00", "72.2%")."""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

# Built-in number formats by id (ECMA-376 18.8.30) that matter for forms.
BUILTIN_FORMATS = {0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 9: "0%", 10: "0.00%", 49: "@"}
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


@lru_cache(maxsize=256)
def _decimals_percent(code: str) -> tuple[int | None, bool]:
    """(decimal places or None for General, percent?) of the format's positive section."""
    section = _QUOTED.sub("", code.split(";")[0])
    if not section or section.lower() in ("general", "@") or "0" not in section and "#" not in section:
        return None, "%" in section
    m = re.search(r"\.([0#?]+)", section)
    return (len(m.group(1)) if m else 0), "%" in section


def render_number(value: float | int, code: str) -> str:
    """The number as the format shows it, without thousands separators."""
    places, percent = _decimals_percent(code)
    d = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if percent:
        d *= 100
    if places is None:
        text = format(d.normalize(), "f") if d == d.to_integral_value() else format(d, "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    else:
        text = format(d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP), "f")
    return text + ("%" if percent else "")


def render_date(value: dt.date | dt.datetime | dt.time | dt.timedelta) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    return value.isoformat() if not isinstance(value, dt.timedelta) else str(value)
