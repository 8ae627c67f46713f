"""Bytes → text for the text layouts: encoding and line endings."""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from itertools import accumulate

from ...errors import EncodingError, UnreadableFile

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


# Control bytes no text holds (tab, newlines, form feed and carriage return excepted); several sniffers ask.
_CONTROLS = bytes(b for b in range(32) if b < 9 or 13 < b < 32)


def looks_binary(data: bytes) -> bool:
    """True for data no text layout could hold: NUL bytes or mostly control bytes."""
    head = data[:4096]
    if any(head.startswith(bom) for bom, _ in _BOMS[1:]):
        return False
    if b"\x00" in head:
        return True
    controls = len(head) - len(head.translate(None, _CONTROLS))
    return bool(head) and controls / len(head) > 0.05


@lru_cache(maxsize=1)
def sniffed_lines(head: bytes) -> tuple[str, ...]:
    """A file's first bytes as the text sniffers read them: decoded leniently, page breaks out, one string a line.
    The last head is held: the sniffers ask in turn about the same file, and decode it once."""
    return tuple(head.decode("utf-8", "ignore").replace("\f", "").splitlines())


def where(data: bytes, offset: int) -> str:
    """A byte's place in words, counted from 1 as people count: 第3行（第501字节）."""
    line = data.count(b"\n", 0, offset) + 1
    return f"第{line}行（第{offset + 1}字节）"


def decode_text(data: bytes, file: str) -> tuple[str, str]:
    """Decode with BOM sniffing, then strict UTF-8, then GB18030. Returns (text, encoding)."""
    if looks_binary(data):
        raise UnreadableFile(file, "不是文本文件，也不是已支持的文档格式")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                # utf-8-sig counts from after its BOM, utf-16 from the file's start.
                offset = exc.start + (len(bom) if encoding == "utf-8-sig" else 0)
                raise EncodingError(file, f"带{encoding} BOM 但{where(data, offset)}无法解码") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8 = exc.start
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        # The file's own encoding reads further before the damaged byte; the other one stops early at
        # the first character it misreads.
        encoding, offset = max((("UTF-8", utf8), ("GB18030", exc.start)), key=lambda e: e[1])
        raise EncodingError(file, f"按 {encoding} 读取时{where(data, offset)}无法解码") from None


def decode_lines(data: bytes, file: str) -> tuple[list[str], list[str]]:
    """Decoded lines cleaned of what web copies add, and the notes every text reader gives about both."""
    text, encoding = decode_text(data, file)
    notes = [] if encoding in ("utf-8", "utf-8-sig") else [f"文件编码为 {encoding}，已自动转换"]
    lines, cleaned = clean_web_copy(split_lines(text))
    return lines, notes + cleaned


