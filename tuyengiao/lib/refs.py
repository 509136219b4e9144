"""Find references to Party and State documents in free Vietnamese text.

Model
=====

A *reference* is a place in a text that names one document. Three shapes are recognised:

``party``
    ``number-TYPE/ISSUER`` as in ``57-NQ/TW``, ``15-HD/BTGTU``, ``12-BC/ĐU``, ``03-ĐA/TU``,
    ``06-CTr/TU``, ``08-QĐi/TW`` (Party document rules, Quy định 66-QĐ/TW and
    Hướng dẫn 36-HD/VPTW).
``state``
    Decree 30/2020/NĐ-CP: legal documents ``number/year/TYPE-ISSUER`` (``30/2020/NĐ-CP``,
    ``25/2024/TT-BTC``), laws and National Assembly resolutions ``number/year/ISSUER``
    (``45/2019/QH14``, no type code: the type comes from the kind word, else ``L`` for a
    ``QH..`` issuer and ``NQ`` otherwise); other documents ``number/TYPE-ISSUER``
    (``1327/QĐ-TTg``, ``477/CT-UBND``); an official letter has no type code:
    ``number/ISSUER-UNIT`` (``5973/UBND-KT``), reported with type ``CV`` and issuer
    ``UBND``.
``bare``
    a kind word and a number with no symbol (``Đề án 1327``, ``Nghị quyết 57``,
    ``Chỉ thị số 05``, ``Nghị định 30/2020``). The registry must resolve these and a person
    must confirm them. Without ``số`` the kind word must be capitalised and the number must
    not look like a year; a measure word after the number (``Kế hoạch 5 năm``,
    ``Báo cáo 6 tháng``) or a date/decimal/range continuation rejects it.

Canonical form
--------------
* Numbers below 10 get a leading zero, as both rule sets require (``1-KL/TW`` →
  ``01-KL/TW``); further leading zeros are dropped. ``Ref.number`` is the integer.
* Type codes get their official capitalisation (``ctr`` → ``CTr``, ``QĐI`` → ``QĐi``,
  ``đa`` → ``ĐA``); codes typed without diacritics are repaired where that is unambiguous
  (``QD`` → ``QĐ``, ``ND`` → ``NĐ``; Party ``DA`` → ``ĐA``).
* Issuers are upper-cased except known mixed ones (``TTg``); ``TƯ`` becomes ``TW``; the
  Party issuers ``DU``/``DUK`` become ``ĐU``/``ĐUK``.
* A Party type with a Party-only issuer written in the State shape (``57/NQ-TW``) is read as
  the Party symbol ``57-NQ/TW``.
* ``Ref.kind`` is the kind word written before the symbol (``Nghị quyết số 57-NQ/TW``,
  also lower case or upper case, or without diacritics), in canonical capitalisation; or a
  kind word a few words earlier when its type fits (``Bộ luật Lao động số 45/2019/QH14``,
  ``Nghị quyết của Bộ Chính trị số 35-NQ/TW``).

Lists
-----
* ``các Nghị quyết số 18-NQ/TW, số 19-NQ/TW và số 20-NQ/TW``: each later item inherits the
  kind when only separators, ``và``/``hoặc``, ``số`` and dates (``ngày 25/10/2017``) stand
  between them and its type code fits the kind (``Nghị quyết số 18-NQ/TW và 05-CT/TW``
  leaves the second without a kind).
* ``Nghị quyết số 18, 19 và 20-NQ/TW``: the leading numbers share the last symbol's type and
  issuer (Party symbols only); their spans cover the number alone.
* ``Kết luận số 01-KL/TW và số 21``, ``Đề án số 05, số 06``: a ``số N`` item after a
  reference with a kind is a bare reference of that kind; its span covers the number.

Offsets
-------
All offsets refer to :func:`normalize_for_refs` of the input (NFC, ``Ð`` repaired to
``Đ``). A symbol's span covers the symbol only (not ``Nghị quyết số``); a bare reference's
span covers the kind word and the number.

Robustness
----------
Whitespace around ``-`` and ``/`` is tolerated (up to three spaces, no line break); the
hyphen may be any of ``- ‐ ‑ – —``. A number glued to a preceding letter, digit group,
``/`` or dash is never the start of a symbol, so dates (``15/5/2020``), ranges
(``2020-2025``), fractions, ``COVID-19`` and decimals never match.

Extraction runs in time linear in the input on any input: runs of spaces are possessive
(``*+``), every lookback reads a bounded window (48 or 120 characters), and each pattern is
tried once per position (``test_refs_linear.py`` holds the property test).

Known limits
------------
* The document date is not extracted: Party numbers restart each term, so ``35-CT/TW``
  (2019) and ``35-CT/TW`` (2024) give the same :class:`Ref`.
* A kind word more than 60 characters before ``số``, or separated from it by punctuation
  other than a comma, is not seen.
* A number written with a thousands separator (``1.234/QĐ-UBND``) is not read as a symbol.
* Only the forms above are recognised: a symbol split across lines, or written with a
  character other than ``/`` as the slash, is missed.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, replace

from .numbers import is_digits

__all__ = [
    "KIND_CODES",
    "Ref",
    "extract_refs",
    "normalize_for_refs",
    "parse_symbol",
]


@dataclass(frozen=True)
class Ref:
    """One reference to a document, found in a text or parsed from a symbol."""

    symbol: str
    system: str
    number: int
    type: str
    issuer: str | None
    year: int | None
    kind: str | None
    start: int
    end: int


# --------------------------------------------------------------------------- tables

#: Kind word (canonical capitalisation) -> type code it implies.
KIND_CODES: dict[str, str] = {
    "Nghị quyết liên tịch": "NQLT",
    "Nghị quyết": "NQ",
    "Chỉ thị": "CT",
    "Kết luận": "KL",
    "Quy định": "QĐ",
    "Quyết định": "QĐ",
    "Quy chế": "QC",
    "Kế hoạch": "KH",
    "Chương trình hành động": "CTr",
    "Chương trình": "CTr",
    "Đề án": "ĐA",
    "Phương án": "PA",
    "Thông tư liên tịch": "TTLT",
    "Thông tư": "TT",
    "Nghị định": "NĐ",
    "Hướng dẫn": "HD",
    "Thông báo kết luận": "TB",
    "Thông báo": "TB",
    "Thông cáo": "TC",
    "Thông tri": "TT",
    "Báo cáo": "BC",
    "Tờ trình": "TTr",
    "Công văn": "CV",
    "Công điện": "CĐ",
    "Văn bản hợp nhất": "VBHN",
    "Văn bản": "CV",
    "Biên bản": "BB",
    "Bộ luật": "BL",
    "Luật": "L",
    "Pháp lệnh": "PL",
    "Giấy mời": "GM",
}

# Type codes a kind word accepts when a list item inherits it. "Văn bản" accepts any.
_KIND_COMPAT: dict[str, frozenset[str]] = {k: frozenset({v}) for k, v in KIND_CODES.items()}
_KIND_COMPAT["Quy định"] = frozenset({"QĐ", "QĐi", "QyĐ"})
# Kinds that a State symbol without a type code (45/2019/QH14) can carry.
_NOCODE_KINDS = frozenset({"Luật", "Bộ luật", "Nghị quyết", "Pháp lệnh", "Văn bản"})

# Type codes (Quy định 66-QĐ/TW for the Party; Decree 30/2020/NĐ-CP, Appendix III, for the
# State; L, BL, PL for laws, codes and ordinances are this module's own).
_PARTY_TYPES = "NQ NQLT CT KL QC QĐ QĐi QyĐ TT HD KH CTr ĐA BC TB TC TTr CV BB PA GM GGT"
_STATE_TYPES = (
    "NQ NQLT NĐ QĐ CT KL QC QyĐ TC TB HD CTr KH PA ĐA DA BC BB TTr HĐ CĐ GN TTh GUQ GM "
    "GGT GNP PG PC PB TT TTLT VBHN L PL"
)
_PARTY_TYPE_BY_CF = {t.casefold(): t for t in _PARTY_TYPES.split()}
_STATE_TYPE_BY_CF = {t.casefold(): t for t in _STATE_TYPES.split()}
# Codes typed without diacritics, keyed by their folded form.
_PARTY_TYPE_ASCII = {"qd": "QĐ", "qdi": "QĐi", "qyd": "QyĐ", "da": "ĐA"}
_STATE_TYPE_ASCII = {"qd": "QĐ", "nd": "NĐ", "qyd": "QyĐ", "cd": "CĐ"}

# Issuers whose canonical form is not all upper case, keyed by their upper-case form.
_MIXED_ISSUERS = {"TTG": "TTg"}
_PARTY_ISSUER_ASCII = {"DU": "ĐU", "DUK": "ĐUK"}
# Issuers that only the Party uses (for 57/NQ-TW -> 57-NQ/TW, and lower-case issuers).
_PARTY_ONLY_ISSUERS = frozenset(
    {"TW", "TU", "HU", "ĐU", "ĐUK", "QU", "TXU", "BCT", "BBT", "VPTW", "UBKTTW", "BTCTW"}
    | {p + s for p in ("BTG", "BTGDV", "BTC", "UBKT", "BDV", "VP", "BNC") for s in ("TU", "HU")}
    | {"BTGTW", "BTGDVTW", "BDVTW", "BNCTW"}
)

# First words after a bare number that make it a quantity, not a document number.
_MEASURE_TEXT = (
    "năm tháng ngày tuần quý giờ phút giây lần buổi đợt kỳ khóa khoá cuộc hội lớp người "
    "lượt đồng đảng hộ xã phường huyện tỉnh đơn nội nhiệm mục chỉ giải điểm bước chương "
    "điều khoản trang bản cuốn tờ triệu tỷ tỉ nghìn ngàn trăm chục km ha m kg tấn chiếc "
    "cái con nhóm tổ thôn xóm trường tiết câu ý vấn lĩnh tiêu phần loại"
)
_MEASURE_WORDS = frozenset(_MEASURE_TEXT.split())

# --------------------------------------------------------------------------- text helpers


def normalize_for_refs(text: str) -> str:
    """NFC, with ``Ð``/``ð`` (Icelandic eth, a common mistyping) repaired to ``Đ``/``đ``.

    Both repairs keep the length, so offsets into the result are stable.
    """
    return unicodedata.normalize("NFC", text).replace("\u00d0", "Đ").replace("\u00f0", "đ")


def _fold(s: str) -> str:
    """No marks, ``đ`` -> ``d``, casefolded: the key for text typed without diacritics."""
    decomposed = unicodedata.normalize("NFD", s)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.replace("đ", "d").replace("Đ", "D").casefold()


_KIND_BY_FOLD = {" ".join(_fold(k).split()): k for k in KIND_CODES}


def _canon_kind(written: str) -> str | None:
    return _KIND_BY_FOLD.get(" ".join(_fold(written).split()))


def _pad(digits: str) -> tuple[str, int]:
    n = int(digits)
    return f"{n:02d}", n


# --------------------------------------------------------------------------- patterns

_H = r"[^\S\n]{0,3}"  # stray horizontal space inside a symbol
_DASHES = "-\u2010\u2011\u2013\u2014\u2212"  # - ‐ ‑ – — −
_DASH = "[-\u2010\u2011\u2013\u2014\u2212]"  # (a class: "-" first, so never a range)
_L = r"[^\W\d_]"  # a letter
_SEG = r"[^\W\d_](?:[^\W_]|&)*"  # a State code/issuer segment: QĐ, TTg, QH14, BNN&PTNT
# Runs of spaces are possessive (``*+``, ``++``): what follows them is never a space, so
# giving a space back cannot help a match, and not trying keeps every match linear.
_WS = r"(?:[^\S\n]++|[^\S\n]*+\n[^\S\n]*+)"  # at least one space, at most one line break
_WS0 = r"[^\S\n]*+(?:\n[^\S\n]*+)?"

_NUM_RUN = re.compile(r"[0-9]+")
_PARTY_RE = re.compile(
    rf"(?P<num>[0-9]{{1,5}}){_H}{_DASH}{_H}(?P<type>{_L}{{1,5}}){_H}/{_H}"
    rf"(?P<iss>{_L}{{1,15}})(?!\w)"
)
_STATE_YEAR_RE = re.compile(
    rf"(?P<num>[0-9]{{1,5}})(?P<suf>[a-z]?){_H}/{_H}(?P<year>[0-9]{{4}}){_H}/{_H}(?P<seg>{_SEG})"
)
_STATE_RE = re.compile(rf"(?P<num>[0-9]{{1,5}})(?P<suf>[a-z]?){_H}/{_H}(?P<seg>{_SEG})")
# Cheap test before the real ones: a number followed by "/" or by a dash and a letter.
_HEAD_RE = re.compile(rf"[0-9]{{1,5}}[a-z]?{_H}(?:/|{_DASH}{_H}{_L})")
_SEP_LOOSE_SEG = re.compile(rf"{_H}{_DASH}{_H}(?P<seg>{_SEG})")
_SEP_TIGHT_SEG = re.compile(rf"{_DASH}(?P<seg>{_SEG})")


def _kind_alternation() -> str:
    forms = {f for k in KIND_CODES for f in (k, _fold(k))}
    ordered = sorted(forms, key=len, reverse=True)
    return "|".join(r"[^\S\n]+".join(re.escape(w) for w in f.split()) for f in ordered)


_KINDS = _kind_alternation()
_SO = r"(?:số|so)"
# The prefix before a symbol is read backwards: these patterns are matched at the start of
# the reversed text before the symbol, so that only one position is tried.
_KINDS_REV = "|".join(
    r"[^\S\n]+".join(re.escape(w) for w in f[::-1].split())
    for f in sorted({f for k in KIND_CODES for f in (k, _fold(k))}, key=len, reverse=True)
)
_SO_REV = r"(?:ốs|os)(?!\w)"
# "[kind] [số[:]]" right before the symbol
_LOOKBACK_REV_RE = re.compile(
    rf"(?:{_WS0}:?[^\S\n]*(?P<so>{_SO_REV})(?:{_WS}(?P<k1>{_KINDS_REV})(?!\w))?"
    rf"|{_WS}(?P<k2>{_KINDS_REV})(?!\w))",
    re.IGNORECASE,
)
# A kind word, then a name or an issuer, then "số": "Bộ luật Lao động số 45/2019/QH14",
# "Nghị quyết của Bộ Chính trị số 35-NQ/TW". Used only when the type code fits the kind.
_NAMED_REV_RE = re.compile(
    rf"[^\S\n]*+:?[^\S\n]*+{_SO_REV}[^\S\n]+(?:(?!{_SO_REV})[^\n/.;:!?()“”\"]){{1,60}}?"
    rf"[^\S\n]+(?P<k>{_KINDS_REV})(?!\w)",
    re.IGNORECASE,
)
_LIST_SEP = r"(?:[^\S\n]*+[,;][^\S\n]*+(?:(?:và|hoặc)[^\S\n]++)?|[^\S\n]++(?:và|hoặc)[^\S\n]++)"
# "số 18, 19 và 20-NQ/TW": numbers sharing the type code and issuer of the last one.
_SHARED_RE = re.compile(
    rf"(?<!\w)(?:số|so)[^\S\n]*+:?[^\S\n]*+(?P<nums>[0-9]{{1,5}}(?:{_LIST_SEP}[0-9]{{1,5}})*)"
    rf"{_LIST_SEP}\Z",
    re.IGNORECASE,
)
_BARE_RE = re.compile(
    rf"(?<!\w)(?P<kind>{_KINDS}){_WS}(?:(?P<so>{_SO})[^\S\n]*+:?{_WS0})?"
    r"(?P<num>[0-9]{1,5})(?P<suf>[a-z]?)(?:/(?P<year>(?:19|20)[0-9]{2}))?(?!\w)",
    re.IGNORECASE,
)
_BARE_NEXT_RE = re.compile(
    r"(?:[^\S\n]*+[,;][^\S\n]*+(?:(?:và|hoặc)[^\S\n]++)?|[^\S\n]++(?:và|hoặc)[^\S\n]++)"
    r"(?P<so>số)[^\S\n]*+:?[^\S\n]*+"
    r"(?P<num>[0-9]{1,5})(?P<suf>[a-z]?)(?:/(?P<year>(?:19|20)[0-9]{2}))?(?!\w)",
    re.IGNORECASE,
)
# After a bare number: a date, decimal, range, time, fraction or percentage continues it.
_BARE_BAD_TAIL = re.compile(rf"(?:[.,:][0-9]|[^\S\n]*+(?:(?:/|{_DASH})[^\S\n]*+[0-9]|[%‰]|/))")
_NEXT_WORD = re.compile(r"[^\S\n]*+(?P<w>\w++)")
_DATE_AFTER_NGAY = re.compile(r"\s++[0-9]{1,2}(?:\s*+[/.\-]|\s++tháng)", re.IGNORECASE)
_YEAR_AFTER_NAM = re.compile(rf"\s++(?:19|20)[0-9]{{2}}(?!\s*+{_DASH}\s*+[0-9])(?![0-9])")
_PHAP_BEFORE = re.compile(r"(?:pháp|phap)[^\S\n]+\Z", re.IGNORECASE)

_DATE = (
    r"[0-9]{1,2}\s*+[/.\-]\s*+[0-9]{1,2}\s*+[/.\-]\s*+[0-9]{2,4}"
    r"|[0-9]{1,2}\s++tháng\s++[0-9]{1,2}\s++năm\s++[0-9]{4}"
)
# What may stand between two items of one list for the second to inherit the kind.
_LIST_GLUE = re.compile(
    rf"(?:[\s,;()]|và|hoặc|cùng|ngày\s++(?:{_DATE})|năm\s++[0-9]{{4}})*+", re.IGNORECASE
)
_PARSE_PREFIX = re.compile(rf"\s*(?:(?:{_KINDS})\s*)?(?:{_SO}\s*:?\s*)?", re.IGNORECASE)
_PARSE_SUFFIX = re.compile(r"[\s.,;:)]*")

# --------------------------------------------------------------------------- candidates


@dataclass
class _Sym:
    system: str
    digits: str
    suffix: str
    year: int | None
    type_code: str | None  # None: a State symbol without a type code (45/2019/QH14)
    segments: tuple[str, ...]  # issuer segments; for a letter: issuer, then units
    start: int
    end: int
    letter: bool = False


def _upperish(seg: str) -> bool:
    return seg == seg.upper() or seg in _MIXED_ISSUERS.values()


def _canon_seg(seg: str) -> str:
    up = seg.upper().replace("TƯ", "TW")
    return _MIXED_ISSUERS.get(up, up)


def _canon_type(code: str, *, party: bool) -> str | None:
    table, ascii_table = (
        (_PARTY_TYPE_BY_CF, _PARTY_TYPE_ASCII) if party else (_STATE_TYPE_BY_CF, _STATE_TYPE_ASCII)
    )
    return table.get(code.casefold()) or ascii_table.get(_fold(code))


def _boundary_ok(text: str, pos: int) -> bool:
    """May a symbol start at ``pos``? Not after a letter/digit, ``/``, a dash or ``1.``."""
    if pos == 0:
        return True
    prev = text[pos - 1]
    if prev.isalnum() or prev == "_" or prev == "/" or prev in _DASHES:
        return False
    return not (prev in ".," and pos >= 2 and is_digits(text[pos - 2]))


def _try_party(text: str, pos: int, lenient: bool) -> _Sym | None:
    m = _PARTY_RE.match(text, pos)
    if not m:
        return None
    raw_type, raw_iss = m["type"], m["iss"]
    tcode = _canon_type(raw_type, party=True)
    if tcode is None:
        if not lenient and not (raw_type == raw_type.upper() and len(raw_type) >= 2):
            return None
        tcode = raw_type.upper()
    elif raw_type != tcode and len(raw_type) < 2:
        return None
    issuer = _canon_seg(raw_iss)
    issuer = _PARTY_ISSUER_ASCII.get(issuer, issuer)
    if len(issuer) < 2:
        return None
    if not lenient and not _upperish(raw_iss):
        # lower-case issuer: only a known Party issuer, or with a lower-case type code
        if issuer not in _PARTY_ONLY_ISSUERS and raw_type == raw_type.upper():
            return None
        if _canon_type(raw_type, party=True) is None:
            return None
    if int(m["num"]) == 0:
        return None
    return _Sym("party", m["num"], "", None, tcode, (issuer,), m.start(), m.end())


def _more_segments(text: str, pos: int, first_loose: bool, lower_ok: bool) -> tuple[list[str], int]:
    """Consume ``-SEG`` continuations; spaces around the dash only for the first one."""
    segs: list[str] = []
    while True:
        rx = _SEP_LOOSE_SEG if (first_loose and not segs) else _SEP_TIGHT_SEG
        m = rx.match(text, pos)
        if not m:
            break
        seg = m["seg"]
        if not (_upperish(seg) or lower_ok):
            break
        segs.append(seg)
        pos = m.end()
    return segs, pos


def _try_state(text: str, pos: int, lenient: bool, has_kind: bool) -> _Sym | None:
    m = _STATE_YEAR_RE.match(text, pos)
    year: int | None = None
    if m:
        year = int(m["year"])
        if not 1945 <= year <= 2099:
            return None
    else:
        m = _STATE_RE.match(text, pos)
        if not m:
            return None
    if int(m["num"]) == 0:
        return None
    first = m["seg"]
    first_upper = _upperish(first)
    lower_ok = lenient or not first_upper
    rest, end = _more_segments(text, m.end(), True, lower_ok)
    tcode = _canon_type(first, party=False)
    if tcode is not None and (first == tcode or len(first) >= 2):
        issuer_segs = tuple(_canon_seg(s) for s in rest)
        if not issuer_segs and year is None and not (has_kind or (lenient and first_upper)):
            return None
        # Party document written in the State shape: 57/NQ-TW -> 57-NQ/TW
        if (
            year is None
            and len(issuer_segs) == 1
            and issuer_segs[0] in _PARTY_ONLY_ISSUERS
            and tcode in _PARTY_TYPE_BY_CF.values()
        ):
            return _Sym("party", m["num"], "", None, tcode, issuer_segs, m.start(), end)
        return _Sym("state", m["num"], m["suf"], year, tcode, issuer_segs, m.start(), end)
    # no type code: a law (number/year/QH14) or an official letter (number/ISSUER-UNIT)
    if not (first_upper or lenient) or len(first) < 2:
        return None
    segs = (_canon_seg(first), *(_canon_seg(s) for s in rest))
    if year is not None:
        return _Sym("state", m["num"], m["suf"], year, None, ("-".join(segs),), m.start(), end)
    if not rest:
        if not (has_kind or (lenient and first_upper)):
            return None
        return _Sym("state", m["num"], m["suf"], None, None, segs, m.start(), end)
    return _Sym("state", m["num"], m["suf"], None, "CV", segs, m.start(), end, letter=True)


def _lookback(text: str, start: int) -> tuple[str | None, int]:
    """Kind word and the start of the ``[kind] [số]`` prefix just before ``start``."""
    m = _LOOKBACK_REV_RE.match(text[max(0, start - 48) : start][::-1])
    if not m:
        return None, start
    written = m["k1"] or m["k2"]
    return (_canon_kind(written[::-1]) if written else None), start - m.end()


def _finish_symbol(sym: _Sym, kind: str | None) -> Ref:
    padded, number = _pad(sym.digits)
    padded += sym.suffix
    if sym.system == "party":
        tcode = sym.type_code or ""
        issuer: str | None = sym.segments[0]
        symbol = f"{padded}-{tcode}/{issuer}"
        return Ref(symbol, "party", number, tcode, issuer, None, kind, sym.start, sym.end)
    head = f"{padded}/" + (f"{sym.year}/" if sym.year is not None else "")
    if sym.letter:
        issuer = sym.segments[0]
        symbol = head + "-".join(sym.segments)
        return Ref(symbol, "state", number, "CV", issuer, None, kind, sym.start, sym.end)
    issuer = "-".join(sym.segments) or None
    if sym.type_code is None:
        if kind is not None and kind != "Văn bản":
            tcode = KIND_CODES[kind]
        else:
            tcode = "L" if (issuer or "").startswith("QH") else "NQ"
        symbol = head + (issuer or "")
    else:
        tcode = sym.type_code
        symbol = head + "-".join([tcode, *sym.segments])
    return Ref(symbol, "state", number, tcode, issuer, sym.year, kind, sym.start, sym.end)


def _kind_fits(kind: str, sym: _Sym) -> bool:
    if kind == "Văn bản":
        return True
    if sym.type_code is None:
        return kind in _NOCODE_KINDS
    return sym.type_code in _KIND_COMPAT.get(kind, frozenset())


def _bare_ok(text: str, m: re.Match[str], lenient: bool, *, has_so: bool) -> bool:
    """Reject numbers that are dates, quantities, years or parts of something else."""
    end = m.end()
    if _BARE_BAD_TAIL.match(text, end):
        return False
    digits = m["num"]
    if int(digits) == 0:
        return False
    if not has_so and not lenient and m["year"] is None and 1900 <= int(digits) <= 2100:
        return False
    w = _NEXT_WORD.match(text, end)
    if w and not lenient:
        word = w["w"].casefold()
        if word == "ngày" and _DATE_AFTER_NGAY.match(text, w.end()):
            return True
        if word == "năm" and _YEAR_AFTER_NAM.match(text, w.end()):
            return True
        if word in _MEASURE_WORDS:
            return False
    return True


def _bare_ref(kind: str, m: re.Match[str], start: int) -> Ref:
    padded, number = _pad(m["num"])
    padded += m["suf"].lower()
    year = int(m["year"]) if m["year"] else None
    symbol = f"{kind} {padded}" + (f"/{year}" if year is not None else "")
    return Ref(symbol, "bare", number, KIND_CODES[kind], None, year, kind, start, m.end())


# --------------------------------------------------------------------------- extraction


def _find_symbols(text: str, lenient: bool) -> list[tuple[_Sym, str | None, int]]:
    """Symbols in order, each with its own kind word and the start of its prefix."""
    found: list[tuple[_Sym, str | None, int]] = []
    pos_done = 0
    for run in _NUM_RUN.finditer(text):
        pos = run.start()
        if pos < pos_done or not _boundary_ok(text, pos) or not _HEAD_RE.match(text, pos):
            continue
        sym = _try_state(text, pos, lenient, True) or _try_party(text, pos, lenient)
        if sym is None:
            continue
        kind, prefix_start = _lookback(text, pos)
        if kind is None and sym.system == "state":
            # without a kind word, "64/CP" or "123/QĐ" alone is not a symbol
            sym = _try_state(text, pos, lenient, False)
            if sym is None:
                continue
        window = max(pos_done, pos - 120)
        if kind is None:
            kind = _named_kind(text, window, pos, sym)
        if sym.system == "party" and kind is None and prefix_start == pos:
            shared = _SHARED_RE.search(text, window, pos)
            shared_kind = _lookback(text, shared.start())[0] if shared else None
            if shared and (shared_kind is None or _kind_fits(shared_kind, sym)):
                kind, prefix_start = _lookback(text, shared.start())
                for num in _NUM_RUN.finditer(text, shared.start("nums"), shared.end("nums")):
                    item = replace(sym, digits=num[0], start=num.start(), end=num.end())
                    if int(num[0]):
                        found.append((item, kind, prefix_start))
                        prefix_start = num.end()
        found.append((sym, kind, prefix_start))
        pos_done = sym.end
    return found


def _named_kind(text: str, window: int, pos: int, sym: _Sym) -> str | None:
    """The nearest kind word before ``... số`` + symbol, if the symbol's type fits it."""
    m = _NAMED_REV_RE.match(text[window:pos][::-1])
    if not m:
        return None
    kind = _canon_kind(m["k"][::-1])
    return kind if kind is not None and _kind_fits(kind, sym) else None


