"""Scoring: recompute the derived cells of a form under a ScoringPolicy."""

# One module per local policy; importing registers it.
from . import national, hubei, sichuan, chongqing, department, platform  # noqa: E402,F401,I001
from .policy import POLICIES, ScoringPolicy, get_policy, register_policy
from .recompute import Recomputed, recompute

__all__ = ["POLICIES", "Recomputed", "ScoringPolicy", "get_policy", "recompute", "register_policy"]
