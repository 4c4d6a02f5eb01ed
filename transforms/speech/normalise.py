"""Chinese text → what a Mandarin voice should say: numbers, dates, times, ratios, phone and service numbers,
codes, units and symbols.

espeak-ng reads raw digits badly (10400 → 十千四百), reads ASCII symbols in English (`/` "slash", `%`
"percent"), reads Ⅱ or Ｇ as their code points and says nothing for ①. So every digit and symbol is rewritten
into Chinese characters here, and a last safety pass leaves only CJK ideographs, Latin letters (they go to the
English voice, see speech_text.runs) and Chinese punctuation espeak passes over.

The rules form one ordered table (`rules()`, the STAGES in order): each sees the output of the ones before it, and
once a rule has turned digits into characters no later rule can misread them. So the order is the policy:
full-width forms first, then addresses, enumerations, codes and phone numbers (digit by digit), dates and
times, ratios, ranges, percentages, units, and only then every other number as an amount. The words the rules
look for around a number (比例, 拨打, 邮编 ...) and the unit, symbol, service-number and Latin tables are data
files under data/, so most fixes are a one-line change there.

Decisions a reader hears:
- a colon chain is a time when it looks like one (hour ≤ 24, two-digit minutes) and no ratio word (比例,
  配比 ...) stands next to it; anything else (1:1, 3:2, 7.6:44.8:47.6) is a ratio read with 比;
- phone numbers and service numbers to dial (12345, 110 after 拨打, 110、119、120) are read digit by digit with
  1 as 幺; codes (邮编, 统一社会信用代码, 身份证号) digit by digit with 1 as 一; 文号 numbers stay amounts;
- Latin words go to the English voice as written, and it spells capitals (GDP, WTO); the acronyms it would say
  as a word though Chinese readers spell them (APP "ap", ICP "ikp", ETC "etcetera") are listed in
  speech_latin.tsv and given as A.P.P, which it spells; letters in codes and addresses likewise (M.A, k.j.t).
  Digits next to letters become Chinese numbers (PM2.5 → PM二点五, 5G → 五G, C919 → C九一九).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import cn2an

DATA = Path(__file__).resolve().parent / "data"
UNITS_FILE = DATA / "speech_units.tsv"
DIGITS = "零一二三四五六七八九"
PHONE_DIGITS = "零幺二三四五六七八九"  # 1 is 幺 in phone numbers, as people say them
CN_DIGITS = "〇零一二三四五六七八九"
NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
DASH_CHARS = "‐‑–—－~～-"  # hyphen last, so it is literal inside a class
DASH = f"[{DASH_CHARS}]"
COLON = "[:：∶]"
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Chinese punctuation that espeak-ng's Mandarin voice passes over (a pause or nothing), never reads as a word
SAFE_PUNCT = "，。、；：？！“”‘’（）《》〈〉【】〔〕「」『』…—·〇"
CLAUSE_END = "，。、；：？！,.;:?!"

Say = Callable[[re.Match[str]], str]


@dataclass(frozen=True)
class Rule:
    name: str  # the category it serves (the case table's first column)
    pattern: re.Pattern[str]
    say: Say | str
    gate: re.Pattern[str] | None = None  # the rule runs only on text where this matches (speed)


# -- data -------------------------------------------------------------------------------------------------


def table_rows(name: str) -> list[tuple[str, str]]:
    """Rows of a two-column data file. Lines starting with "# " are comments; the second column may be empty."""
    rows = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("# ") and "\t" in line:
            key, _, value = line.partition("\t")
            rows.append((key, value))
    return rows


@cache
def units() -> dict[str, str]:
    """Unit symbols from data/speech_units.tsv (a table, so adding a unit is a one-line change)."""
    return dict(table_rows(UNITS_FILE.name))


@cache
def words() -> dict[str, list[str]]:
    """Named word lists from data/speech_words.tsv, longest word first."""
    out: dict[str, list[str]] = {}
    for group, line in table_rows("speech_words.tsv"):
        out.setdefault(group, []).extend(line.split())
    return {k: sorted(set(v), key=len, reverse=True) for k, v in out.items()}


@cache
def symbols() -> dict[str, str]:
    return dict(table_rows("speech_symbols.tsv"))


@cache
def service_numbers() -> frozenset[str]:
    return frozenset(n for n, _ in table_rows("speech_service_numbers.tsv"))


@cache
def latin_words() -> dict[str, str]:
    return dict(table_rows("speech_latin.tsv"))


def _alt(items: list[str] | dict[str, str]) -> str:
    return "|".join(re.escape(w) for w in sorted(items, key=len, reverse=True))


RATIO_BEFORE = re.compile(_alt(words()["ratio_before"]))
RATIO_AFTER = re.compile(_alt(words()["ratio_after"]))
PHONE_VERB = re.compile(_alt(words()["phone_verb"]))
SERVICE_AFTER = re.compile(_alt(words()["service_after"]))
ROMAN_BEFORE = re.compile(f"(?:{_alt(words()['roman_before'])})$")
ROMAN_AFTER = re.compile(_alt(words()["roman_after"]))
CONTACT_BEFORE = re.compile(_alt(words()["phone_word"] + words()["contact_before"]), re.I)
CONTACT_WIDTH = 16  # characters looked back from a bare local number for a contact word
SHAPE_AFTER = re.compile(_alt(words()["shape_after"]))
CJK_CHAR = re.compile(f"[{CJK}]")


# -- reading numbers ----------------------------------------------------------------------------------------


def digits(s: str, table: str = DIGITS) -> str:
    """Read digit by digit: 2021 → 二零二一."""
    return "".join(table[int(c)] if c.isdigit() else c for c in s)


def number(s: str) -> str:
    """A number as an amount (10400 → 一万零四百), or digit by digit when it cannot be an amount."""
    s = s.replace(",", "")
    whole, _, frac = s.partition(".")
    if len(frac) >= 2 and not frac.strip("0"):
        s = whole  # 1,280,000.00元 is 一百二十八万元 (but 1.0% keeps its 点零: the bulletin's precision)
    if (len(whole) > 1 and whole.startswith("0")) or len(whole) > 12:
        return digits(s).replace(".", "点")
    said = cn2an.an2cn(s)
    return "两" + said[1:] if said[:2] in ("二千", "二万", "二亿") else said  # 2000 is 两千, as people say it


def _small(s: str) -> str:
    return cn2an.an2cn(str(int(s)))


def letters(word: str) -> str:
    """Letters the English voice spells: A.P.P (espeak-ng says "ap" for APP, "uh" for a lone a between letters)."""
    return ".".join(word)


def _code(value: str) -> str:
    """A code read out: digits one by one, letters spelt for the English voice, 杠 for a dash."""
    value = re.sub(r"[A-Za-z]+", lambda m: f" {letters(m[0].upper())} ", value)
    said = digits(value).translate(str.maketrans({"-": "杠", "－": "杠", "—": "杠", "/": "斜杠", "_": " ",
                                                   "*": "星", "＊": "星"}))
    return re.sub(r"\s+", " ", said).strip()


def _phone(*parts: str | None) -> str:
    """Groups of a phone number, digit by digit with 幺, a short pause between groups."""
    return "，".join(digits(p, PHONE_DIGITS) for p in parts if p)


# -- dates, times and ratios --------------------------------------------------------------------------------


def _date(y: str, m: str, d: str | None) -> str | None:
    if not 1 <= int(m) <= 12 or (d is not None and not 1 <= int(d) <= 31):
        return None
    return f"{digits(y)}年{_small(m)}月" + (f"{_small(d)}日" if d is not None else "")


def _month_day(m: re.Match[str]) -> str:
    """9.30 or 4.1-4.30 after 截至/时间：…: a month and a day (a decimal there has a unit, and is left alone)."""
    pairs = [(m["m1"], m["d1"])] + ([(m["m2"], m["d2"])] if m["m2"] else [])
    if not all(1 <= int(mo) <= 12 and 1 <= int(d) <= 31 for mo, d in pairs):
        return m[0]
    return m["ctx"] + "至".join(f"{_small(mo)}月{_small(d)}日" for mo, d in pairs)


def _time(h: str, mi: str, s: str | None = None) -> str:
    out = "两点" if int(h) == 2 else f"{_small(h)}点"  # 2:00 is 两点, as people say it
    if int(mi) or (s and int(s)):
        out += ("零" if mi.startswith("0") and int(mi) else "") + f"{_small(mi)}分"
    if s and int(s):
        out += f"{_small(s)}秒"
    return out


def _iso(m: re.Match[str]) -> str:
    said = _date(m["y"], m["m"], m["d"])
    if said is None:
        return m[0]
    return said + (_time(m["h"], m["mi"], m["s"]) if m["h"] else "")


def _parts(chain: str) -> list[str]:
    return [p.strip() for p in re.split(COLON, chain)]


def _time_shaped(parts: list[str]) -> bool:
    """9:30, 17:00, 08:05:30: an hour up to 24, then two-digit minutes (and seconds)."""
    if len(parts) not in (2, 3) or any("." in p for p in parts) or len(parts[0]) > 2:
        return False
    if not all(len(p) == 2 and int(p) <= 59 for p in parts[1:]):
        return False
    return int(parts[0]) < 24 or (int(parts[0]) == 24 and all(int(p) == 0 for p in parts[1:]))


def _clause_before(text: str, start: int, width: int = 8) -> str:
    """Up to `width` characters before `start`, not reaching back past a clause's end."""
    before = text[max(0, start - width):start]
    cut = max(before.rfind(c) for c in "，。；;！？!?")
    return before[cut + 1:]