def _find_bare(text: str, lenient: bool, taken: list[tuple[int, int]]) -> list[Ref]:
    """Kind word + number not overlapping a symbol, and ``số N`` items listed after one."""

    starts = [s for s, _ in taken]

    def free(a: int, b: int) -> bool:
        i = bisect_right(starts, a)
        if i and taken[i - 1][1] > a:
            return False
        return i == len(taken) or taken[i][0] >= b

    bare: list[Ref] = []
    for m in _BARE_RE.finditer(text):
        kind = _canon_kind(m["kind"])
        if kind is None or not free(m.start(), m.end()):
            continue
        if bare and m.start() < bare[-1].end:
            continue
        has_so = m["so"] is not None
        if not has_so and not lenient and not m["kind"][0].isupper():
            continue
        if kind == "Luật" and _PHAP_BEFORE.search(text, max(0, m.start() - 12), m.start()):
            continue
        if not _bare_ok(text, m, lenient, has_so=has_so):
            continue
        ref = _bare_ref(kind, m, m.start())
        bare.append(ref)
        while (nxt := _BARE_NEXT_RE.match(text, ref.end)) is not None:
            if not free(nxt.start("num"), nxt.end()):
                break
            if not _bare_ok(text, nxt, lenient, has_so=True):
                break
            ref = _bare_ref(kind, nxt, nxt.start("num"))
            bare.append(ref)
    return bare


