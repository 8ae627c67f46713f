"""Chongqing style: 执行率得分 = 执行率 × 执行率权重; 指标得分 = 得分系数 × 指标权重, where the
系数 follows the completion ratio of rules.md §5; rows with no budget print 0."""

from decimal import Decimal

from .policy import ScoringPolicy, register_policy

CHONGQING = register_policy(ScoringPolicy(
    name="chongqing",
    title="重庆式（指标得分=得分系数×指标权重，执行率得分=执行率×执行率权重）",
    zero_budget_rate=Decimal(0),
    denominator_label="全年(调整)预算数",
))
