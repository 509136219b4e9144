"""Tests for tuyengiao.lib.text: plain functions, no database, no Django settings.

The collation tests compare against a reference built here from explicit
(letter rank, tone, case) tuples, independently of the key encoding.
"""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tuyengiao.lib.text import (
    canonical_key,
    collation_key,
    fold,
    name_sort_key,
    normalize,
    split_full_name,
    to_old_tone_style,
)

FAST = settings(max_examples=200, deadline=None)
# For tests that draw many strings per example.
BROAD = settings(max_examples=100, deadline=None)


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def nfd(s: str) -> str:
    return unicodedata.normalize("NFD", s)


# --- the reference alphabet -------------------------------------------------------------

ALPHABET = list("aăâbcdđeêfghijklmnoôơpqrstuưvwxyz")
VOWELS = frozenset("aăâeêioôơuưy")
TONE_MARKS = ["", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"]  # ngang … nặng

# Every precomposed Vietnamese letter → (alphabet rank, tone 0-5, is upper case).
LETTER_INFO: dict[str, tuple[int, int, bool]] = {}
for _rank, _base in enumerate(ALPHABET):
    for _tone, _mark in enumerate(TONE_MARKS):
        if _tone and _base not in VOWELS:
            continue
        _lower = nfc(_base + _mark)
        LETTER_INFO[_lower] = (_rank, _tone, False)
        LETTER_INFO[_lower.upper()] = (_rank, _tone, True)
LETTERS = sorted(LETTER_INFO)
DIGITS = "0123456789"

ReferenceKey = tuple[list[int], list[int], list[bool]]


def reference_key(s: str) -> ReferenceKey:
    """(primary, tones, cases) for text made of Vietnamese letters, digits and spaces.

    Primary: word break 0 < digits 1-10 < letters 11+; list comparison puts a prefix first.
    """
    text = to_old_tone_style(normalize(s))
    primary: list[int] = []
    tones: list[int] = []
    cases: list[bool] = []
    for ch in text:
        if ch == " ":
            primary.append(0)
        elif ch in DIGITS:
            primary.append(1 + int(ch))
        else:
            rank, tone, upper = LETTER_INFO[ch]
            primary.append(11 + rank)
            tones.append(tone)
            cases.append(upper)
    return primary, tones, cases


def test_reference_alphabet_is_complete() -> None:
    # 33 letters, 12 of them vowels with 6 tones each, in two cases.
    assert len(LETTERS) == 2 * (12 * 6 + 21)
    assert all(len(ch) == 1 for ch in LETTERS)


letters = st.sampled_from(LETTERS)
words = st.text(alphabet=letters, min_size=1, max_size=6)
vi_text = st.lists(words, max_size=4).map(" ".join)
# Messier: digits, runs of spaces, leading and trailing spaces.
vi_text_digits = st.text(alphabet=st.sampled_from([*LETTERS, *DIGITS, " ", " "]), max_size=14)
KEY_CHARS = re.compile(r"[0-9a-z]*")


# --- normalize --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (nfd("Nghị quyết"), "Nghị quyết"),
        ("Ðảng ủy", "Đảng ủy"),
        ("ðoàn", "đoàn"),
        ("Quán\u200b triệt\ufeff", "Quán triệt"),
        ("\ufeffBan Tuyên giáo", "Ban Tuyên giáo"),
        ("o\u200b\u0301", "ó"),  # the mark composes once the invisible character is gone
        ("  Tỉnh \t ủy\n Lai\u00a0Châu  ", "Tỉnh ủy Lai Châu"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_normalize_examples(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_normalize_keeps_tone_style() -> None:
    # Normalising must not rewrite what the user typed beyond invisible differences.
    assert normalize("Tỉnh uỷ") == "Tỉnh uỷ"
    assert normalize("Tỉnh ủy") == "Tỉnh ủy"


@FAST
@given(st.text())
def test_normalize_is_idempotent(s: str) -> None:
    assert normalize(normalize(s)) == normalize(s)


@FAST
@given(st.text())
def test_normalize_nfc_and_nfd_inputs_agree(s: str) -> None:
    assert normalize(nfd(s)) == normalize(nfc(s))


@FAST
@given(st.text())
def test_normalize_output_is_clean(s: str) -> None:
    out = normalize(s)
    assert unicodedata.is_normalized("NFC", out)
    assert out == out.strip()
    assert "  " not in out
    assert not any(c.isspace() and c != " " for c in out)
    assert not set(out) & set("\u00d0\u00f0\u200b\u200c\u200d\u2060\ufeff")


# --- to_old_tone_style ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("new", "old"),
    [
        ("hoà", "hòa"),
        ("thuỷ", "thủy"),
        ("khoẻ", "khỏe"),
        ("uỷ", "ủy"),
        ("Uỷ ban", "Ủy ban"),
        ("UỶ BAN", "ỦY BAN"),
        ("Tỉnh uỷ", "Tỉnh ủy"),
        ("Thuỷ", "Thủy"),
        ("hoạ sĩ", "họa sĩ"),
        ("xoã", "xõa"),
        ("Toà án", "Tòa án"),
        ("oà khóc", "òa khóc"),
        ("tuỳ", "tùy"),
        ("luỹ tre", "lũy tre"),
        ("Hoà Bình, Khánh Hoà.", "Hòa Bình, Khánh Hòa."),
    ],
)
def test_to_old_tone_style_moves_tone(new: str, old: str) -> None:
    assert to_old_tone_style(new) == old
    assert to_old_tone_style(nfd(new)) == old
    assert to_old_tone_style(old) == old


@pytest.mark.parametrize(
    "unchanged",
    [
        "quý",
        "Quý",
        "quỳ",
        "quỷ",
        "hoàng",
        "toán",
        "quyết",
        "khoét",
        "huỳnh",
        "khuya",
        "khuỷu",
        "hoài",
        "của",
        "hoa",
        "thuy",
        "Nghị quyết 57-NQ/TW",
        "Bộ Chính trị ( khóa XIII )",  # punctuation spacing is left alone
    ],
)
def test_to_old_tone_style_leaves_other_syllables(unchanged: str) -> None:
    assert to_old_tone_style(unchanged) == unchanged


onsets = st.sampled_from(["", "h", "th", "kh", "t", "l", "x", "ng", "ch", "tr", "s", "đ"])
nuclei = st.sampled_from(["oa", "oe", "uy"])
tones = st.sampled_from(TONE_MARKS[1:])


@FAST
@given(onsets, nuclei, tones, st.booleans())
def test_to_old_tone_style_on_built_syllables(
    onset: str, nucleus: str, mark: str, upper: bool
) -> None:
    new = onset + nucleus[0] + nfc(nucleus[1] + mark)
    old = onset + nfc(nucleus[0] + mark) + nucleus[1]
    if upper:
        new, old = new.upper(), old.upper()
    assert to_old_tone_style(new) == old
    assert to_old_tone_style("q" + nucleus[1:] + mark) == nfc("q" + nucleus[1:] + mark)


@FAST
@given(vi_text)
def test_to_old_tone_style_only_moves_tones(s: str) -> None:
    out = to_old_tone_style(s)
    assert to_old_tone_style(out) == out
    assert to_old_tone_style(nfd(s)) == out
    assert len(out) == len(s)
    assert [c.isupper() for c in out] == [c.isupper() for c in s]
    assert fold(out) == fold(s)


# --- canonical_key ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Tỉnh uỷ", "TỈNH ỦY"),
        ("hoà", "hòa"),
        ("Thủy", "Thuỷ"),
        ("Uỷ ban nhân dân", "ủy ban nhân dân"),
        (nfd("Nghị quyết"), "nghị quyết"),
        ("Vũ Ðức Ðạt", "vũ đức đạt"),
        (" Đảng  ủy\u200b ", "đảng ủy"),
    ],
)
def test_canonical_key_equal(a: str, b: str) -> None:
    assert canonical_key(a) == canonical_key(b)


