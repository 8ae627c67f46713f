"""A department's list of project self-evaluations (项目名称 / 金额 / 自评得分), as in seed 004."""

from __future__ import annotations

import re
from decimal import Decimal

from ...model import DepartmentList, ListItem, Source
from ...text import clean, label_key
from ...values import NotANumber, parse_number
from ..grid import Row
from ..vocab import FORM_TITLE, MONEY_UNIT

_COLUMNS = (("序号", "seq"), ("项目名称", "name"), ("金额", "amount"), ("资金", "amount"), ("预算", "amount"),
            ("自评得分", "score"), ("得分", "score"), ("等级", "grade"), ("备注", "note"))
_TITLE_WORDS = re.compile(r"清单|一览表|汇总表|自评结果|情况表")
# 序号 as lists print it: 1, 1., 1、, 一、
_SEQ = re.compile(r"\d{1,4}[.、．]?|[一二三四五六七八九十百]+[、.．]?")
_DEPT_SUFFIX = re.compile(r"(?:\d{4}年度?)?(?:部门)?(?:项目支出)?(?:绩效)?自评(?:结果|项目)?(?:清单|一览表|汇总表|情况表)?$")


def list_columns(row: Row) -> dict[str, int] | None:
    """Column map when the row is a list header (项目名称 plus 金额 or 得分), else None."""
    keys = row.keys()
    if "项目名称" not in keys or sum(1 for k in keys if k) < 3:
        return None
    if any(k.startswith(("项目资金", "资金来源")) for k in keys):
        return None  # a form's funds header (项目资金（万元）| … | 年初预算数 | … | 得分), not a list's
    cols: dict[str, int] = {}
    for i, k in enumerate(keys):
        for needle, fld in _COLUMNS:
            if needle in k and fld not in cols:
                cols[fld] = i
                break
    if "amount" not in cols and "score" not in cols:
        return None
    return cols


def is_list_title(row: Row) -> bool:
    texts = [clean(c.text) for c in row.cells if clean(c.text)]
    return len(texts) == 1 and bool(_TITLE_WORDS.search(texts[0])) and FORM_TITLE not in label_key(texts[0])


def parse_list(rows: list[Row], cols: dict[str, int], file: str,
               fmt: str, index: int) -> tuple[DepartmentList, int] | None:
    """Read the header row ``rows[0]`` and the item rows after it; returns the list and rows consumed,
    or None when the rows do not read as a list: their amounts and scores are mostly words, as in a
    block of label/value rows (项目名称 | 某某资金 / 项目单位 | 北京大学 …) whose first row only looked
    like a list's header."""
    header = rows[0]
    dl = DepartmentList(Source(file, fmt, index, header.place))
    numbers = words = 0
    for c in header.cells:
        if m := MONEY_UNIT.search(label_key(c.text)):
            dl.money_unit = m.group(1)  # type: ignore[assignment]
    used = 1
    for row in rows[1:]:
        keys = [label_key(c.text) for c in row.cells]
        if any(FORM_TITLE in k for k in keys) or list_columns(row):
            break
        texts = {fld: clean(row.cells[i].text) for fld, i in cols.items() if i < len(row.cells)}
        if (seq := texts.get("seq")) and not _SEQ.fullmatch(seq):
            break  # a row that does not go on with the numbering starts whatever follows the list
        used += 1
        if not any(keys):
            continue
        if any(k in ("合计", "总计") for k in keys):
            dl.total_amount = _amount(dl, row, texts.get("amount", ""))
            dl.total_place = row.place
            break
        name = texts.get("name", "")
        if not name:
            dl.warnings.append(f"{row.place.zh()}：清单行没有项目名称：{' '.join(clean(c.text) for c in row.cells)}")
            continue
        amount, score = _amount(dl, row, texts.get("amount", "")), _amount(dl, row, texts.get("score", ""))
        numbers += (amount is not None) + (score is not None)
        words += sum(1 for f in ("amount", "score") if texts.get(f) and not _number(texts[f]))
        dl.items.append(ListItem(texts.get("seq") or None, name, amount, score, texts.get("grade") or None,
                                 texts.get("note") or None, row.place))
    return None if words and words >= numbers else (dl, used)


def _number(text: str) -> bool:
    try:
        parse_number(text)
    except NotANumber:
        return False
    return True


def _amount(dl: DepartmentList, row: Row, text: str) -> Decimal | None:
    try:
        return parse_number(text)
    except NotANumber:
        dl.warnings.append(f"{row.place.zh()}：“{text}”不是数字")
        return None


def department_from_title(title: str) -> str | None:
    name = _DEPT_SUFFIX.sub("", title).strip()
    return name or None
