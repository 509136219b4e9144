"""The ``Văn bản`` workbook sheet through the import framework."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tuyengiao.documents.models import Document
from tuyengiao.imports.framework import run_import
from tuyengiao.orgs.access import SYSTEM

pytestmark = pytest.mark.django_db

HEADER = "Số hiệu,Trích yếu,Ngày ban hành,Cơ quan ban hành\n"


def run(csv: str, actor: Any = SYSTEM, dry_run: bool = False) -> Any:
    return run_import([("Văn bản.csv", (HEADER + csv).encode())], actor=actor, dry_run=dry_run)


def test_rows_register_documents_and_reimport_changes_nothing(world: Any) -> None:
    csv = (
        '57-NQ/TW,"Về đột phá phát triển khoa học, công nghệ",22/12/2024,Bộ Chính trị\n'
        "35-CT/TW,Về đại hội đảng bộ các cấp (XIII),30/05/2019,Bộ Chính trị\n"
        "35-CT/TW,Về đại hội đảng bộ các cấp (XIV),14/06/2024,Bộ Chính trị\n"
        "30/2020/NĐ-CP,Về công tác văn thư,05/03/2020,Chính phủ\n"
    )
    result = run(csv, actor=world.users["province"])
    assert result.ok and result.committed, result.errors
    assert result.counts["Văn bản"].created == 4
    assert Document.objects.filter(symbol="35-CT/TW").count() == 2
    nq = Document.objects.get(symbol="57-NQ/TW")
    assert nq.issuer_name == "Bộ Chính trị" and nq.issue_date == dt.date(2024, 12, 22)
    again = run(csv, actor=world.users["commune"])
    assert again.ok and again.counts["Văn bản"].unchanged == 4 and not again.changed
    edited = run("57-NQ/TW,Về đột phá phát triển khoa học và công nghệ,22/12/2024,\n")
    assert edited.counts["Văn bản"].updated == 1
    assert Document.objects.get(symbol="57-NQ/TW").title.endswith("khoa học và công nghệ")


def test_every_error_is_reported_and_nothing_is_written(world: Any) -> None:
    Document.objects.all().delete()
    csv = (
        "57-NQ/TW,Đúng,22/12/2024,\n"
        "15/5/2020,Ngày chứ không phải số hiệu,,\n"
        "30/2020/NĐ-CP,Sai năm,05/03/2021,\n"
        "57-NQ/TW,Trùng,22/12/2024,\n"
        ",Thiếu số hiệu,,\n"
        "Nghị quyết 57,Thiếu cơ quan,,\n"
    )
    result = run(csv, actor=world.users["province"])
    assert not result.ok and not result.committed
    where = {(e.row, e.column) for e in result.errors}
    assert where == {
        (3, "Số hiệu"),
        (4, "Ngày ban hành"),
        (5, "Số hiệu"),
        (6, "Số hiệu"),
        (7, "Số hiệu"),
    }
    assert any("không đúng dạng" in e.message for e in result.errors)
    assert not Document.objects.exists()


def test_a_party_symbol_of_two_terms_needs_its_date(world: Any) -> None:
    run(
        "35-CT/TW,XIII,30/05/2019,\n35-CT/TW,XIV,14/06/2024,\n",
        actor=world.users["province"],
    )
    result = run("35-CT/TW,Không ngày,,\n", actor=world.users["province"])
    assert not result.ok and "cần ngày ban hành" in result.errors[0].message


@pytest.mark.parametrize("persona", ["secretary"])
def test_readers_may_not_register_documents(world: Any, persona: str) -> None:
    result = run("57-NQ/TW,X,22/12/2024,\n", actor=world.users[persona])
    assert not result.ok and "cấp tỉnh và cấp xã" in result.errors[0].message
    assert not Document.objects.exists()


def test_dry_run_previews_without_writing(world: Any) -> None:
    result = run("57-NQ/TW,X,22/12/2024,\n", actor=world.users["province"], dry_run=True)
    assert result.ok and result.counts["Văn bản"].created == 1 and not result.committed
    assert not Document.objects.exists()