def _ratio_context(text: str, start: int, end: int) -> bool:
    before = _clause_before(text, start)
    after = text[end:end + 4]
    return bool(RATIO_BEFORE.search(before) or RATIO_AFTER.match(after))


def _colon_chain(m: re.Match[str]) -> str:
    """A time (9:30, 9:30—11:30) or a ratio (3:2, 7.6:44.8:47.6), decided by shape and the words around it."""
    first, second = _parts(m["a"]), _parts(m["b"]) if m["b"] else None
    ratio = _ratio_context(m.string, m.start(), m.end())
    if not ratio and _time_shaped(first) and (second is None or _time_shaped(second)):
        said = _time(*first)
        return said + (f"至{_time(*second)}" if second else "")
    said = "比".join(number(p) for p in first)
    return said + (f"至{'比'.join(number(p) for p in second)}" if second else "")


# -- phone and service numbers ------------------------------------------------------------------------------


def _near_phone_words(text: str, start: int, end: int) -> bool:
    before = _clause_before(text, start, 10).rstrip("“‘\"'「《（( ")
    after = text[end:end + 6].lstrip("”’\"'」》）) ")
    return bool(PHONE_VERB.search(before) or SERVICE_AFTER.match(after))


def _contact_context(text: str, start: int) -> bool:
    """A contact line before a bare local number: 联系人：王老师，87654321; 请拨打87654321; 电  话：…; Tel:.
    Looks back past commas (a name often stands between) but not past a sentence's end."""
    before = text[max(0, start - CONTACT_WIDTH):start]
    cut = max(before.rfind(c) for c in "。；;！？!?")
    before = re.sub(r"\s+", "", before[cut + 1:])
    return bool(CONTACT_BEFORE.search(before) or PHONE_VERB.search(before))


