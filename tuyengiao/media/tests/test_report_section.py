"""The media and awards sections of the report: figures equal to an independent count
of the raw rows, for every root; the same figures in the DOCX sentences and tables,
the XLSX, the JSON and the dashboard; no data said in one sentence."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from docx import Document as open_docx
from openpyxl import load_workbook

from tuyengiao.media import selectors
from tuyengiao.media.models import Award, MediaOutput
from tuyengiao.orgs.models import Unit

pytestmark = pytest.mark.django_db

FROM, TO = dt.date(2025, 7, 1), dt.date(2025, 12, 31)
PERIOD = {"date_from": "01/07/2025", "date_to": "31/12/2025"}


def _report(tmp_path: Path, fmt: str, unit: str = "TINH") -> bytes:
    out = tmp_path / f"r-{unit}.{fmt}"
    call_command("report", unit=unit, format=fmt, output=str(out), **PERIOD)
    return out.read_bytes()


def _ids(root: str) -> set[int]:
    unit = Unit.objects.get(code=root)
    return set(Unit.objects.filter(path__startswith=unit.path).values_list("pk", flat=True))


def _media_count(ids: set[int]) -> dict[str, Any]:
    """Count from the raw rows in Python, without the selector's queries."""
    rows = [o for o in MediaOutput.objects.select_related("kind") if o.unit_id in ids]
    inside = [o for o in rows if o.date_from >= FROM and o.date_to <= TO]
    kinds: Counter[str] = Counter()
    minutes: Counter[str] = Counter()
    languages: Counter[str] = Counter()
    documents: Counter[str] = Counter()
    for o in inside:
        kinds[o.kind.code] += o.count
        minutes[o.kind.code] += o.minutes or 0
        languages[o.language or "Tiếng Việt"] += o.count
        if o.document_symbol:
            documents[o.document_symbol] += o.count
    return {
        "items": sum(o.count for o in inside),
        "minutes": sum(o.minutes or 0 for o in inside),
        "kinds": dict(kinds),
        "kind_minutes": dict(minutes),
        "languages": dict(languages),
        "documents": dict(documents),
        "outside": sum(
            1 for o in rows if o not in inside and o.date_from <= TO and o.date_to >= FROM
        ),
    }


def _award_count(ids: set[int]) -> dict[str, Any]:
    inside = [
        a for a in Award.objects.select_related("kind") if a.unit_id in ids and FROM <= a.date <= TO
    ]
    return {
        "total": len(inside),
        "people": sum(1 for a in inside if a.member_id or a.person_name),
        "kinds": dict(Counter(a.kind.code for a in inside)),
        "documents": dict(Counter(a.document_symbol for a in inside if a.document_symbol)),
    }


ROOTS = ["TINH", "XA1", "XA2", "CB1"]


@pytest.mark.parametrize("root", ROOTS)
def test_media_figures_equal_an_independent_count(
    world: Any, outputs: Any, root: str, tmp_path: Path
) -> None:
    want = _media_count(_ids(root))
    f = selectors.media_figures(_ids(root), FROM, TO)
    got = {
        "items": f.totals.count,
        "minutes": f.totals.minutes,
        "kinds": {k: c.count for k, c in f.by_kind.items()},
        "kind_minutes": {k: c.minutes for k, c in f.by_kind.items()},
        "languages": {(k or "Tiếng Việt"): c.count for k, c in f.by_language.items()},
        "documents": {k: c.count for k, c in f.by_document.items()},
        "outside": f.outside,
    }
    assert got == want
    # and the report (JSON) states the same
    data = json.loads(_report(tmp_path, "json", root))["sections"]["media"]
    assert (data["items"], data["minutes"], data["outside_period"]) == (
        want["items"],
        want["minutes"],
        want["outside"],
    )
    assert {k["code"]: k["items"] for k in data["kinds"]} == want["kinds"]
    assert {k["language"]: k["items"] for k in data["languages"]} == want["languages"]
    assert sum(c["items"] for c in data["children"]) == want["items"]


