"""The JSON exporter: one ``jixiao/evaluation@1`` file per form (the builders live in :mod:`jixiao.contract`)."""

from __future__ import annotations

import json
from pathlib import Path

from .. import inert
from ..contract import LIST_SCHEMA, SCHEMA, department_list_json, evaluation_json
from ..model import Evaluation
from ..scoring.policy import ScoringPolicy
from . import register_exporter

__all__ = ["LIST_SCHEMA", "SCHEMA", "department_list_json", "evaluation_json", "write_json"]


@register_exporter("json", "json", "JSON（jixiao/evaluation@1）")
def write_json(items: list[tuple[Evaluation, Path]], policy: ScoringPolicy | str | None) -> None:
    for ev, path in items:
        path.write_text(json.dumps(inert.tree(evaluation_json(ev)), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
