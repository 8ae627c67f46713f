"""The model back from the store: ``jixiao/evaluation@1`` JSON (plus stored places) → :class:`Evaluation`.

The inverse of :func:`jixiao.contract.evaluation_json` for everything the contract
carries, so exporters and reports can work on stored forms exactly as on parsed ones.
Places come from the store's ``places`` column (the JSON only has their text).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..model import (
    EXTRA_FUNDS_ROWS,
    FUNDS_ROWS,
    Evaluation,
    Funds,
    FundsRow,
    Goals,
    How,
    Indicator,
    Project,
    Source,
    Total,
    no_parts,
)
from ..notes import Note
from ..place import Place
from ..values import Money, parse_measure


def _dec(text: str | None) -> Decimal | None:
    return Decimal(text) if text is not None else None


def _money(text: str | None, unit: Any) -> Money | None:
    return Money(Decimal(text), unit or "元") if text is not None else None


def _funds_row(data: dict[str, Any] | None, unit: Any) -> FundsRow | None:
    if data is None:
        return None
    return FundsRow(_money(data["initial"], unit), _money(data["full_year"], unit), _money(data["executed"], unit),
                    _dec(data["weight"]), _dec(data["rate"]), _dec(data["score"]), data.get("reason"))


def _indicator(data: dict[str, Any]) -> Indicator:
    return Indicator(data["level1"], data["level2"], data["name"], data["target"], data["actual"],
                     _dec(data["weight"]), _dec(data["score"]), data["note"], data.get("level1_text"),
                     data.get("level2_text"), parse_measure(data["target"] or ""), parse_measure(data["actual"] or ""),
                     nature=data.get("nature"), unit=data.get("unit_printed"), core=data.get("core"),
                     coefficient=_dec(data.get("coefficient")), target_initial=data.get("target_initial"))


def _notes(doc: dict[str, Any]) -> list[Note]:
    """The typed notes; a document stored before notes existed keeps its rendered warnings."""
    if "notes" in doc:
        return [Note.from_json(n) for n in doc["notes"]]
    return [Note("reader", None, {"text": w}) for w in doc.get("warnings", [])]


def parts_seen(doc: dict[str, Any]) -> dict[str, How]:
    """Parts of a form stored before parts_found existed: found where the JSON has their values."""
    parts = no_parts()
    total = doc.get("total") or {}
    seen = {"header": any(v for k, v in doc["project"].items() if k != "name_normalized") or doc.get("year"),
            "funds": any(doc["funds"].values()), "goals": any(doc["goals"].values()),
            "indicators": doc["indicators"], "total": total.get("score") is not None}
    for part, ok in seen.items():
        if ok:
            parts[part] = "label-matched"
    return parts


def evaluation_from_json(doc: dict[str, Any], places: dict[str, Any] | None = None) -> Evaluation:
    places = places or {}
    src = doc["source"]
    p = doc["project"]
    unit = doc.get("money_unit")
    total = doc.get("total")
    return Evaluation(
        source=Source(src["file"], src["format"], src["form_index"], Place(*places.get("source", ()))),
        year=doc.get("year"),
        project=Project(p["code"], p["name"], p["department"], p["implementing_unit"], p["manager"], p["phone"],
                        p.get("finance_manager"), p.get("finance_office")),
        money_unit=unit,
        funds=Funds(**{k: _funds_row(doc["funds"].get(k), unit) for k in FUNDS_ROWS + EXTRA_FUNDS_ROWS}),
        goals=Goals(doc["goals"]["expected"], doc["goals"]["achieved"], doc["goals"].get("initial")),
        indicators=[_indicator(i) for i in doc["indicators"]],
        level1_weights={k: Decimal(v) for k, v in doc.get("level1_weights", {}).items()},
        total=Total(_dec(total["weight"]), _dec(total["score"])) if total else None,
        remarks=doc.get("remarks"),
        title=doc.get("title"),
        template=doc.get("template", "national"),
        **{k: doc.get(k) for k in ("report_code", "implementation", "conclusion", "problems", "improvements")},
        notes=_notes(doc),
        parts_found=dict(doc["parts_found"]) if "parts_found" in doc else parts_seen(doc),
        locators={k: Place(*v) for k, v in places.get("fields", {}).items()},
    )
