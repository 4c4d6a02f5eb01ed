"""Chinese text → what a Mandarin voice should say: numbers, dates, times, phone numbers, units, addresses.

espeak-ng reads raw digits badly (10400 → 十千四百, `%` in English, dates as minus signs), so every digit is
rewritten into Chinese characters here. cn2an's an2cn does plain numbers; the rules below decide which kind of
number a digit string is (a year is read digit by digit, a phone number with 幺, a range with 至 ...).
The rules form an ordered table: each sees the output of the ones before it, and once a rule has turned digits
into characters no later rule can misread them. Latin text is left alone: it goes to the English voice.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from pathlib import Path

import cn2an

DIGITS = "零一二三四五六七八九"
PHONE_DIGITS = "零幺二三四五六七八九"  # 1 is 幺 in phone numbers, as people say them
NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
DASH_CHARS = "‐‑–—－~～-"  # hyphen last, so it is literal inside a class
DASH = f"[{DASH_CHARS}]"
UNITS_FILE = Path(__file__).resolve().parent / "data" / "speech_units.tsv"
SYMBOLS = {"&": "和", "±": "正负", "×": "乘", "÷": "除以", "≥": "大于等于", "≤": "小于等于", "≈": "约",
           "~": "至", "～": "至", "@": "艾特", "‰": "千分之"}
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"
CODE_WORDS = "邮编|邮政编码|编号|标识码|代码|备案号|证号|工号|账号|卡号|身份证号|文号|序号|批准号|登记号"
PHONE_WORDS = "电话|传真|热线|手机|联系方式|服务号码|举报电话|咨询电话"

Rule = tuple[re.Pattern[str], Callable[[re.Match[str]], str]]


def digits(s: str, table: str = DIGITS) -> str:
    """Read digit by digit: 2021 → 二零二一."""
    return "".join(table[int(c)] if c.isdigit() else c for c in s)


def number(s: str) -> str:
    """A number as an amount (10400 → 一万零四百), or digit by digit when it cannot be an amount."""
    s = s.replace(",", "")
    whole = s.split(".")[0]
    if (len(whole) > 1 and whole.startswith("0")) or len(whole) > 12:
        return digits(s).replace(".", "点")
    said = cn2an.an2cn(s)
    return "两" + said[1:] if said[:2] in ("二千", "二万", "二亿") else said  # 2000 is 两千, as people say it


def _small(s: str) -> str:
    return cn2an.an2cn(str(int(s)))


def _date(y: str, m: str, d: str | None) -> str | None:
    if not 1 <= int(m) <= 12 or (d is not None and not 1 <= int(d) <= 31):
        return None
    return f"{digits(y)}年{_small(m)}月" + (f"{_small(d)}日" if d is not None else "")


def _time(h: str, mi: str, s: str | None = None) -> str:
    out = f"{_small(h)}点"
    if int(mi) or s:
        out += ("零" if mi.startswith("0") and int(mi) else "") + f"{_small(mi)}分"
    if s and int(s):
        out += f"{_small(s)}秒"
    return out


def _times(m: re.Match[str]) -> str:
    said = _time(m["h"], m["mi"], m["s"])
    return said + (f"至{_time(m['h2'], m['mi2'])}" if m["h2"] else "")


def _iso(m: re.Match[str]) -> str:
    said = _date(m["y"], m["m"], m["d"])
    if said is None:
        return m[0]
    return said + (_time(m["h"], m["mi"], m["s"]) if m["h"] else "")


def _spell(s: str) -> str:
    """An address letter by letter for the English voice, separators in Chinese."""
    words = {"@": " 艾特 ", ".": " 点 ", "_": " 下划线 ", "-": " 杠 ", "/": " 斜杠 ", ":": " 冒号 "}
    out = []
    for c in s:
        if c.isdigit():
            out.append(DIGITS[int(c)])
        elif c.isascii() and c.isalpha():
            out.append(f" {c.lower()} ")
        else:
            out.append(words.get(c, c))
    return re.sub(r"\s+", " ", "".join(out)).strip()


def _phone(m: re.Match[str]) -> str:
    parts = [p for p in m.groups() if p]
    return "，".join(digits(p, PHONE_DIGITS) for p in parts[:-1] if p) + \
        ("，" if len(parts) > 1 else "") + digits(parts[-1], PHONE_DIGITS)


def _phone_ext(m: re.Match[str]) -> str:
    ext = f"转{digits(m['ext'], PHONE_DIGITS)}" if m["ext"] else ""
    return f"{digits(m['area'], PHONE_DIGITS)}，{digits(m['local'], PHONE_DIGITS)}{ext}"


def _keyword_digits(m: re.Match[str]) -> str:
    table = PHONE_DIGITS if re.match(PHONE_WORDS, m["word"]) else DIGITS
    said = re.sub(r"\d+", lambda d: digits(d[0], table), m["value"])
    return m["word"] + m["sep"] + re.sub(DASH, "，", said)


def _list_number(m: re.Match[str]) -> str:
    n = m["n"]
    return (number(n) if n.isdigit() else n) + "，"


def _percent(m: re.Match[str]) -> str:
    sign = "负" if m["neg"] else ""
    word = "千分之" if m["sym"] == "‰" else "百分之"
    return f"{sign}{word}{number(m['n'])}"


def _percent_range(m: re.Match[str]) -> str:
    word = "千分之" if m["sym"] == "‰" else "百分之"
    return f"{word}{number(m['a'])}至{word}{number(m['b'])}"


@cache
def units() -> dict[str, str]:
    """Unit symbols from data/speech_units.tsv (a table, so adding a unit is a one-line change)."""
    table = {}
    for line in UNITS_FILE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            symbol, spoken = line.split("\t")
            table[symbol] = spoken
    return table


def _unit_rule() -> Rule:
    symbols = sorted(units(), key=len, reverse=True)
    alt = "|".join(re.escape(s) for s in symbols)
    pattern = re.compile(rf"(?P<neg>(?<![0-9A-Za-z.])[-−－])?(?P<n>{NUM})\s?(?P<u>{alt})(?![A-Za-z0-9²³])")

    def say(m: re.Match[str]) -> str:
        unit = units()[m["u"]]
        sign = ("零下" if unit == "摄氏度" else "负") if m["neg"] else ""
        return sign + number(m["n"]) + unit

    return pattern, say


def _rules() -> list[Rule]:
    r = re.compile
    currency = {"¥": "元", "￥": "元", "$": "美元", "€": "欧元", "£": "英镑"}
    return [
        # addresses first: their digits and dots are not numbers
        (r(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"), lambda m: _spell(m[0])),
        (r(r"(?:https?://|www\.)[A-Za-z0-9\-._~:/?#@!$&*+=%]*[A-Za-z0-9\-_~/#=&%]", re.I), lambda m: "网址略"),
        # standard and code numbers: GB/T 37668-2019, ICP备05012345号, 邮编：430000
        (r(r"(?<=[A-Za-z])(\s?)(\d+(?:\.\d+)*)-(\d{2,4})(?!\d)"),
         lambda m: m[1] + digits(m[2]).replace(".", "点") + "杠" + digits(m[3])),
        (r(r"(?P<word>备|证)(?P<n>\d+)(?=号)"), lambda m: m["word"] + digits(m["n"])),
        (r(rf"(?P<word>{CODE_WORDS})(?P<sep>[：:]?\s*|为|是)(?P<value>\d[\d{DASH_CHARS}]*\d|\d)"), _keyword_digits),
        (r(rf"(?P<word>{PHONE_WORDS})(?P<sep>[：:]?\s*|为|是)(?P<value>\d{{3,6}})(?![\d{DASH_CHARS}])"), _keyword_digits),
        # dates and times
        (r(r"(?<!\d)(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})"
           r"(?:(?:[ T]|\s+)(?P<h>[01]?\d|2[0-3]):(?P<mi>[0-5]\d)(?::(?P<s>[0-5]\d))?)?(?!\d)"), _iso),
        (r(r"(?<![\d.])(?P<y>\d{4})/(?P<m>\d{1,2})(?![\d/])"), lambda m: _date(m["y"], m["m"], None) or m[0]),
        (r(r"(?<![\d.])(\d{4})\s*" + DASH + r"\s*(\d{4})(?=\s*年)"), lambda m: f"{digits(m[1])}至{digits(m[2])}"),
        (r(r"[〔\[【(（](\d{4})[〕\]】)）]"), lambda m: m[0][0] + digits(m[1]) + m[0][-1]),
        (r(r"(?<![\d.])(\d{4})(?=\s*(?:年|届|级|版|财年))"), lambda m: digits(m[1])),
        (r(r"(?<![\d:：])(?P<h>[01]?\d|2[0-4])[:：](?P<mi>[0-5]\d)(?:[:：](?P<s>[0-5]\d))?(?![\d:])"
           rf"(?:\s*{DASH}\s*(?P<h2>[01]?\d|2[0-4])[:：](?P<mi2>[0-5]\d)(?![\d:]))?"), _times),
        # phone numbers, digit by digit
        (r(r"(?<!\d)(?P<area>0\d{2,3})[-－—\s]?(?P<local>\d{7,8})(?:转(?P<ext>\d{1,6}))?(?!\d)"), _phone_ext),
        (r(r"(?<!\d)(400|800)[-－]?(\d{3})[-－]?(\d{4})(?!\d)"), _phone),
        (r(r"(?<!\d)(1[3-9]\d)[-－\s]?(\d{4})[-－\s]?(\d{4})(?!\d)"), _phone),
        # list numbering at the start of a sentence: 1. / 1、 / （一） / (1) / ①
        (r(r"(?:^|(?<=[：:]))\s*(?P<n>\d{1,2})\s?[.．、](?!\d)\s*"), _list_number),
        (r(r"^\s*[（(](?P<n>\d{1,2}|[一二三四五六七八九十]{1,3})[)）]\s*"), _list_number),
        (r(f"[{CIRCLED}]"), lambda m: cn2an.an2cn(str(CIRCLED.index(m[0]) + 1)) + "，"),
        # ranges: 1-10月, 5%-10%, 9:00—11:00 (times are already words, so only digit ranges are left)
        (r(rf"(?P<a>{NUM})\s*(?P<sym>[%％‰])?\s*{DASH}\s*(?P<b>{NUM})\s*(?P=sym)"), _percent_range),
        (r(rf"(?<=\d)\s*{DASH}\s*(?=\d)"), lambda m: "至"),
        (r(rf"(?P<a>{NUM})(?P<to>至|到)(?P<b>{NUM})\s*(?P<sym>[%％‰])"), _percent_range),
        (r(rf"(?P<neg>(?<![0-9A-Za-z.])[-−－])?(?P<n>{NUM})\s*(?P<sym>[%％‰])"), _percent),
        # fractions, currency, units, signs
        (r(r"(?<![\d/])(\d+)/(\d+)(?![\d/])"), lambda m: f"{number(m[2])}分之{number(m[1])}"),
        (r(rf"(?P<c>[¥￥$€£])\s?(?P<n>{NUM})(?P<mag>[万亿]?)"),
         lambda m: number(m["n"]) + m["mag"] + currency[m["c"]]),
        _unit_rule(),
        (r(r"(?<![0-9A-Za-z.])[-−－](?=\d)"), lambda m: "负"),
        # every other number is an amount (第3 → 第三, 1040.5 → 一千零四十点五)
        (r(NUM), lambda m: number(m[0])),
        (r("[" + re.escape("".join(SYMBOLS)) + "]"), lambda m: SYMBOLS[m[0]]),
    ]


@cache
def rules() -> list[Rule]:
    return _rules()


def normalise(text: str) -> str:
    """Spoken form of one sentence of Chinese text."""
    for pattern, say in rules():
        text = pattern.sub(say, text)
    return text