def _local_number(m: re.Match[str]) -> str:
    """A bare 7- or 8-digit local number: dialled in a contact line, else left for the amount rule."""
    if not _contact_context(m.string, m.start()):
        return m[0]
    return digits(m["local"], PHONE_DIGITS) + (f"转{digits(m['ext'], PHONE_DIGITS)}" if m["ext"] else "")


def _service(m: re.Match[str]) -> str:
    """A short service number: dialled (幺幺零) when the words around it say so, else left for the amount rule."""
    n = m[0]
    if len(n) >= 5 or _near_phone_words(m.string, m.start(), m.end()):
        return digits(n, PHONE_DIGITS)
    return n


def _service_list(m: re.Match[str]) -> str:
    return re.sub(r"\d+", lambda d: digits(d[0], PHONE_DIGITS), m[0])


def _keyword_value(m: re.Match[str]) -> str:
    return m["word"] + m["sep"] + _code(m["value"])


def _phone_groups(value: str) -> list[str]:
    """A phone number's groups, as people pause between them: 138 1234 5678, 0471 6945123, 400 800 1234."""
    groups = [g for g in re.split(rf"\s*{DASH}\s*|\s+", value) if g]
    if len(groups) > 1:
        return groups
    if len(value) == 11 and value.startswith("1"):
        return [value[:3], value[3:7], value[7:]]
    if len(value) == 10 and value[:3] in ("400", "800"):
        return [value[:3], value[3:6], value[6:]]
    if value.startswith("0") and 10 <= len(value) <= 12:
        cut = 3 if value[1] in "12" else 4  # 010 and 02x are three digits, other area codes four
        return [value[:cut], value[cut:]]
    return [value]


def _phone_word_value(m: re.Match[str]) -> str:
    ext = f"转{digits(m['ext'], PHONE_DIGITS)}" if m["ext"] else ""
    return m["word"] + m["sep"] + _phone(*_phone_groups(m["value"])) + ext


# -- enumerations -------------------------------------------------------------------------------------------

ENUM_RANGES = [  # first character, its number: ① is 1 ... (one block of consecutive code points each)
    ("①", 1, 20), ("㉑", 21, 15), ("㊱", 36, 15), ("⑴", 1, 20), ("⒈", 1, 20), ("❶", 1, 10), ("➀", 1, 10),
    ("➊", 1, 10), ("⓫", 11, 10), ("⓵", 1, 10), ("㈠", 1, 10), ("㊀", 1, 10),
]
ENUMS = {chr(ord(c) + i): n + i for c, n, count in ENUM_RANGES for i in range(count)}
ROMAN = {chr(0x2160 + i): i + 1 for i in range(12)} | {chr(0x2170 + i): i + 1 for i in range(12)}
ROMAN_ASCII = ["XII", "XI", "X", "IX", "VIII", "VII", "VI", "V", "IV", "III", "II", "I"]
ROMAN_VALUE = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10,
               "XI": 11, "XII": 12}


def _enum(m: re.Match[str]) -> str:
    """①申请表 → 一，申请表 at the head of an item; 附件① → 附件一 inline."""
    said = cn2an.an2cn(str(ENUMS[m[0]]))
    before = m.string[:m.start()].rstrip()
    after = m.string[m.end():m.end() + 1]
    heads_item = (not before or before[-1] in CLAUSE_END + "（(") and after and after not in CLAUSE_END + "）)"
    return said + ("，" if heads_item else "")


def _list_number(m: re.Match[str]) -> str:
    n = m["n"]
    return (number(n) if n.isdigit() else n) + "，"


# -- percent, units, ranges ---------------------------------------------------------------------------------


def _per_cent_word(sym: str) -> str:
    return "千分之" if sym == "‰" else "百分之"


def _percent(m: re.Match[str]) -> str:
    sign = "负" if m["neg"] else ""
    return f"{sign}{_per_cent_word(m['sym'])}{number(m['n'])}"


