"""The copy check for Vietnamese essays: pure functions, no database.

1. **Normalise** (``syllables``): NFC, ``Ð`` repaired, lower case, and one tone-mark
   style: the tone of a syllable is taken off the letter that carries it and written
   once after the syllable (``hoà`` and ``hòa`` are both ``hoa`` + grave; ``thuỷ``
   and ``thủy`` both ``thuy`` + hook), so the old and new placements compare equal.
   Punctuation and numbers' separators are dropped; each syllable keeps its place in
   the original text for showing passages.
2. **Shingle**: every run of ``N`` (5) syllables is hashed (a stable polynomial hash
   over CRC-32 ids of the syllables, 64 bits, computed with numpy).
3. **Quotations removed**: the shingles of the texts studied (the campaign's
   documents and their attachments) are taken out of every essay's set before any
   comparison, so quoting the resolution is not copying from a neighbour.
4. **Candidates** by MinHash signatures and locality-sensitive hashing
   (``datasketch.MinHashLSH``, a low Jaccard threshold so that pairs whose
   containment is 0,5 or more are found), then
5. **Confirmed exactly**: ``score`` = |A ∩ B| / min(|A|, |B|) on the sets of shingles
   (the share of the shorter essay found in the other). Pairs with a score of at
   least ``SHOWN`` are kept, and those of at least ``FLAG_AT`` are flagged.

The score advises the marker; it never grades.
"""

from __future__ import annotations

import functools
import re
import unicodedata
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

N = 5  # syllables per shingle
NUM_PERM = 128
LSH_THRESHOLD = 0.2  # Jaccard; containment 0,5 between essays of like length is ~0,33
SHOWN = 0.2
FLAG_AT = 0.5
MIN_SHINGLES = 10  # an essay with fewer own shingles is not compared
MAX_PASSAGES = 50

TONES = {"\u0300": "2", "\u0301": "1", "\u0309": "3", "\u0303": "4", "\u0323": "5"}
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)
_BASE = np.uint64(1_000_003)


@functools.lru_cache(maxsize=200_000)
def fold_syllable(word: str) -> str:
    """One syllable in the one style: lower case, tone mark moved to the end."""
    decomposed = unicodedata.normalize("NFD", word.lower().replace("ð", "đ"))
    tone = ""
    kept = []
    for ch in decomposed:
        if ch in TONES:
            tone = TONES[ch]
        else:
            kept.append(ch)
    return unicodedata.normalize("NFC", "".join(kept)) + tone


def syllables(text: str) -> tuple[list[str], list[int], list[int]]:
    """The text's syllables in the one style, with the start and end of each in
    ``text`` (the text is NFC-normalised first; offsets refer to that form)."""
    text = nfc(text)
    return words_of(text), *spans_of(text)


def words_of(text: str) -> list[str]:
    """The syllables of an NFC text in the one style."""
    fold = fold_syllable
    return [fold(w) for w in _WORD.findall(text)]


def spans_of(text: str) -> tuple[list[int], list[int]]:
    """Where each syllable of an NFC text starts and ends (the same tokens as
    ``words_of``)."""
    starts: list[int] = []
    ends: list[int] = []
    for m in _WORD.finditer(text):
        start, end = m.span()
        starts.append(start)
        ends.append(end)
    return starts, ends


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "")


_IDS: dict[str, int] = {}


def _id(word: str) -> int:
    value = zlib.crc32(word.encode()) + 1
    if len(_IDS) < 1_000_000:
        _IDS[word] = value
    return value


def _ids(words: Sequence[str]) -> np.ndarray:
    get = _IDS.get
    return np.array([get(w) or _id(w) for w in words], dtype=np.uint64)


def shingle_hashes(words: Sequence[str], n: int = N) -> np.ndarray:
    """The 64-bit hash of every run of ``n`` syllables, in order (empty when the text
    has fewer than ``n``)."""
    if len(words) < n:
        return np.empty(0, dtype=np.uint64)
    ids = _ids(words)
    count = len(words) - n + 1
    h = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(n):
            h = h * _BASE + ids[k : k + count]
    return h


