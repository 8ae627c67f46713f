"""Sichuan: 预算执行率 = 预算执行数 / 调整后预算数 (read into ``full_year``), 10 points; a rate
below 90 % must give its 原因; rows with no budget print 0.00 %."""

from decimal import Decimal

from .policy import ScoringPolicy, register_policy

SICHUAN = register_policy(ScoringPolicy(
    name="sichuan",
    title="四川（预算执行率=预算执行数÷调整后预算数，10分；低于90%须说明原因）",
    reason_below=Decimal(90),
    zero_budget_rate=Decimal(0),
    denominator_label="调整后预算数",
))