@pytest.mark.parametrize(
    ("a", "b"), [("hòa", "hoa"), ("Đa", "Da"), ("quý", "quỳ"), ("thủy", "thúy"), ("ơn", "ôn")]
)
def test_canonical_key_keeps_diacritics(a: str, b: str) -> None:
    assert canonical_key(a) != canonical_key(b)


@FAST
@given(vi_text)
def test_canonical_key_ignores_case_form_and_tone_style(s: str) -> None:
    key = canonical_key(s)
    assert canonical_key(s.swapcase()) == key
    assert canonical_key(s.upper()) == key
    assert canonical_key(nfd(s)) == key
    assert canonical_key(to_old_tone_style(s)) == key
    assert canonical_key(f"  {s.replace(' ', '   ')} ") == key


@FAST
@given(st.text())
def test_canonical_key_is_idempotent(s: str) -> None:
    assert canonical_key(canonical_key(s)) == canonical_key(s)


# --- fold -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Quán triệt Nghị quyết Đảng", "quan triet nghi quyet dang"),
        (nfd("Quán triệt Nghị quyết Đảng"), "quan triet nghi quyet dang"),
        ("Vũ Ðức Ðạt", "vu duc dat"),
        ("ĐẢNG ỦY KHỐI", "dang uy khoi"),
        ("Ư Ơ Ă Â Ê Ô", "u o a a e o"),
        ("Số 57-NQ/TW", "so 57-nq/tw"),
    ],
)
def test_fold_examples(raw: str, expected: str) -> None:
    assert fold(raw) == expected


