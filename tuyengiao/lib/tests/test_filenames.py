from __future__ import annotations

from tuyengiao.lib.filenames import short_filename


def test_short_names_are_unchanged() -> None:
    assert short_filename("Kế hoạch 15.docx") == "Kế hoạch 15.docx"


def test_long_names_keep_their_extension_and_fit_in_bytes() -> None:
    name = "Kế hoạch thực hiện " * 30 + ".pdf"
    short = short_filename(name)
    assert short.endswith(".pdf") and short.startswith("Kế hoạch")
    assert len(short.encode()) <= 150


def test_a_name_without_extension_is_cut_whole() -> None:
    assert len(short_filename("ệ" * 300).encode()) <= 150
    assert short_filename("." + "a" * 300).endswith("a")
