"""Vietnamese text: clean what users type, then derive keys from it.

The model: store what the user typed (after :func:`normalize`, which only repairs invisible
differences) and show it unchanged; never compare, search or sort on it directly. The same
word reaches us in different bytes: NFC or NFD (macOS, PDF extraction, old input methods),
``Ð`` (U+00D0) typed for ``Đ`` (U+0110), and two tone placements (``hòa``/``hoà``,
``Tỉnh ủy``/``Tỉnh uỷ``) that both occur in real documents. So each comparison gets a key
derived from the stored text and kept in its own column:

* :func:`canonical_key`: equality and de-duplication (``"Tỉnh uỷ"`` equals ``"TỈNH ỦY"``);
* :func:`fold`: search without diacritics (``"quan triet"`` finds ``"Quán triệt"``);
* :func:`collation_key`, :func:`name_sort_key`: Vietnamese alphabetical order.

The sort keys are plain ``[0-9a-z]`` strings: SQLite has no Vietnamese collation, PostgreSQL's
ICU ``vi`` does not exist there, and code-point order of such strings is the same under
SQLite ``BINARY`` and PostgreSQL ``C`` or ``en_US.UTF-8``, so ``ORDER BY sort_key`` gives the
same order on every backend. Stdlib only.
"""

from __future__ import annotations

import re
import string
import unicodedata
from functools import lru_cache
from typing import NamedTuple

__all__ = [
    "canonical_key",
    "collation_key",
    "fold",
    "name_sort_key",
    "normalize",
    "split_full_name",
    "to_old_tone_style",
]

# --- normalize --------------------------------------------------------------------------

# Invisible characters that Word, PDFs and web pages leave in copied text; they make two
# strings that look identical compare unequal. (Soft hyphen included for the same reason.)
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_REPAIRS = {
    **dict.fromkeys(map(ord, _INVISIBLE)),
    # Icelandic eth looks exactly like Đ and is what some keyboards and fonts produce; it
    # has no relation to D for folding or sorting, so it must be repaired on input.
    0x00D0: "Đ",
    0x00F0: "đ",
}
_WHITESPACE = re.compile(r"\s+")


def normalize(s: str) -> str:
    """Clean one line of user input: NFC, ``Ð``→``Đ``, no zero-width characters, single
    spaces, no leading or trailing whitespace.

    Apply at every input boundary (forms, imports, file names) before storing. Newlines are
    collapsed too, so this is for single-line values (names, titles, symbols), not for bodies.
    """
    # Remove invisibles before NFC so that a mark separated from its letter by one composes.
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFC", s.translate(_REPAIRS))).strip()


# --- tones ------------------------------------------------------------------------------

# Combining tone marks, numbered in dictionary order: ngang (0) < huyền < hỏi < ngã < sắc < nặng.
_TONE_OF_MARK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_MARK_OF_TONE = {tone: mark for mark, tone in _TONE_OF_MARK.items()}
_VOWELS = frozenset("aăâeêioôơuưy")
# Nuclei whose tone moves between the two styles, when they end an open syllable.
_MOVABLE_NUCLEI = frozenset({"oa", "oe", "uy"})
_LETTER_RUN = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=4096)
def _split_tone(ch: str) -> tuple[str, int]:
    """One NFC character → (the character without its tone mark, tone 0-5)."""
    tone = 0
    rest = []
    for c in unicodedata.normalize("NFD", ch):
        mark_tone = _TONE_OF_MARK.get(c, 0)
        if mark_tone and not tone:
            tone = mark_tone
        else:
            rest.append(c)
    return unicodedata.normalize("NFC", "".join(rest)), tone


def _old_style_syllable(match: re.Match[str]) -> str:
    syllable = match.group()
    if len(syllable) < 2:
        return syllable
    (first, first_tone), (second, second_tone) = map(_split_tone, syllable[-2:])
    # New style puts the tone on the last vowel of an open syllable ending in oa/oe/uy.
    if first_tone or not second_tone or (first + second).lower() not in _MOVABLE_NUCLEI:
        return syllable
    if len(syllable) > 2:
        before = _split_tone(syllable[-3])[0].lower()
        # After q the u belongs to the initial (quý, quỳ): the tone is on y in both styles.
        # A third vowel means another nucleus (khuya, khuỷu), where styles do not differ.
        if before == "q" or before in _VOWELS:
            return syllable
    moved = unicodedata.normalize("NFC", first + _MARK_OF_TONE[second_tone])
    return syllable[:-2] + moved + second


