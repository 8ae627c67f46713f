"""Scoring: recompute the derived cells of a form under a ScoringPolicy."""

from .policy import POLICIES, ScoringPolicy, get_policy, register_policy
from .recompute import Recomputed, recompute

__all__ = ["POLICIES", "Recomputed", "ScoringPolicy", "get_policy", "recompute", "register_policy"]