def _extract(text: str, lenient: bool) -> list[Ref]:
    syms = _find_symbols(text, lenient)
    taken = [(s.start, s.end) for s, _, _ in syms]
    bare = _find_bare(text, lenient, taken)
    items: list[tuple[int, _Sym | Ref]] = [(s.start, s) for s, _, _ in syms]
    items += [(b.start, b) for b in bare]
    items.sort(key=lambda it: it[0])
    own = {s.start: (k, p) for s, k, p in syms}

    out: list[Ref] = []
    for _, item in items:
        if isinstance(item, Ref):
            out.append(item)
            continue
        kind, prefix_start = own[item.start]
        prev = out[-1] if out else None
        if (
            kind is None
            and prev is not None
            and prev.kind is not None
            and prev.end <= prefix_start
            and _LIST_GLUE.fullmatch(text, prev.end, prefix_start)
            and _kind_fits(prev.kind, item)
        ):
            kind = prev.kind
        out.append(_finish_symbol(item, kind))
    return _continue_lists(text, out, lenient)


def _continue_lists(text: str, refs: list[Ref], lenient: bool) -> list[Ref]:
    """``Kết luận số 01-KL/TW và số 21``: a ``số N`` after a ref with a kind is a bare ref."""
    out: list[Ref] = []
    for i, ref in enumerate(refs):
        out.append(ref)
        limit = refs[i + 1].start if i + 1 < len(refs) else len(text)
        while ref.kind is not None and ref.system != "bare":
            nxt = _BARE_NEXT_RE.match(text, ref.end)
            if nxt is None or nxt.end() > limit or not _bare_ok(text, nxt, lenient, has_so=True):
                break
            ref = _bare_ref(ref.kind, nxt, nxt.start("num"))
            out.append(ref)
    return out


