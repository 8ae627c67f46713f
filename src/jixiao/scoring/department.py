"""Department-wide forms (部门整体支出绩效自评表): 执行率 over 全年预算数, 10 points, as nationally;
its own name so that reports show which rules a department's form was scored under."""

from .policy import ScoringPolicy, register_policy

DEPARTMENT = register_policy(ScoringPolicy(
    name="department",
    title="部门整体支出（执行率=全年执行数÷全年预算数，10分）",
))
