"""Printed precision and the tolerance of rules.md §2.

A printed value is accepted when some way a spreadsheet could have produced it
explains it: rounding half up or truncating the exact value at the printed
precision (or at two places when the zeros after them are padding, "99.4500"), or
doing so after the rate itself was rounded first (double rounding).
"""

from __future__ import annotations

from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, ROUND_DOWN, ROUND_HALF_UP, Context, Decimal
from typing import Iterable, Iterator

from ..values import HUNDRED, ONE, places, quantum

__all__ = ["HUNDRED", "ONE", "places", "quantum"]

# Rounding at a printed precision never needs more digits than the value has, but the default
# context's 28 raise InvalidOperation on a 30-digit amount or a 27-place rate: forms carry any size.
EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)


def significant_places(d: Decimal) -> int:
    """Places left when padding zeros are dropped: Decimal("99.4500") → 2, Decimal("100.00") → 0."""
    return places(d.normalize()) if d else 0


def round_half_up(d: Decimal, n: int) -> Decimal:
    return d.quantize(quantum(n), rounding=ROUND_HALF_UP, context=EXACT)


def truncate(d: Decimal, n: int) -> Decimal:
    return d.quantize(quantum(n), rounding=ROUND_DOWN, context=EXACT)


def explains(printed: Decimal, exact: Iterable[Decimal]) -> bool:
    """True when rounding or truncating any candidate at the printed precision gives ``printed``."""
    hi = places(printed)
    # Zeros past two places are padding ("99.4500" is 99.45); within two they are printed digits
    # ("10.00" claims two places, so it does not stand for 9.5 rounded to a whole point).
    lo = min(max(significant_places(printed), min(hi, 2)), hi)
    # Rounding or truncating at n >= lo places moves a value by less than one unit at lo places:
    # a candidate that far from the printed value cannot explain it.
    reach = quantum(lo)
    for value in exact:
        if abs(value - printed) >= reach:
            continue
        for n in range(lo, hi + 1):
            q = quantum(n)
            if value.quantize(q, ROUND_HALF_UP, EXACT) == printed or value.quantize(q, ROUND_DOWN, EXACT) == printed:
                return True
    return False


def within_last_digit(printed: Decimal, exact: Decimal) -> bool:
    """|printed − exact| ≤ one unit of the printed last digit."""
    return abs(printed - exact) <= quantum(places(printed))


def rounded_variants(exact: Decimal, max_places: int = 4) -> Iterator[Decimal]:
    """The exact value and its roundings/truncations at 0..max_places: the inputs of double rounding.

    Made one at a time: :func:`explains` usually accepts the first and needs none of the others."""
    seen = [exact]
    yield exact
    for n in range(max_places + 1):
        q = quantum(n)
        for v in (exact.quantize(q, ROUND_HALF_UP, EXACT), exact.quantize(q, ROUND_DOWN, EXACT)):
            if v not in seen:
                seen.append(v)
                yield v


def show(d: Decimal, n: int = 2) -> str:
    """A computed value for messages: n places, half up, no exponent."""
    return format(round_half_up(d, n), "f")
