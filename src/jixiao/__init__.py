"""jixiao — read, score and check 项目支出绩效自评表 (project expenditure performance self-evaluation forms)."""

__version__ = "0.1.0"
