"""Which policy scores a form: ``--policy`` when given, else the config file's rule for the form's
主管部门 and year, else its template's policy.

The config is TOML, read from ``$JIXIAO_POLICY_CONFIG`` or ``jixiao-policies.toml`` in the working
directory when there is one::

    # 湖北省财政厅的表按湖北规则评分（2023年起）
    [[policy]]
    department = "湖北省财政厅"
    year = 2023          # 可省略：各年度都适用
    use = "hubei"

The first rule that matches wins; department names compare as printed variants do (full- or
half-width brackets, spaces).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..errors import JixiaoError
from ..model import Evaluation
from ..text import label_key
from .policy import POLICIES

CONFIG_ENV = "JIXIAO_POLICY_CONFIG"
CONFIG_NAME = "jixiao-policies.toml"


class PolicyConfigError(JixiaoError):
    code = "policy-config"
    template = "评分规则配置有误：{detail}"


@dataclass(frozen=True, slots=True)
class PolicyRule:
    policy: str
    department: str | None = None
    year: int | None = None

    def matches(self, ev: Evaluation) -> bool:
        if self.year is not None and ev.year != self.year:
            return False
        return self.department is None or (
            ev.project.department is not None and label_key(ev.project.department) == label_key(self.department))


def config_path() -> Path | None:
    given = os.environ.get(CONFIG_ENV)
    if given:
        return Path(given)
    here = Path(CONFIG_NAME)
    return here if here.is_file() else None


def load_rules(path: Path) -> tuple[PolicyRule, ...]:
    """The rules of one config file, each checked against the registered policies."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PolicyConfigError(str(path), f"无法读取（{exc.strerror or exc}）") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PolicyConfigError(str(path), f"不是有效的 TOML（{exc}）") from None
    rules = []
    for n, raw in enumerate(data.get("policy", []), start=1):
        name = raw.get("use") if isinstance(raw, dict) else None
        if name not in POLICIES:
            known = "、".join(POLICIES)
            raise PolicyConfigError(str(path), f"第{n}条规则的 use = “{name}” 不是已注册的评分规则（可用：{known}）")
        year = raw.get("year")
        if year is not None and not isinstance(year, int):
            raise PolicyConfigError(str(path), f"第{n}条规则的 year 应为整数年度，却是“{year}”")
        department = raw.get("department")
        rules.append(PolicyRule(name, str(department) if department else None, year))
    return tuple(rules)


@lru_cache(maxsize=8)
def _cached(path: str, mtime: float) -> tuple[PolicyRule, ...]:
    return load_rules(Path(path))


def configured(ev: Evaluation, path: Path | None = None) -> str | None:
    """The policy the config names for ``ev``, or None."""
    path = path or config_path()
    if path is None:
        return None
    try:
        mtime = path.stat().st_mtime
    except OSError as exc:
        raise PolicyConfigError(str(path), f"无法读取（{exc.strerror or exc}）") from None
    return next((r.policy for r in _cached(str(path), mtime) if r.matches(ev)), None)