@FAST
@given(st.text())
def test_fold_is_idempotent_and_markless(s: str) -> None:
    out = fold(s)
    assert fold(out) == out
    assert not any(unicodedata.category(c).startswith("M") for c in out)


@FAST
@given(vi_text_digits)
def test_fold_of_vietnamese_is_lowercase_ascii(s: str) -> None:
    out = fold(s)
    assert out.isascii()
    assert out == out.lower()
    assert fold(nfd(s)) == out
    assert fold(canonical_key(s)) == out


# --- collation_key ----------------------------------------------------------------------


def test_alphabet_order() -> None:
    assert sorted(reversed(ALPHABET), key=collation_key) == ALPHABET
    assert sorted([*ALPHABET, *DIGITS][::-1], key=collation_key) == [*DIGITS, *ALPHABET]


def test_tone_order() -> None:
    assert sorted(["ạ", "á", "ã", "ả", "à", "a"], key=collation_key) == [
        "a", "à", "ả", "ã", "á", "ạ",
    ]  # fmt: skip


@pytest.mark.parametrize(
    "ordered",
    [
        ["An", "An Bình", "Anh"],
        ["a", "A", "à", "À"],  # tone outranks case
        ["an", "An", "AN", "Án", "ăn", "Ân"],
        ["oa", "ong", "òng", "óng", "ôm", "ông", "ơn"],
        ["e", "ê", "f", "g", "i", "j", "k", "v", "w", "x", "y", "z"],
        ["Chi bộ 1", "Chi bộ 10", "Chi bộ 2", "Chi bộ A"],
        ["da", "dz", "đa"],
        ["hoa", "hoà", "họa", "hoà bình", "hoàn", "hoàng"],
        ["Thủy", "Thúy", "Tùng"],
    ],
)
def test_collation_examples(ordered: list[str]) -> None:
    assert sorted(reversed(ordered), key=collation_key) == ordered
    assert sorted(ordered, key=collation_key) == ordered


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Thuỷ", "Thủy"),
        ("Hoà Bình", "Hòa Bình"),
        (nfd("Nguyễn Văn Ánh"), "Nguyễn Văn Ánh"),
        ("Ðạt", "Đạt"),
        ("  Lê   Văn Anh ", "Lê Văn Anh"),
        ("Bà Rịa-Vũng Tàu", "Bà Rịa Vũng Tàu"),
    ],
)
def test_collation_key_equal(a: str, b: str) -> None:
    assert collation_key(a) == collation_key(b)


@FAST
@given(st.text())
def test_collation_key_is_lowercase_ascii_alphanumeric(s: str) -> None:
    assert KEY_CHARS.fullmatch(collation_key(s))


@FAST
@given(vi_text_digits, vi_text_digits)
def test_collation_key_agrees_with_reference(a: str, b: str) -> None:
    ka, kb = collation_key(a), collation_key(b)
    ra, rb = reference_key(a), reference_key(b)
    assert (ka < kb) == (ra < rb)
    assert (ka == kb) == (ra == rb)
    # Equal keys exactly when the texts are equal once cleaned and in one tone style.
    assert (ka == kb) == (to_old_tone_style(normalize(a)) == to_old_tone_style(normalize(b)))


@BROAD
@given(st.lists(vi_text, max_size=12))
def test_sorted_by_key_equals_sorted_by_reference(items: list[str]) -> None:
    assert sorted(items, key=collation_key) == sorted(items, key=reference_key)


@FAST
@given(words, words)
def test_extension_sorts_after(s: str, more: str) -> None:
    # A text sorts before its extensions, and a word break before any letter.
    assert collation_key(s) < collation_key(f"{s} {more}") < collation_key(s + more)


@FAST
@given(vi_text_digits)
def test_collation_key_ignores_form_and_case_is_last(s: str) -> None:
    key = collation_key(s)
    assert collation_key(nfd(s)) == key
    assert collation_key(s.replace("đ", "ð").replace("Đ", "Ð")) == key
    # Changing case never moves a string past a string with different letters or tones.
    assert collation_key(s.lower()) <= key <= collation_key(s.upper())


# --- names ------------------------------------------------------------------------------

NAMES_IN_ORDER = [
    "Nguyễn Thị An",
    "Nguyễn Văn An",
    "Trần Văn An",
    "Lê Văn Anh",
    "Trần Thị Ánh",
    "Phạm Thị Ân",
    "Hoàng Văn Bình",
    "Đỗ Thị Dung",
    "Nguyễn Thị Đào",
    "Vũ Ðức Ðạt",  # typed with U+00D0
    "Phạm Bình Minh",
    "Trần Văn Ông",
    "Lê Thị Ơn",
    "Nguyễn Thị Thuỷ",  # new tone style sorts with the old one, then by family name
    "Trần Thị Thủy",
    "Lê Thị Thúy",  # the tone of the given name outranks the family name
    "Hoàng Phủ Ngọc Tường",
    "Nguyễn Hữu Ư",
]