@dataclass
class Prepared:
    """One text ready for comparison (the syllables' places are found when a passage
    is shown)."""

    key: str
    text: str
    hashes: np.ndarray  # per position
    own: set[int]  # the shingle set, quotations removed
    _spans: tuple[list[int], list[int]] | None = None

    @property
    def size(self) -> int:
        return len(self.own)

    @property
    def starts(self) -> list[int]:
        return self.spans[0]

    @property
    def ends(self) -> list[int]:
        return self.spans[1]

    @property
    def spans(self) -> tuple[list[int], list[int]]:
        if self._spans is None:
            self._spans = spans_of(self.text)
        return self._spans


def prepare(key: str, text: str, excluded: set[int] | frozenset[int] = frozenset()) -> Prepared:
    text = nfc(text)
    hashes = shingle_hashes(words_of(text))
    own = set(hashes.tolist())
    if excluded:
        own -= excluded
    return Prepared(key, text, hashes, own)


def excluded_shingles(texts: Iterable[str]) -> set[int]:
    """The shingles of the material studied (documents, outlines): quoting them is
    not copying."""
    out: set[int] = set()
    for text in texts:
        out.update(shingle_hashes(words_of(nfc(text))).tolist())
    return out


@dataclass
class Pair:
    a: str
    b: str
    score: float
    flagged: bool
    shared: int
    passages: list[dict[str, list[int]]] = field(default_factory=list)


def containment(a: Prepared, b: Prepared) -> tuple[float, int]:
    small = min(a.size, b.size)
    if small == 0:
        return 0.0, 0
    shared = len(a.own & b.own) if a.size <= b.size else len(b.own & a.own)
    return shared / small, shared


def _own_array(p: Prepared) -> np.ndarray:
    # 32-bit values for MinHash: the 64-bit shingle hash folded.
    h = np.fromiter(p.own, dtype=np.uint64, count=len(p.own))
    return (h >> np.uint64(32)) ^ (h & np.uint64(0xFFFFFFFF))


class Signer:
    """MinHash signatures with datasketch's permutations (the ``legacy`` scheme:
    ``(a·x + b) mod (2⁶¹ − 1)``, 32 bits kept), computed for a whole set at once with
    numpy: the same values as ``MinHash.update_batch`` with the identity hash
    function, without a Python call per shingle."""

    def __init__(self, num_perm: int = NUM_PERM, seed: int = 1) -> None:
        from datasketch import MinHash

        self.seed = seed
        base = MinHash(num_perm=num_perm, seed=seed, scheme="legacy")
        self.a, self.b = (np.asarray(x, dtype=np.uint64) for x in base.permutations)
        self.empty = np.asarray(base.hashvalues, dtype=np.uint64)

    def values(self, values: np.ndarray) -> np.ndarray:
        if not len(values):
            return self.empty.copy()
        with np.errstate(over="ignore"):
            phv = (values[:, None] * self.a + self.b) % _MERSENNE
        phv &= _MAX_HASH
        out: np.ndarray = np.minimum(self.empty, phv.min(axis=0))
        return out

    def sign(self, p: Prepared) -> Any:
        from datasketch import LeanMinHash

        return LeanMinHash(seed=self.seed, hashvalues=self.values(_own_array(p)), scheme="legacy")


_MERSENNE = np.uint64((1 << 61) - 1)
_MAX_HASH = np.uint64((1 << 32) - 1)