def to_old_tone_style(s: str) -> str:
    """Move tones to the old style in open syllables ending in oa/oe/uy: ``hoà``→``hòa``,
    ``thuỷ``→``thủy``, ``khoẻ``→``khỏe``, ``Uỷ``→``Ủy``.

    ``quý`` and closed syllables (``hoàng``, ``toán``, ``quyết``) are unchanged; case is kept.
    Accepts NFC or NFD; returns NFC and changes nothing else (no re-spacing of punctuation).
    """
    return _LETTER_RUN.sub(_old_style_syllable, unicodedata.normalize("NFC", s))


# --- equality and search keys -----------------------------------------------------------


def canonical_key(s: str) -> str:
    """Exact key for equality and de-duplication: normalized, old tone style, casefolded.

    ``canonical_key("Tỉnh uỷ") == canonical_key("TỈNH ỦY")``; diacritics still count.
    """
    return to_old_tone_style(normalize(s).casefold())


def fold(s: str) -> str:
    """Search key without diacritics: normalized, marks removed, ``đ``→``d``, casefolded.

    ``fold("Quán triệt Nghị quyết Đảng") == "quan triet nghi quyet dang"``. Punctuation and
    spacing are kept, so a folded query can be matched with LIKE or trigrams on a folded
    column. (Đ has no decomposition, so stripping marks alone would leave it.)
    """
    if s.isascii():  # no marks, no đ: the same result without decomposing
        return normalize(s).lower()
    decomposed = unicodedata.normalize("NFD", normalize(s).casefold())
    bare = "".join(c for c in decomposed if not unicodedata.category(c).startswith("M"))
    # normalize again: a stray mark after a space leaves a space at the end once removed.
    return normalize(bare.replace("đ", "d"))


# --- collation --------------------------------------------------------------------------
#
# A key in the manner of ICU: all primary weights (letters, digits, word breaks), a level
# terminator, then the tone of every letter, then the case of every letter. Comparing two
# keys as plain strings compares base letters first, tones only when all letters are equal,
# and case last.
#
# Primary weights are two characters each, so that letters read as themselves ("a0" a,
# "a1" ă, "a2" â) and everything stays fixed-width. The terminator "0" is below the first
# character of every weight, so a string sorts before its extensions ("An" < "Anh"), which
# also makes whole keys prefix-free: if primaries are equal, the two strings have the same
# letters, so the tone and case parts have the same length.

_BASE36 = string.digits + string.ascii_lowercase  # in code-point order
_LEVEL_END = "0"
_WORD_BREAK = "10"  # below digits and letters: "An" < "An Bình" < "Anh"
_DIGIT_PREFIX = "2"  # digits "20".."29" sort before letters
_OTHER_LETTER_PREFIX = "zz"  # letters outside the alphabet: after z, by code point
# Vietnamese letters come after the plain Latin letter they are written on.
_VARIANTS = {"a": "aăâ", "d": "dđ", "e": "eê", "o": "oôơ", "u": "uư"}
_LETTER_WEIGHT = {
    letter: base + str(rank)
    for base in string.ascii_lowercase
    for rank, letter in enumerate(_VARIANTS.get(base, base))
}


class _Unit(NamedTuple):
    weight: str
    tone: int
    upper: bool
    is_letter: bool


_BREAK = _Unit(_WORD_BREAK, 0, False, False)


def _is_word_break(ch: str) -> bool:
    # Spaces, dashes and slashes separate words ("Bà Rịa-Vũng Tàu"); other punctuation is
    # ignored so that "O'Neil" and "ONeil" or "1.000" and "1000" sort together.
    return ch.isspace() or ch == "/" or unicodedata.category(ch) == "Pd"


@lru_cache(maxsize=8192)
def _classify(cluster: str) -> _Unit | None:
    """One base character with its combining marks (NFD) → its weights, or None if ignored."""
    base, marks = cluster[0], cluster[1:]
    if _is_word_break(base):
        return _BREAK
    if not base.isalnum():
        return None
    digit = unicodedata.decimal(base, None)
    if digit is not None:
        return _Unit(_DIGIT_PREFIX + str(digit), 0, False, False)
    tone = 0
    modifiers = []
    for mark in marks:
        mark_tone = _TONE_OF_MARK.get(mark, 0)
        if mark_tone and not tone:
            tone = mark_tone
        else:
            modifiers.append(mark)  # breve, circumflex, horn, or a foreign accent
    lower = base.lower() if len(base.lower()) == 1 else base
    letter = unicodedata.normalize("NFC", lower + "".join(modifiers))
    # Foreign accents (ü, ç) are ignored: such a letter sorts as its base letter.
    weight = _LETTER_WEIGHT.get(letter) or _LETTER_WEIGHT.get(lower)
    if weight is None:
        weight = _OTHER_LETTER_PREFIX + _base36(ord(lower), width=4)  # 36**4 > 0x10FFFF
    return _Unit(weight, tone, base != lower, True)