@pytest.mark.parametrize("root", ROOTS)
def test_award_figures_equal_an_independent_count(
    world: Any, awards: Any, root: str, tmp_path: Path
) -> None:
    want = _award_count(_ids(root))
    f = selectors.award_figures(_ids(root), FROM, TO)
    got = {
        "total": f.totals.total,
        "people": f.totals.people,
        "kinds": {k: c.total for k, c in f.by_kind.items()},
        "documents": {k: c.total for k, c in f.by_document.items()},
    }
    assert got == want
    data = json.loads(_report(tmp_path, "json", root))["sections"]["awards"]
    assert (data["total"], data["people"]) == (want["total"], want["people"])
    assert {k["code"]: k["total"] for k in data["kinds"]} == want["kinds"]
    assert sum(c["total"] for c in data["children"]) == want["total"]


def test_docx_says_it_like_the_articles(
    world: Any, outputs: Any, awards: Any, tmp_path: Path
) -> None:
    doc = open_docx(io.BytesIO(_report(tmp_path, "docx")))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "THÔNG TIN, TUYÊN TRUYỀN TRÊN BÁO CHÍ, PHÁT THANH, TRUYỀN HÌNH" in text
    assert (
        "Trong kỳ báo cáo (từ ngày 01/07/2025 đến ngày 31/12/2025), Tỉnh ủy Thử và các đơn "
        "vị trực thuộc đã thực hiện 245 tin, bài, chương trình tuyên truyền, với tổng thời "
        "lượng 1.170 phút, gồm 159 tin, bài; 2 phóng sự (30 phút); 70 chương trình phát "
        "thanh (1.050 phút); 6 chương trình truyền hình (90 phút); 8 bài trên trang thông "
        "tin điện tử." in text
    )
    assert (
        "Ngoài tiếng Việt, có 50 sản phẩm bằng tiếng Mông (44 sản phẩm, 450 phút) và "
        "tiếng Dao (6 sản phẩm, 90 phút)." in text
    )
    assert "Về nội dung, có 126 sản phẩm về 57-NQ/TW (90 phút)." in text
    assert "Có 1 số liệu tin bài ghi cho kỳ vượt ra ngoài kỳ báo cáo" in text
    assert "KHEN THƯỞNG, ĐIỂN HÌNH TIÊN TIẾN, MÔ HÌNH HAY" in text
    assert (
        "Tỉnh ủy Thử và các đơn vị trực thuộc được khen thưởng: 2 Kỷ niệm chương (2 cá "
        "nhân); 2 Bằng khen (1 tập thể, 1 cá nhân); 1 Giấy khen (1 tập thể)." in text
    )
    assert "Đã ghi nhận 1 điển hình tiên tiến (1 tập thể) và 1 mô hình (1 tập thể)." in text
    assert "2 khen thưởng, điển hình, mô hình gắn với việc thực hiện 57-NQ/TW" in text
    tables = [[[c.text for c in r.cells] for r in t.rows] for t in doc.tables]
    by_unit = next(t for t in tables if "Bài trên trang thông tin điện tử" in t[0])
    assert ["3", "Đảng ủy xã Một", "25", "0", "0", "6", "8", "39", "90"] in by_unit
    assert ["2", "Đảng ủy xã Hai", "14", "2", "0", "0", "0", "16", "30"] in by_unit
    assert ["1", "Tỉnh ủy Thử (trực tiếp)", "120", "0", "70", "0", "0", "190", "1.050"] in by_unit
    by_language = next(
        t for t in tables if t[0][1:] == ["Loại", "Ngôn ngữ", "Số lượng", "Thời lượng (phút)"]
    )
    assert [c for c in by_language if c[1] == "Chương trình phát thanh"] == [
        ["4", "Chương trình phát thanh", "Tiếng Việt", "40", "600"],
        ["5", "Chương trình phát thanh", "Tiếng Mông", "30", "450"],
    ]
    awards_by_kind = next(
        t for t in tables if t[0][1:] == ["Loại", "Tổng số", "Tập thể", "Cá nhân"]
    )
    assert ["2", "Bằng khen", "2", "1", "1"] in awards_by_kind
    assert awards_by_kind[-1][1:] == ["Cộng", "7", "4", "3"]