def split_lines(text: str) -> list[str]:
    """Lines without their endings, for \\n, \\r\\n and lone \\r alike."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


# ------------------------------------------------------------------ text copied from web pages and mirrors
#
# Published forms reach a reviewer through mirror sites that wrap them in their own words (the
# file's name as a heading, "由会员分享" lines, "第1页 / 共15页"), cut a document into numbered
# pages ("1、…", "2、…" at the start of a line, "— 1 —"), convert it to traditional characters
# with pinyin after some of them ("項(xiàng)目"), or put a Word file's metadata before its text.
# None of that is the form; it is taken out before any reader looks for cells, each kind of
# removal named in one note, and every remaining line keeps its number.

_COMMENT = re.compile(r"^#\s*[A-Za-z_]+\s*:")  # "# source: https://…" lines a collector put on top
_CHROME = re.compile(
    r"由会员(?:分享|上传)|超出免费预览范围|^资源描述[:：]?$|_第\d+页$|^第\d+页\s*/\s*共\d+页$"
    r"|^(?:ID|大小|页数|时间|上传人|文档编号|格式|上传时间)[:：]\S*(?:\s+\S+[:：]\S*)*$"
    r"|^(?:下载|相关|举报|合集下载)(?:\s+(?:下载|相关|举报))*$|^\S+\.(?:docx?|xlsx?|pdf|wps|et)$",
)
_PINYIN = re.compile(r"(?<=[\u3400-\u9fff])\((?=[a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ])[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7}\)")
_PAGE_DASH = re.compile(r"[—–-]\s*\d{1,3}\s*[—–-](?=\s|$)")
_PAGE_START = re.compile(r"^(\d{1,3})、")
# A Word file's core and app properties before its text: author, ISO times, …, True/False flags.
_DOCX_META = re.compile(r"^.{0,200}?\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ.{0,300}?(?:(?:True|False)\s+)+")
_OPERATORS = str.maketrans({"﹦": "=", "﹤": "<", "﹥": ">", "＝": "="})
# Characters only traditional text uses, common on forms: a few of them mark a converted page.
_TRADITIONAL = re.compile("[項資績們為與這實經費預執類劃區門單說評價報計總額際級標數務構機關會發國來時間對體據當覽]")
_MIRROR_PAGE = 60  # a mirror's numbered page is a long line; a short "1、" line is the form's own list
# What every match of _COMMENT or _CHROME holds (a literal of each of its branches): the text is searched once and
# only its lines holding one are asked. Likewise a tone mark for _PINYIN, a 'Z' for _DOCX_META's ISO time.
_CHROME_HINT = re.compile(r"#|由会员|超出免费预览范围|资源描述|_第|页|(?:ID|大小|时间|上传人|文档编号|格式)[:：]|下载|相关|举报"
                          r"|\.(?:doc|xls|pdf|wps|et)")
_TONE = re.compile("[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]")


def _simplified(text: str) -> str:
    from opencc_purepy import OpenCC  # loaded only for the rare traditional-character page

    return OpenCC("t2s").convert(text)


def clean_web_copy(lines: list[str]) -> tuple[list[str], list[str]]:
    """Lines with what a web copy adds taken out (see above), and one note per kind of removal.

    A removed line stays as an empty line, so the lines after it keep their numbers; a mirror page
    that continues the line before it is joined to that line (its own line left empty)."""
    out = list(lines)
    dropped: list[int] = []
    notes: list[str] = []
    for i in _lines_holding(out, _CHROME_HINT):
        s = out[i].strip()
        if s and (_COMMENT.match(s) or _CHROME.search(s)):
            out[i] = ""
            dropped.append(i + 1)
    if dropped:
        shown = "、".join(map(str, dropped[:8])) + ("等" if len(dropped) > 8 else "")
        notes.append(f"第{shown}行是转载网站或收集者加的说明，不属于表格，已略过")
    for i, line in enumerate(out):
        if "Z" in line and (m := _DOCX_META.match(line)) and len(line) > m.end():
            out[i] = line[m.end():]
            notes.append(f"第{i + 1}行开头的 Word 文件属性（作者、时间等）不属于表格，已略过")
    text = "\n".join(out)
    if len(_TRADITIONAL.findall(text)) >= 5:
        text = _simplified(text)
        notes.append("文本为繁体字（转载网站转换），已转换为简体后读取")
    if _TONE.search(text) and _PINYIN.search(text):
        text = _PINYIN.sub("", text)
        notes.append("已去除转载网站加在汉字后的拼音注音，如“项(xiàng)”")
    if "﹦" in text or "﹤" in text or "﹥" in text:
        text = text.translate(_OPERATORS)
    out = text.split("\n")
    pages = _join_mirror_pages(out)
    if pages:
        notes.append(f"转载网站把文字分成了{pages + 1}页（行首的“1、”“2、”…），已去掉页号并接回上一页")
    for i in _lines_holding(out, _PAGE_DASH):
        if _PAGE_DASH.search(out[i]):
            out[i] = _PAGE_DASH.sub(" ", out[i])
            notes.append(f"第{i + 1}行的页码“— n —”不属于表格，已略过")
    return out, notes


def _lines_holding(lines: list[str], pattern: re.Pattern[str]) -> list[int]:
    """The indexes, in order, of the lines a search of their whole text finds something in, each match naming every
    line it touches (a pattern's \\s runs over a break): the lines a search of each line alone can find a match in."""
    text = "\n".join(lines)
    found = [(m.start(), m.end()) for m in pattern.finditer(text)]
    if not found:
        return []
    ends = list(accumulate(len(ln) + 1 for ln in lines))  # one past each line's break
    touched = {n for start, end in found
               for n in range(bisect_right(ends, start), bisect_right(ends, max(end - 1, start)) + 1)}
    return sorted(touched)


def _join_mirror_pages(lines: list[str]) -> int:
    """Join pages numbered 1、2、3、… at line starts (each a long line) back into one line; how many joined."""
    starts = [(i, int(m.group(1))) for i, ln in enumerate(lines) if "、" in ln and (m := _PAGE_START.match(ln.strip()))]
    run = [i for n, (i, k) in enumerate(starts) if k == n + 1]
    if len(run) < 2 or any(len(lines[i].strip()) < _MIRROR_PAGE for i in run[:-1]):
        return 0
    first = run[0]
    lines[first] = _PAGE_START.sub("", lines[first].strip(), count=1)
    for i in run[1:]:
        lines[first] += _PAGE_START.sub("", lines[i].strip(), count=1)
        lines[i] = ""
    return len(run) - 1