def _base36(n: int, *, width: int) -> str:
    digits = []
    for _ in range(width):
        n, r = divmod(n, 36)
        digits.append(_BASE36[r])
    return "".join(reversed(digits))


def _clusters(decomposed: str) -> list[str]:
    """Split NFD text into base characters each followed by its combining marks."""
    clusters: list[str] = []
    for ch in decomposed:
        if clusters and unicodedata.category(ch).startswith("M"):
            clusters[-1] += ch
        else:
            clusters.append(ch)
    return clusters


def collation_key(s: str) -> str:
    """Sort key for Vietnamese alphabetical order, made only of ``[0-9a-z]``.

    Alphabet a ă â b c d đ e ê (f) g h i (j) k l m n o ô ơ p q r s t u ư v (w) x y (z);
    word breaks < digits < letters; then tones ngang < huyền < hỏi < ngã < sắc < nặng; then
    lower before upper case. Old and new tone styles give the same key (``Thuỷ``/``Thủy``),
    so they sort together. Punctuation other than dashes and slashes is ignored.
    """
    primary: list[str] = []
    tones: list[int] = []
    uppers: list[bool] = []
    pending_break = False
    # The weights of each space-separated word are worked out once (names repeat their
    # words: "Chi bộ", "Đảng ủy xã"); a space is a word break between them. Nothing
    # crosses a space on the way (tone style, NFD, clusters): the same units in the same
    # order as weighing the whole string at once.
    for index, word in enumerate(normalize(s).split(" ")):
        if index:
            pending_break = bool(primary)  # no leading break, and runs count once
        for unit in _word_units(word):
            if unit is _BREAK:
                pending_break = bool(primary)
                continue
            if pending_break:
                primary.append(_WORD_BREAK)
                pending_break = False
            primary.append(unit.weight)
            if unit.is_letter:
                tones.append(unit.tone)
                uppers.append(unit.upper)
    return "".join(primary) + _LEVEL_END + _pack_tones(tones) + _pack_case(uppers)


@lru_cache(maxsize=65536)
def _word_units(word: str) -> tuple[_Unit, ...]:
    """The weighed units (ignored characters left out) of one word without spaces."""
    text = unicodedata.normalize("NFD", to_old_tone_style(word))
    return tuple(unit for unit in map(_classify, _clusters(text)) if unit is not None)


def _pack_tones(tones: list[int]) -> str:
    # Two tones (0-5) per character: 6 * 6 = 36 symbols, and the order of pairs is kept.
    padded = [*tones, 0] if len(tones) % 2 else tones
    return "".join(_BASE36[a * 6 + b] for a, b in zip(padded[::2], padded[1::2], strict=True))


def _pack_case(uppers: list[bool]) -> str:
    # Five case bits per character, most significant first (values 0-31).
    chunks = (uppers[i : i + 5] for i in range(0, len(uppers), 5))
    return "".join(_BASE36[sum(bit << (4 - j) for j, bit in enumerate(chunk))] for chunk in chunks)


# --- names ------------------------------------------------------------------------------


def name_sort_key(*, given: str, family: str, middle: str) -> str:
    """Sort key for people, Vietnamese style: given name (tên), then family name (họ), then
    middle name, each compared on all levels. Only ``[0-9a-z]``.

    Each part's key ends its letters with the level terminator ``"0"``, which is below every
    weight, so a part that is a prefix of another sorts first whatever follows (``An`` before
    ``Anh``); the parts' keys are prefix-free and can simply be concatenated.
    """
    return _part_key(given) + _part_key(family) + _part_key(middle)


@lru_cache(maxsize=65536)
def _part_key(part: str) -> str:
    # Name parts repeat (a few hundred family names, a few thousand given names): an
    # import of 100.000 members computes each part's key once.
    return collation_key(part)


def split_full_name(full: str) -> tuple[str, str, str]:
    """Default split of a full name into (family, middle, given): first word, the words in
    between, last word. Only a default: compound names (Hoàng Phủ Ngọc Tường) need the user
    to correct it, so store the parts separately.
    """
    words = normalize(full).split(" ")
    if words == [""]:
        return "", "", ""
    if len(words) == 1:
        return "", "", words[0]
    return words[0], " ".join(words[1:-1]), words[-1]
