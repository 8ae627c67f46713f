"""The national default (财预〔2020〕10号 and its 自评表): rules.md §1–10 as written.

执行率 over 全年预算数, 10 points; 反向 indicators past their limit 目标÷实际×分值; 定性 bands
达成 ≥ 80 %, 部分达成 60–80 %, 未达成 < 60 %; grades 90/80/60; scores to 2 places; no caps.
"""

from .policy import ScoringPolicy, register_policy

NATIONAL = register_policy(ScoringPolicy())