def test_xlsx_carries_the_same_figures(
    world: Any, outputs: Any, awards: Any, tmp_path: Path
) -> None:
    wb = load_workbook(io.BytesIO(_report(tmp_path, "xlsx")))
    summary = {r[0]: r[1] for r in wb["Tổng hợp"].iter_rows(min_row=2, values_only=True)}
    assert summary["Số tin, bài, chương trình tuyên truyền"] == 245
    assert summary["Thời lượng tin bài, chương trình (phút)"] == 1170
    assert summary["Sản phẩm bằng tiếng khác ngoài tiếng Việt"] == 50
    assert summary["Số khen thưởng, điển hình, mô hình"] == 7
    rows = list(wb["Tin bài theo đơn vị"].iter_rows(min_row=2, values_only=True))
    assert ("XA1", "Đảng ủy xã Một", 25, 0, 0, 6, 8, 39, 90) in rows
    awards_rows = list(wb["Khen thưởng theo đơn vị"].iter_rows(min_row=2, values_only=True))
    # XA1: KNC-1, KNC-2, BK-1, BK-2, DH-1
    assert ("XA1", "Đảng ủy xã Một", 2, 2, 0, 1, 0, 5) in awards_rows


def test_no_data_is_one_sentence(world: Any, outputs: Any, tmp_path: Path) -> None:
    data = json.loads(_report(tmp_path, "json"))["sections"]
    assert data["media"]["empty"] is False
    assert data["media"]["completeness"]["expected"] == 2
    assert data["media"]["completeness"]["reported"] == 2
    assert data["awards"]["empty"] is True
    assert data["awards"]["empty_sentence"].startswith(
        "Chưa có khen thưởng, điển hình tiên tiến hay mô hình nào của Tỉnh ủy Thử"
    )


def test_on_the_dashboard(world: Any, outputs: Any, awards: Any, client_for: Any) -> None:
    html = (
        client_for("province")
        .get(reverse("reports:dashboard"), {"tu": "01/07/2025", "den": "31/12/2025"})
        .content.decode()
    )
    assert "Thông tin, tuyên truyền trên báo chí, phát thanh, truyền hình" in html
    assert "Số tin, bài, chương trình tuyên truyền" in html and "245" in html
    assert "Khen thưởng, điển hình tiên tiến, mô hình hay" in html


def test_an_empty_periods_message_fits_its_column(world: Any) -> None:
    """Every section adds its empty sentence to the message of an empty period; with
    this app's two it passed the column's 500 characters (PostgreSQL refused it)."""
    from tuyengiao.reports import services
    from tuyengiao.reports.models import ReportRequest

    request = ReportRequest.objects.create(
        requested_by=world.users["province"],
        unit=world.province,
        date_from=dt.date(2020, 1, 1),
        date_to=dt.date(2020, 1, 31),
        format="docx",
    )
    done = services.report_request_run(request_id=request.pk)
    assert done.status == "failed"
    assert len(done.message) <= 500
    assert done.message.startswith("Không có hội nghị nào")
    done.refresh_from_db()
    assert done.message.endswith("…")


def test_a_commune_is_expected_to_report_its_media_itself_not_its_cells(
    world: Any, outputs: Any, tmp_path: Path
) -> None:
    """A province expects its communes; a commune, whose units are party cells (they
    put out no news or broadcasts), expects itself: '1/1', not '0/2' cells."""
    province = json.loads(_report(tmp_path, "json"))["sections"]["media"]["completeness"]
    assert (province["expected"], province["reported"]) == (2, 2)
    commune = json.loads(_report(tmp_path, "json", "XA1"))["sections"]["media"]["completeness"]
    assert (commune["expected"], commune["reported"], commune["missing"]) == (1, 1, [])
    sibling = json.loads(_report(tmp_path, "json", "XA2"))["sections"]["media"]["completeness"]
    assert (sibling["expected"], sibling["reported"]) == (1, 1)


def test_a_cells_report_has_no_table_of_units_under_it(
    world: Any, outputs: Any, awards: Any, tmp_path: Path
) -> None:
    """A party cell's news and awards are told in their sentences and tables by kind;
    a table 'theo đơn vị' would hold the cell's one row, its totals again."""
    from docx import Document as open_docx

    def said(unit: str) -> str:
        doc = open_docx(io.BytesIO(_report(tmp_path, "docx", unit)))
        return "\n".join(p.text for p in doc.paragraphs)

    cell = said("CB1")
    assert "Tin bài theo loại và ngôn ngữ" in cell and "Khen thưởng theo loại" in cell
    assert "Tin bài theo đơn vị" not in cell and "Khen thưởng theo đơn vị" not in cell
    commune = said("XA1")
    assert "Tin bài theo đơn vị" in commune and "Khen thưởng theo đơn vị" in commune