def _percent_range(m: re.Match[str]) -> str:
    word = _per_cent_word(m["sym"])
    return f"{word}{number(m['a'])}至{word}{number(m['b'])}"


def _signed(n: str, sign: str | None, below_zero: str = "负") -> str:
    return (below_zero if sign else "") + number(n)


def _temperature_range(m: re.Match[str]) -> str:
    unit = "华氏度" if "℉" in m["u"] else "摄氏度"
    return f"{_signed(m['a'], m['na'], '零下')}至{_signed(m['b'], m['nb'], '零下')}{unit}"


def _unit_said(symbol: str) -> str:
    """A unit symbol, or two joined by / (km/h → 千米每小时)."""
    table = units()
    if symbol in table:
        return table[symbol]
    return "每".join(table[p] for p in symbol.split("/"))


def _unit(m: re.Match[str]) -> str:
    unit = _unit_said(m["u"])
    sign = ("零下" if unit.endswith("摄氏度") else "负") if m["neg"] else ""
    return sign + number(m["n"]) + (m["mag"] or "") + unit


def _currency(m: re.Match[str]) -> str:
    """¥2.5万 → 二点五万元; ￥1,234.00元 → 一千二百三十四元 (元 once)."""
    said = number(m["n"]) + m["mag"]
    return said if m.string.startswith("元", m.end()) else said + CURRENCY[m["c"]]


def _fraction(m: re.Match[str]) -> str:
    return f"{number(m['b'])}{m['mag'] or ''}分之{number(m['a'])}"


# -- Latin --------------------------------------------------------------------------------------------------


def _latin_word(m: re.Match[str]) -> str:
    """A listed acronym spelt (APP → A.P.P), every other Latin word as written: the English voice spells GDP."""
    return latin_words().get(m[0], m[0])


# -- the last pass --------------------------------------------------------------------------------------------


def _leftover(m: re.Match[str]) -> str:
    """Any character espeak would read in English or as a code point: its Chinese word, or nothing."""
    c, text, i = m[0], m.string, m.start()
    before, after = text[i - 1:i], text[i + 1:i + 2]
    latin_both = before.isascii() and before.isalpha() and after.isascii() and after.isalpha()
    if c in ".-'’" and latin_both:
        return c  # e.g., Wi-Fi, it's
    if c == "/" and not (CJK_CHAR.match(before) and CJK_CHAR.match(after)):
        return " "
    if c == "々":
        return before  # the iteration mark repeats the character before it
    plain = unicodedata.normalize("NFKD", c)[:1]
    if plain.isascii() and plain.isalpha():
        return plain  # é → e, for the English voice
    return symbols().get(c, " ")


def _roman_ascii(m: re.Match[str]) -> str:
    """II, III, VI as numerals only where they number something: 第III阶段, II类, 国VI."""
    text, start, end = m.string, m.start(), m.end()
    if not (ROMAN_BEFORE.search(text, max(0, start - 2), start) or ROMAN_AFTER.match(text, end)):
        return m[0]
    if len(m[1]) == 1 and SHAPE_AFTER.match(text, end):
        return m[0]  # V型反转 is the letter's shape (the English voice says it), I型糖尿病 is type one
    return cn2an.an2cn(str(ROMAN_VALUE[m[1]]))


def _spell(s: str) -> str:
    """An address letter by letter for the English voice (k.j.t), digits and separators in Chinese."""
    said = {"@": " 艾特 ", ".": " 点 ", "_": " 下划线 ", "-": " 杠 ", "/": " 斜杠 ", ":": " 冒号 ", "%": " 百分号 ",
            "+": " 加 "}
    out = []
    for part in re.findall(r"[A-Za-z]+|.", s):
        if part[0].isascii() and part[0].isalpha():
            out.append(f" {letters(part.lower())} ")
        elif part.isdigit():
            out.append(DIGITS[int(part)])
        else:
            out.append(said.get(part, part))
    return re.sub(r"\s+", " ", "".join(out)).strip()


def _area_phone(m: re.Match[str]) -> str:
    ext = f"转{digits(m['ext'], PHONE_DIGITS)}" if m["ext"] else ""
    return _phone(m["area"], m["local"]) + ext


def _freephone(m: re.Match[str]) -> str:
    """400 and 800 numbers (ten digits); 4000000000 is an amount."""
    if len(m[1] + m[2] + m[3]) != 10 or not (m[2] + m[3]).strip("0"):
        return m[0]
    return _phone(m[1], m[2], m[3])


# -- the table ----------------------------------------------------------------------------------------------

