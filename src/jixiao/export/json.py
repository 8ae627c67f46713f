"""The JSON exporter: one ``jixiao/evaluation@1`` file per form (the builders live in :mod:`jixiao.contract`)."""

from __future__ import annotations

import json
from pathlib import Path

from .. import inert
from ..contract import LIST_SCHEMA, SCHEMA, department_list_json, evaluation_json
from ..errors import FileFailure
from ..model import Evaluation
from ..scoring.policy import ScoringPolicy
from . import each_bytes, register_exporter

__all__ = ["LIST_SCHEMA", "SCHEMA", "department_list_json", "evaluation_json", "write_json"]


@register_exporter("json", "json", "JSON（jixiao/evaluation@1）")
def write_json(items: list[tuple[Evaluation, Path]], policy: ScoringPolicy | str | None) -> list[FileFailure]:
    return each_bytes(items, lambda ev: (json.dumps(inert.tree(evaluation_json(ev)), ensure_ascii=False, indent=2)
                                         + "\n").encode())