def candidate_pairs(
    prepared: Sequence[Prepared], *, threshold: float = LSH_THRESHOLD, num_perm: int = NUM_PERM
) -> set[tuple[int, int]]:
    """Index pairs (i < j) whose MinHash signatures collide in a band of the LSH
    (``datasketch.MinHashLSH``)."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    signer = Signer(num_perm)
    found: set[tuple[int, int]] = set()
    for i, p in enumerate(prepared):
        if p.size < MIN_SHINGLES:
            continue
        m = signer.sign(p)
        for j in lsh.query(m):
            found.add((j, i))
        lsh.insert(i, m, check_duplication=False)
    return found


def passages(a: Prepared, b: Prepared, limit: int = MAX_PASSAGES) -> list[dict[str, list[int]]]:
    """The stretches of ``a`` whose shingles are also in ``b`` (not quotations), each
    with the corresponding stretch of ``b``, as character ranges of each text."""
    if not a.own or not b.own:
        return []
    first_in_b: dict[int, int] = {}
    for pos, h in enumerate(b.hashes.tolist()):
        if h in b.own and h not in first_in_b:
            first_in_b[h] = pos
    out: list[dict[str, list[int]]] = []
    run_start = -1
    hashes = a.hashes.tolist()
    shared = a.own & b.own

    def close(i: int, j: int) -> None:
        bi, bj = first_in_b[hashes[i]], first_in_b[hashes[j]]
        b_last = bj + N - 1 if bj >= bi else bi + (j - i) + N - 1
        b_last = min(b_last, len(b.ends) - 1)
        out.append(
            {
                "a": [a.starts[i], a.ends[min(j + N - 1, len(a.ends) - 1)]],
                "b": [b.starts[bi], b.ends[b_last]],
            }
        )

    for pos, h in enumerate(hashes):
        if h in shared:
            if run_start < 0:
                run_start = pos
        elif run_start >= 0:
            close(run_start, pos - 1)
            run_start = -1
            if len(out) >= limit:
                return out
    if run_start >= 0 and len(out) < limit:
        close(run_start, len(hashes) - 1)
    return out


@dataclass
class CheckResult:
    pairs: list[Pair]
    candidates: int
    compared: int  # texts with enough own shingles


def check(
    texts: Sequence[tuple[str, str]],
    quoted: Iterable[str] = (),
    *,
    shown: float = SHOWN,
    flag_at: float = FLAG_AT,
    with_passages: bool = True,
) -> CheckResult:
    """Compare every text with the others: candidates by MinHash/LSH, scores exact."""
    excluded = excluded_shingles(quoted)
    prepared = [prepare(key, text, excluded) for key, text in texts]
    return check_prepared(prepared, shown=shown, flag_at=flag_at, with_passages=with_passages)


def check_prepared(
    prepared: Sequence[Prepared],
    *,
    shown: float = SHOWN,
    flag_at: float = FLAG_AT,
    with_passages: bool = True,
) -> CheckResult:
    candidates = candidate_pairs(prepared)
    pairs: list[Pair] = []
    for i, j in sorted(candidates):
        a, b = prepared[i], prepared[j]
        score, shared = containment(a, b)
        if score < shown:
            continue
        pairs.append(
            Pair(
                a.key,
                b.key,
                round(score, 4),
                score >= flag_at,
                shared,
                passages(a, b) if with_passages else [],
            )
        )
    pairs.sort(key=lambda p: (-p.score, p.a, p.b))
    return CheckResult(pairs, len(candidates), sum(1 for p in prepared if p.size >= MIN_SHINGLES))


def exact_all_pairs(
    prepared: Sequence[Prepared], *, at_least: float = 0.0
) -> dict[tuple[int, int], float]:
    """Every pair compared exactly (the baseline the candidate step is measured
    against): index pairs whose containment is at least ``at_least``."""
    out: dict[tuple[int, int], float] = {}
    sets = [p.own if p.size >= MIN_SHINGLES else set() for p in prepared]
    sizes = [len(s) for s in sets]
    for i in range(len(sets)):
        si, ni = sets[i], sizes[i]
        if not ni:
            continue
        for j in range(i + 1, len(sets)):
            nj = sizes[j]
            if not nj:
                continue
            shared = len(si & sets[j])
            score = shared / min(ni, nj)
            if score >= at_least and shared:
                out[(i, j)] = score
    return out


def clusters(pairs: Iterable[tuple[str, str]]) -> list[list[str]]:
    """Groups of texts joined by the given (flagged) pairs, largest first."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, list[str]] = {}
    for x in parent:
        groups.setdefault(find(x), []).append(x)
    return sorted((sorted(g) for g in groups.values() if len(g) > 1), key=lambda g: (-len(g), g))