PRE = str.maketrans(  # full-width Latin, digits and signs to ASCII (NFKC), odd spaces and dashes, unit ligatures
    {**{chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F) if chr(c) not in "，：；！？（）～"},
     "\u3000": " ", "\u00a0": " ", "\u2002": " ", "\u2003": " ", "\u2009": " ", "\u200b": "", "\u200c": "",
     "\u200d": "", "\ufeff": "", "\u00ad": "", "−": "-", "‐": "-", "‑": "-", "﹣": "-", "〜": "～", "∕": "/",
     "⁄": "/", "µ": "μ", **{chr(0x2080 + i): str(i) for i in range(10)}, "・": "·", "‧": "·", "﹐": "，", "﹔": "；", "﹕": "：", "﹖": "？", "﹗": "！", "ℓ": "L",
     "㎡": "m²", "㎥": "m³", "㎞": "km", "㎏": "kg", "㎎": "mg", "㎝": "cm", "㎜": "mm", "㏄": "mL",
     "㎖": "mL", "㎘": "kL", "㎗": "dL", "㎐": "Hz", "㎑": "kHz", "㎒": "MHz", "㎓": "GHz", "㎾": "kW", "㎿": "MW",
     "㎸": "kV", "㎹": "MV", "㎪": "kPa", "㎫": "MPa", "㏈": "dB", "㏊": "ha", "㎍": "μg", "㎛": "μm"})
R = re.compile
DIGIT, LATIN = R(r"\d"), R("[A-Za-z]")
CURRENCY = {"¥": "元", "￥": "元", "$": "美元", "€": "欧元", "£": "英镑"}


def _w(group: str) -> str:
    return _alt(words()[group])


def _units_alt() -> tuple[str, str]:
    """(one unit symbol, a unit symbol or two joined by /) as regex alternations."""
    one = _alt(units())
    return one, f"(?:{one})(?:/(?:{one}))?"


