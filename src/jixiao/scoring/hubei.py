"""Hubei: 执行率 20 points, 产出 40, 效益 and 满意度 40; 定性 bands at 80 / 50 (rules.md, local variants)."""

from decimal import Decimal

from .policy import ScoringPolicy, register_policy

HUBEI = register_policy(ScoringPolicy(
    name="hubei",
    title="湖北（执行率20分，产出40分，效益与满意度40分）",
    rate_weight=Decimal(20),
    level1_weights={"产出": Decimal(40), "效益": Decimal(30), "满意度": Decimal(10)},
    qualitative_bands=(Decimal(80), Decimal(50)),
))