def full_name_key(full: str) -> str:
    family, middle, given_name = split_full_name(full)
    return name_sort_key(given=given_name, family=family, middle=middle)


def test_names_sort_vietnamese_style() -> None:
    assert "\u00d0" in NAMES_IN_ORDER[9]
    assert sorted(reversed(NAMES_IN_ORDER), key=full_name_key) == NAMES_IN_ORDER
    assert sorted(sorted(NAMES_IN_ORDER), key=full_name_key) == NAMES_IN_ORDER


def test_name_prefix_sorts_first_whatever_follows() -> None:
    an = name_sort_key(given="An", family="Vũ", middle="Văn")
    anh = name_sort_key(given="Anh", family="Lê", middle="")
    assert an < anh
    assert name_sort_key(given="An", family="", middle="") < an
    assert name_sort_key(given="Anh", family="Lê", middle="") < name_sort_key(
        given="Anh", family="Lê", middle="Thị"
    )


@BROAD
@given(words, words, words, words, words, words)
def test_name_sort_key_agrees_with_reference(
    g1: str, f1: str, m1: str, g2: str, f2: str, m2: str
) -> None:
    k1 = name_sort_key(given=g1, family=f1, middle=m1)
    k2 = name_sort_key(given=g2, family=f2, middle=m2)
    assert KEY_CHARS.fullmatch(k1)
    r1 = (reference_key(g1), reference_key(f1), reference_key(m1))
    r2 = (reference_key(g2), reference_key(f2), reference_key(m2))
    assert (k1 < k2) == (r1 < r2)
    assert (k1 == k2) == (r1 == r2)


@BROAD
@given(words, words, vi_text, vi_text, vi_text, vi_text)
def test_given_name_prefix_sorts_first(
    stem: str, more: str, f1: str, m1: str, f2: str, m2: str
) -> None:
    shorter = name_sort_key(given=stem, family=f1, middle=m1)
    longer = name_sort_key(given=stem + more, family=f2, middle=m2)
    assert shorter < longer


@pytest.mark.parametrize(
    ("full", "parts"),
    [
        ("Nguyễn Văn An", ("Nguyễn", "Văn", "An")),
        ("  Hoàng  Phủ Ngọc Tường ", ("Hoàng", "Phủ Ngọc", "Tường")),
        ("Lê Anh", ("Lê", "", "Anh")),
        ("Ánh", ("", "", "Ánh")),
        ("Vũ Ðức Ðạt", ("Vũ", "Đức", "Đạt")),
        (nfd("Trần Thị Ánh"), ("Trần", "Thị", "Ánh")),
        ("", ("", "", "")),
    ],
)
def test_split_full_name(full: str, parts: tuple[str, str, str]) -> None:
    assert split_full_name(full) == parts


@FAST
@given(vi_text_digits)
def test_split_full_name_loses_nothing(full: str) -> None:
    family, middle, given_name = split_full_name(full)
    assert " ".join(p for p in (family, middle, given_name) if p) == normalize(full)
    assert " " not in family and " " not in given_name
    assert given_name or not normalize(full)


# --- collation_key weighs word by word: the same key as the whole string at once ----------

_PIECES = st.sampled_from(
    [
        *"aAăâeêoôơuưyYdĐđhHqQ-/.,' 19ßΩü",
        *("\t", "\n", "\u00ad", "\u200b", "Ð", "ﬁ", "oa", "uy", "oe", "qu"),
        *("\u0301", "\u0300", "\u0309", "\u0303", "\u0323", " \u0301"),
    ]
)


def _collation_key_whole(s: str) -> str:
    """The key as it was computed before the per-word cache: one pass over the string."""
    from tuyengiao.lib import text

    decomposed = unicodedata.normalize("NFD", text.to_old_tone_style(text.normalize(s)))
    primary: list[str] = []
    tones: list[int] = []
    uppers: list[bool] = []
    pending = False
    for cluster in text._clusters(decomposed):
        unit = text._classify(cluster)
        if unit is None:
            continue
        if unit is text._BREAK:
            pending = bool(primary)
            continue
        if pending:
            primary.append(text._WORD_BREAK)
            pending = False
        primary.append(unit.weight)
        if unit.is_letter:
            tones.append(unit.tone)
            uppers.append(unit.upper)
    return "".join(primary) + "0" + text._pack_tones(tones) + text._pack_case(uppers)


@settings(max_examples=2000, deadline=None)
@given(st.lists(_PIECES, max_size=14).map("".join))
def test_collation_key_by_words_equals_whole_string(s: str) -> None:
    assert collation_key(s) == _collation_key_whole(s)


@FAST
@given(st.text())
def test_collation_key_by_words_on_any_text(s: str) -> None:
    assert collation_key(s) == _collation_key_whole(s)