def _addresses() -> list[Rule]:
    """First: the digits and dots of addresses are not numbers."""
    return [
        Rule("address", R(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"), lambda m: _spell(m[0]), R("@")),
        Rule("address", R(r"(?:https?://|www\.)[A-Za-z0-9\-._~:/?#@!$&*+=%]*[A-Za-z0-9\-_~/#=&%]", re.I),
             "网址略", LATIN),
        Rule("address", R(rf"(?<=[{CJK}）)])\.(?:pdf|docx?|xlsx?|wps|ofd|pptx?|zip|rar|7z|txt|csv|et)(?![A-Za-z])",
                          re.I), "", LATIN),
    ]


def _enumerations() -> list[Rule]:
    """① ⑴ ⒈ ㈠ and list heads (1. 2、 （一） (3)) → 一，; Ⅱ类 → 二类, 第III阶段 → 第三阶段."""
    enums = "".join(ENUMS)
    return [
        Rule("enum", R(f"[{enums}]"), _enum, R(f"[{enums}]")),
        Rule("roman", R("[" + "".join(ROMAN) + "]"), lambda m: cn2an.an2cn(str(ROMAN[m[0]])), R("[\u2160-\u217f]")),
        Rule("roman", R(rf"(?<![A-Za-z])({'|'.join(ROMAN_ASCII)})(?![A-Za-z])"), _roman_ascii, R("[IVX]")),
        # after a label's colon (附件：1. …), not a time's (11:30、下午 is half past eleven)
        Rule("list", R(r"(?:^|(?<=[；;。\n])|(?<=[^\d][：:]))\s*(?P<n>\d{1,2})\s?[.．、](?!\d)\s*"), _list_number,
             DIGIT),
        # the next item on the same line: 附件：1.申报表 2.承诺书 (after a space, before a word)
        Rule("list", R(rf"(?<=[{CJK}）)])\s+(?P<n>\d{{1,2}})[.．、](?=[{CJK}（(《“])"), lambda m: " " + _list_number(m),
             DIGIT),
        Rule("list", R(r"(?:^|(?<=[；;：:。]))\s*[（(](?P<n>\d{1,2}|[一二三四五六七八九十]{1,3})[)）]\s*"), _list_number,
             R("[（(]")),
    ]


def _codes() -> list[Rule]:
    """Standards and codes, digit by digit: GB/T 37668-2019, ICP备05012345号-1, 邮编：430000, 信用代码."""
    return [
        Rule("code", R(r"(?<=[A-Za-z])(\s?)(\d+(?:\.\d+)*)-(\d{2,4})(?!\d)"),
             lambda m: m[1] + digits(m[2]).replace(".", "点") + "杠" + digits(m[3]), DIGIT),
        # section numbers and addresses with more than one dot: 2.3.1 is 二点三点一 (never a decimal and a 。)
        Rule("code", R(r"(?<![\d.])\d{1,3}(?:\.\d{1,3}){2,4}(?![\d.])"),
             lambda m: "点".join(number(p) for p in m[0].split(".")), DIGIT),
        # room numbers: A座1201室 is 一二零一室, as they are said and signed
        Rule("code", R(r"(?<![\d.])\d{3,5}(?=室|房间|房(?![产价租屋]))"), lambda m: digits(m[0]), DIGIT),
        Rule("code", R(r"(?P<word>备|证)(?P<sp>\s*)(?P<n>\d+)(?=号)"), lambda m: m["word"] + m["sp"] + digits(m["n"]),
             DIGIT),
        Rule("code", R(r"(?<=号)-(\d{1,3})(?!\d)"), lambda m: "杠" + digits(m[1]), DIGIT),
        Rule("code", R(rf"(?P<word>{_w('code_word')})(?P<sep>[：:]?\s*|为|是)"
                       rf"(?P<value>(?=[0-9A-Za-z*-]*\d)[0-9A-Za-z](?:[0-9A-Za-z/_*＊{DASH_CHARS}]|\s(?=\d{{3}}))*[0-9A-Za-z])"),
             _keyword_value, DIGIT),
    ]


def _phones() -> list[Rule]:
    """Phone numbers in every bracket style and numbers to dial, digit by digit with 幺."""
    amount_after = _w("amount_after")
    unit = _units_alt()[1]
    services = _alt(sorted(service_numbers()))
    service = rf"(?:{services}|9[56]\d{{3}})"
    return [
        Rule("phone", R(r"(?:\+|00)\s?86[\s\-－]*(?:[（(]0?(?P<area>[1-9]\d{1,2})[)）]|0?(?P<area2>[1-9]\d{1,2}))"
                        r"[\s\-－]*(?P<local>\d{7,8})(?!\d)"),
             lambda m: "加八六，" + _phone(m["area"] or m["area2"], m["local"]), DIGIT),
        Rule("phone", R(r"(?:\+|00)\s?86[\s\-－]*(1[3-9]\d)[\s\-－]?(\d{4})[\s\-－]?(\d{4})(?!\d)"),
             lambda m: "加八六，" + _phone(m[1], m[2], m[3]), DIGIT),
        Rule("phone", R(rf"(?P<word>{_w('phone_word')})(?P<sep>[：:]?\s*|为|是)"
                        rf"(?P<value>\d{{2,5}}(?:\s*{DASH}\s*\d{{1,8}}){{1,3}}|\d{{3,12}})"
                        rf"(?:\s*(?:转|分机)\s*(?P<ext>\d{{1,6}}))?(?![\d{DASH_CHARS}])(?!\s\d)"
                        rf"(?!\s*{COLON}\s*\d)(?!\s*(?:{amount_after}))"), _phone_word_value, DIGIT),
        Rule("phone", R(rf"[（(](?P<area>0\d{{2,3}})[)）]\s*{DASH}?\s*(?P<local>\d{{7,8}})"
                        rf"(?:\s*(?:转|分机|{DASH})\s*(?P<ext>\d{{1,6}}))?(?!\d)"), _area_phone, DIGIT),
        Rule("phone", R(r"(?<![\d.])(?P<area>0\d{2,3})(?:\s*[-－—]\s*|\s)?(?P<local>\d{7,8})"
                        r"(?:\s*(?:转|分机|[-－])\s*(?P<ext>\d{1,6}))?(?!\d)"), _area_phone, DIGIT),
        Rule("phone", R(r"(?<![\d.])([48]00\d?)[-－\s]?(\d{3,4})[-－\s]?(\d{3,4})(?!\d)"), _freephone, DIGIT),
        Rule("phone", R(r"(?<![\d.])(1[3-9]\d)[-－\s]?(\d{4})[-－\s]?(\d{4})(?!\d)"),
             lambda m: _phone(m[1], m[2], m[3]), DIGIT),
        Rule("phone", R(rf"(?<![\d.,第¥￥$])(?P<local>[2-9]\d{{6,7}})(?:\s*(?:转|分机)\s*(?P<ext>\d{{1,6}}))?"
                        rf"(?![\d.,%％‰])(?!\s*(?:{amount_after}|{unit}))"), _local_number, DIGIT),
        Rule("phone", R(r"(?<=[零幺二三四五六七八九]{4})(\s*[、/或和及]\s*)(\d{5,12})(?![\d.])"),
             lambda m: m[1] + digits(m[2], PHONE_DIGITS), DIGIT),
        Rule("service", R(rf"(?<![\d.第])“?{service}”?(?:\s*[、/和或及]\s*“?{service}”?)+(?![\d.%])"
                          rf"(?!\s*(?:{amount_after}))"), _service_list, DIGIT),
        Rule("service", R(rf"(?<![\d.第¥￥$:∶]){service}(?![\d.%％‰])(?!\s*(?:{amount_after}))"), _service, DIGIT),
        # numbers inside codes: ISO 9001:2015, C919, G1234次, H1N1 (PM2.5, G20 and 5G stay amounts)
        Rule("code", R(rf"(?<![A-Za-z])(?P<p>{_w('standard_prefix')})(?P<sp>\s?)(?P<n>\d+)(?:[:：](?P<y>\d{{4}}))?"
                       r"(?![\d.])"),
             lambda m: m["p"] + m["sp"] + digits(m["n"]) + (f"，{digits(m['y'])}" if m["y"] else ""), LATIN),
        Rule("code", R(r"(?<=[A-Za-z])\d{3,}(?![\d.])|(?<=[A-Za-z])\d+(?=[A-Za-z])"), lambda m: digits(m[0]), DIGIT),
    ]


def _dates() -> list[Rule]:
    """Dates, years (digit by digit), zero-padded months, days and numbers (05月, 02版, 第01期)."""
    year_after = _w("year_after")
    amount_after, unit = _w("amount_after"), _units_alt()[1]
    return [
        Rule("date", R(rf"(?P<ctx>(?:{_w('month_day_before')})\s*|(?:{_w('month_day_label')})[：:]\s*)(?P<m1>\d{{1,2}})\.(?P<d1>\d{{1,2}})"
                       rf"(?:\s*{DASH}\s*(?P<m2>\d{{1,2}})\.(?P<d2>\d{{1,2}}))?(?![\d.])"
                       rf"(?!\s*(?:{amount_after}|{unit}|%|％|‰))"), _month_day, DIGIT),
        Rule("date", R(r"(?<!\d)(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})"
                       r"(?:(?:[ T]|\s+)(?P<h>[01]?\d|2[0-3])[:：](?P<mi>[0-5]\d)(?:[:：](?P<s>[0-5]\d))?)?(?!\d)"),
             _iso, DIGIT),
        Rule("date", R(r"(?<![\d.])(?P<y>\d{4})/(?P<m>\d{1,2})(?![\d/])"),
             lambda m: _date(m["y"], m["m"], None) or m[0], DIGIT),
        Rule("date", R(r"(?<![\d.])(\d{1,2})·(\d{1,2})(?![\d.])"), lambda m: digits(m[1] + m[2]), DIGIT),
        Rule("year", R(rf"(?<![\d.])(\d{{4}})\s*{DASH}\s*(\d{{4}})(?=\s*(?:{year_after}))"),
             lambda m: f"{digits(m[1])}至{digits(m[2])}", DIGIT),
        Rule("year", R(r"[〔\[【(（](\d{4})[〕\]】)）]"), lambda m: m[0][0] + digits(m[1]) + m[0][-1], DIGIT),
        Rule("year", R(rf"(?<![\d.,])(?:19|20)\d{{2}}(?![\d.,])(?=[{CJK}])"
                       rf"(?!\s*(?:{_w('amount_after')}|{_w('liang_before')}|{_w('counter_after')}))"),
             lambda m: digits(m[0]), DIGIT),
        Rule("year", R(rf"(?<![\d.])(\d{{4}})(?=\s*(?:{year_after}))(?!\s*年级)"), lambda m: digits(m[1]), DIGIT),
        Rule("year", R(r"(?<![\d.第满过达到])([0-9]0)(?=后(?![\d天年月日周个小分秒]))"), lambda m: digits(m[1]), DIGIT),  # 80后, 00后
        Rule("year", R(rf"(?<=[{CN_DIGITS}○])[○OoΟ](?=[{CN_DIGITS}○OoΟ]*[年{CN_DIGITS}])"), "零", R("[○OoΟ]")),
        Rule("zeropad", R(r"(?<![\d.])(\d{1,2})\s*([时点])\s*00\s*分"), lambda m: _small(m[1]) + m[2], DIGIT),
        Rule("zeropad", R(rf"(?<![\d.:：,])0+(\d{{1,3}})(?=\s*(?:{_w('counter_after')}))"),
             lambda m: _small(m[1]), DIGIT),
        Rule("zeropad", R(r"(?<=第)0+(?=\d)"), "", DIGIT),
    ]


def _times_and_ranges() -> list[Rule]:
    """Times and ratios (9:30—11:30, 17:00, 1:1, 7.6:44.8:47.6), temperatures, percentages and ranges."""
    time_chain = rf"\d{{1,2}}{COLON}\d{{2}}(?:{COLON}\d{{2}})?"
    chain = rf"{NUM}(?:\s?{COLON}\s?{NUM})+"
    return [
        Rule("time", R(rf"(?<![\d.])(?<!\d{COLON})(?P<a>{chain})(?![\d:：∶])"
                       rf"(?:\s*(?:{DASH}|至|到)\s*(?P<b>{time_chain})(?![\d:：∶]))?"
                       rf"(?!\s*(?:{_w('chain_not_before')}))"), _colon_chain, R(COLON)),
        Rule("range", R(rf"(?<=[日月号时点分秒周天年])\s*{DASH}\s*(?=\d|[{CN_DIGITS}早晚]|上午|下午|中午|次日|周)"), "至"),
        Rule("temperature", R(rf"(?:(?<![0-9A-Za-z.])(?P<na>-))?(?P<a>{NUM})\s*(?:℃|°C|℉)?\s*(?:{DASH}|至|到)\s*"
                              rf"(?P<nb>-)?(?P<b>{NUM})\s*(?P<u>℃|°C|℉)"), _temperature_range, R("[℃℉°]")),
        Rule("percent", R(rf"(?P<a>{NUM})\s*(?P<sym>[%‰])?\s*{DASH}\s*(?P<b>{NUM})\s*(?P=sym)"), _percent_range,
             R("[%‰]")),
        Rule("range", R(rf"(?<=\d)\s*{DASH}\s*(?=\d)"), "至", DIGIT),
        Rule("range", R(rf"(?<=\d[万亿])\s*{DASH}\s*(?=\d)"), "至", DIGIT),  # 2万-3万元, not 两万负三万元
        Rule("percent", R(rf"(?P<a>{NUM})(?P<to>至|到)(?P<b>{NUM})\s*(?P<sym>[%‰])"), _percent_range, R("[%‰]")),
        Rule("percent", R(rf"(?P<neg>(?<![0-9A-Za-z.])-)?(?P<n>{NUM})\s*(?P<sym>[%‰])"), _percent, R("[%‰]")),
    ]


def _measures() -> list[Rule]:
    """Fractions, currency, units (km/h → 千米每小时, 元/吨 → 元每吨) and signs."""
    one, unit = _units_alt()
    return [
        Rule("fraction", R(r"(?<![\d/])(?P<a>\d+)/(?P<b>\d+)(?P<mag>[万亿])?(?![\d/])"), _fraction, R("/")),
        Rule("currency", R(rf"(?P<c>[¥￥$€£])\s?(?P<n>{NUM})(?P<mag>[万亿]?)"),
             _currency, R("[¥￥$€£]")),
        Rule("unit", R(rf"(?P<neg>(?<![0-9A-Za-z.])-)?(?P<n>{NUM})\s?(?P<mag>[万亿])?(?P<u>{unit})"
                       r"(?![A-Za-z0-9²³])"), _unit, DIGIT),
        Rule("unit", R(rf"(?<=[万亿])(?P<u>{unit})(?![A-Za-z0-9²³])"), lambda m: _unit_said(m["u"]), LATIN),
        Rule("per", R(rf"(?P<pre>(?:[\d{CN_DIGITS}十百千万亿两])\s*|单位[：:]\s*|[（(])(?P<a>{_w('per_left')})\s*/\s*"
                      rf"(?:(?P<b>{_w('per_right')})|(?P<u>{unit})(?![A-Za-z]))"),
             lambda m: m["pre"] + m["a"] + "每" + (m["b"] or _unit_said(m["u"] or "")), R("/")),
        Rule("per", R(rf"(?<![A-Za-z])(?P<u>(?:{one})/(?:{one}))(?![A-Za-z0-9])"), lambda m: _unit_said(m["u"]), R("/")),
        Rule("negative", R(r"(?<![0-9A-Za-z.])-(?=\d)"), "负", DIGIT),
        Rule("latin", R(r"(?<=[A-Za-z])-(?=\d)"), " ", DIGIT),
        Rule("latin", R(r"\bNo\.\s?(?=\d)|№\s?(?=\d)"), "第", DIGIT),
    ]


def _amounts() -> list[Rule]:
    """Every other number is an amount (第3 → 第三, 1040.5 → 一千零四十点五); 2 is 两 where people say it."""
    return [
        Rule("number", R(rf"(?<![\d.第、])2(?![\d.])(?=\s*(?:{_w('liang_before')}))(?!年级)"), "两", DIGIT),
        Rule("number", R(NUM), lambda m: number(m[0]), DIGIT),
    ]


def _last() -> list[Rule]:
    """Latin words for the English voice (capitals spelt), then the safety pass: nothing espeak-ng would read
    in English or as a code point is left."""
    return [
        Rule("latin", R(r"(?<=[A-Za-z])/(?=[A-Za-z])"), " ", LATIN),
        Rule("latin", R(rf"(?<![A-Za-z])(?:{_alt(latin_words())}|[A-Za-z]+)(?![A-Za-z])"), _latin_word, LATIN),
        # × and → say 乘 and 至 between words (7×24小时, 长×宽, 9点→11点); as marks that head a line or a clause
        # (×未完成, →详见附件) nothing
        Rule("symbol", R(rf"(?<=[{CJK}A-Za-z])\s*×\s*(?=[{CJK}A-Za-z])"), "乘", R("×")),
        Rule("symbol", R(rf"(?<=[{CJK}A-Za-z])\s*→\s*(?=[{CJK}A-Za-z])"), "至", R("→")),
        Rule("symbol", R(f"[^{CJK}{SAFE_PUNCT}A-Za-z\\s]"), _leftover),
        Rule("symbol", R(r"\s{2,}"), " ", R(r"\s\s")),
        Rule("symbol", R(r"([。，、；：？！])[\s。，、；：？！]*\1"), r"\1", R(r"([。，、；：？！])\s*\1")),
    ]


STAGES = [_addresses, _enumerations, _codes, _phones, _dates, _times_and_ranges, _measures, _amounts, _last]


@cache
def rules() -> list[Rule]:
    """The ordered table: the stages in order, each stage's rules in order."""
    return [rule for stage in STAGES for rule in stage()]


PLAIN = re.compile(f"[{CJK}{SAFE_PUNCT}\\s]*")  # text no rule changes, but for （一） list heads
LIST_HEAD = re.compile("[（(][一二三四五六七八九十]{1,3}[)）]")


def normalise(text: str) -> str:
    """Spoken form of one sentence of Chinese text."""
    text = text.translate(PRE)
    if PLAIN.fullmatch(text) and not LIST_HEAD.search(text):
        return text.strip()  # nothing to read differently: no digit, no Latin, no symbol
    for rule in rules():
        if rule.gate is None or rule.gate.search(text):
            text = rule.pattern.sub(rule.say, text)
    return text.strip()