def extract_refs(text: str) -> list[Ref]:
    """Every document reference in ``text``, in order of appearance, not overlapping.

    Offsets refer to ``normalize_for_refs(text)``.
    """
    return _extract(normalize_for_refs(text), lenient=False)


def parse_symbol(s: str) -> Ref | None:
    """Parse one loosely typed symbol into its canonical form, or ``None``.

    Accepts an optional kind word and ``Số``/``Số:`` prefix (``Số: 25/2024/TT-BTC``,
    ``Nghị quyết số 57-NQ/TW``), stray spaces and dashes (``57 - nq/tw``), ``TƯ`` and
    lower case, and bare references (``Đề án 1327``). Anything else around the symbol
    makes it not a symbol. Offsets refer to ``normalize_for_refs(s)``.
    """
    text = normalize_for_refs(s)
    if not text.strip() or len(text) > 300:
        return None
    refs = _extract(text, lenient=True)
    if len(refs) != 1:
        return None
    ref = refs[0]
    if not _PARSE_PREFIX.fullmatch(text, 0, ref.start):
        return None
    if not _PARSE_SUFFIX.fullmatch(text, ref.end):
        return None
    return ref


# ------------------------------------------------------------- the date next to a reference

_SEP_DAY = r"[^\S\n]*(?:/|-|\.|[^\S\n]+th[aá]ng[^\S\n]+)[^\S\n]*"
_DATE_AFTER = re.compile(
    r"[^\S\n]*[,(]?[^\S\n]*(?:ban[^\S\n]+h[aà]nh[^\S\n]+)?ng[aà]y[^\S\n]+"
    rf"(?P<d>[0-9]{{1,2}}){_SEP_DAY}(?P<m>[0-9]{{1,2}})"
    r"[^\S\n]*(?:/|-|\.|[^\S\n]+n[aă]m[^\S\n]+)[^\S\n]*(?P<y>[0-9]{4})(?![0-9])",
    re.IGNORECASE,
)
DATE_WINDOW = 60  # characters after a reference searched for its date


def date_after(text: str, end: int) -> dt.date | None:
    """The date written right after a reference ending at ``end`` ("35-CT/TW ngày
    14/6/2024", "..., ngày 14 tháng 6 năm 2024"), as a ``datetime.date``, else ``None``.
    Reads at most ``DATE_WINDOW`` characters (one anchored match: linear time)."""
    m = _DATE_AFTER.match(text[end : end + DATE_WINDOW])
    if m is None:
        return None
    try:
        return dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
    except ValueError:
        return None
