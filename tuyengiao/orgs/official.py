"""The official list of commune-level administrative units (from 01/07/2025).

Read from ``data/dvhc_2025.csv`` (source, licence and date in ``data/README.md``),
cleaned on the way in, and turned into the Party committee each commune has:
``Xã Tam Đường`` → ``Đảng ủy xã Tam Đường`` of kind ``Đảng ủy xã``. Pure: no
database; the service that creates units is ``services.units_create_from_official``.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from tuyengiao.lib.text import collation_key, fold, normalize

DATA = Path(__file__).resolve().parent / "data" / "dvhc_2025.csv"
LIST_DATE = dt.date(2025, 7, 1)
"""The date the list took effect; the default ``Hiệu lực từ`` of units made from it."""

_KINDS = ("Đặc khu", "Phường", "Xã", "Thành phố", "Tỉnh")


@dataclass(frozen=True)
class Province:
    code: str
    name: str  # "Tỉnh Lai Châu", "Thành phố Hà Nội"

    @property
    def short(self) -> str:
        return _strip_kind(self.name)[1]


@dataclass(frozen=True)
class Commune:
    province_code: str
    code: str  # 5 digits, kept as text
    name: str  # "Xã Tam Đường"
    kind: str  # "Xã" / "Phường" / "Đặc khu"

    @property
    def short(self) -> str:
        return _strip_kind(self.name)[1]

    @property
    def party_kind(self) -> str:
        """``Đảng ủy xã``, ``Đảng ủy phường``, ``Đảng ủy đặc khu``."""
        return f"Đảng ủy {self.kind[0].lower()}{self.kind[1:]}"

    @property
    def party_name(self) -> str:
        return f"{self.party_kind} {self.short}"


def _capitalise_syllables(words: str) -> str:
    return " ".join(w[:1].upper() + w[1:] if w[:1].isalpha() else w for w in words.split(" "))


def _strip_kind(name: str) -> tuple[str, str]:
    for kind in _KINDS:
        if fold(name).startswith(fold(kind) + " "):
            return kind, name[len(kind) + 1 :]
    return "", name


def clean_name(raw: str) -> str:
    """NFC, single spaces, each syllable of the proper name capitalised.

    The kind keeps its own case (``Đặc khu``); ``Xã Đắk song`` → ``Xã Đắk Song``.
    """
    name = re.sub(r"\s+", " ", normalize(raw)).strip()
    kind, rest = _strip_kind(name)
    rest = _capitalise_syllables(rest)
    return f"{kind} {rest}" if kind else rest


@cache
def _load() -> tuple[tuple[Province, ...], dict[str, tuple[Commune, ...]]]:
    provinces: dict[str, Province] = {}
    communes: dict[str, list[Commune]] = {}
    with DATA.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            pcode = row["ma_tinh"].strip()
            provinces.setdefault(pcode, Province(pcode, clean_name(row["ten_tinh"])))
            kind = clean_name(row["loai"])
            kind = kind[:1].upper() + kind[1:].lower()
            communes.setdefault(pcode, []).append(
                Commune(pcode, row["ma_xa"].strip(), clean_name(row["ten_xa"]), kind)
            )
    ordered = tuple(sorted(provinces.values(), key=lambda p: collation_key(p.short)))
    by_province = {
        code: tuple(sorted(rows, key=lambda c: (collation_key(c.short), c.code)))
        for code, rows in communes.items()
    }
    return ordered, by_province


def provinces() -> tuple[Province, ...]:
    """The 34 provinces, in Vietnamese order of their names."""
    return _load()[0]


def province(code: str) -> Province | None:
    return next((p for p in provinces() if p.code == code), None)


def communes(province_code: str) -> tuple[Commune, ...]:
    """The communes, wards and special zones of a province, in Vietnamese order."""
    return _load()[1].get(province_code, ())


def guess_province(*texts: str) -> Province | None:
    """The province whose short name ends one of ``texts`` ("Tỉnh ủy Lai Châu", "Lai Châu")."""
    for text in texts:
        folded = fold(text)
        if not folded:
            continue
        for p in provinces():
            short = fold(p.short)
            if folded == short or folded.endswith(" " + short):
                return p
    return None
