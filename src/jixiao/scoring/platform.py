"""Rules some evaluation platforms apply on top of the national ones (rules.md, 'Caps some platforms
apply'): the 总分 capped by 执行率 (70–80 % → ≤ 89, 60–70 % → ≤ 79, < 60 % → ≤ 69, < 50 % → ≤ 59, as one
province's manual prints it), a 完成值 ≥ 130 % of its target losing 2 points (the target set too low),
and the linear 反向 formula of a production system's rule table."""

from decimal import Decimal

from .policy import ScoringPolicy, register_policy

PLATFORM = register_policy(ScoringPolicy(
    name="platform",
    title="评价平台规则（执行率封顶总分、完成值超目标30%扣2分、反向指标线性扣分）",
    total_caps=((Decimal(80), Decimal(89)), (Decimal(70), Decimal(79)), (Decimal(60), Decimal(69)),
                (Decimal(50), Decimal(59))),
    overshoot=(Decimal(130), Decimal(2)),
    reverse="linear",
))
