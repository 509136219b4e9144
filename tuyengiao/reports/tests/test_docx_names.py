"""The DOCX report tells apart children of the same name by their code (issue 11 §6)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.core.management import call_command
from docx import Document as open_docx

from tuyengiao.orgs import services
from tuyengiao.orgs.access import SYSTEM


def _province_report(tmp_path: Any) -> Any:
    """The root's DOCX report of 2025, opened."""
    out = tmp_path / "r.docx"
    call_command(
        "report",
        unit="TINH",
        date_from="01/01/2025",
        date_to="31/12/2025",
        format="docx",
        output=str(out),
    )
    return open_docx(io.BytesIO(out.read_bytes()))


def test_children_of_one_name_show_their_codes(data: Any, tmp_path: Any) -> None:
    services.unit_rename(
        actor=SYSTEM, unit=data.sibling_commune, name="Đảng ủy xã Một", on=dt.date(2024, 6, 1)
    )
    doc = _province_report(tmp_path)
    names = [r.cells[1].text for r in doc.tables[2].rows[1:]]
    assert "Đảng ủy xã Một (XA1)" in names and "Đảng ủy xã Một (XA2)" in names


def test_the_sentences_tell_apart_units_of_one_name(data: Any, tmp_path: Any) -> None:
    """The units without a session and those below the target are named in sentences
    too: a name two units bear comes with the code of the one meant."""
    services.unit_rename(
        actor=SYSTEM, unit=data.sibling_commune, name="Đảng ủy xã Một", on=dt.date(2024, 6, 1)
    )
    services.unit_rename(
        actor=SYSTEM, unit=data.sibling_cell, name="Chi bộ bản Hai", on=dt.date(2024, 6, 1)
    )
    text = "\n".join(p.text for p in _province_report(tmp_path).paragraphs)
    assert "chưa tổ chức hội nghị: Chi bộ bản Hai (CB2)." in text
    assert "thấp hơn chỉ tiêu: Đảng ủy xã Một (XA1, 50,00%)." in text


def test_the_dashboard_tells_them_apart_too(data: Any, client_for: Any) -> None:
    from django.urls import reverse

    services.unit_rename(
        actor=SYSTEM, unit=data.sibling_commune, name="Đảng ủy xã Một", on=dt.date(2024, 6, 1)
    )
    html = (
        client_for("province")
        .get(reverse("reports:dashboard"), {"tu": "01/01/2025", "den": "31/12/2025"})
        .content.decode()
    )
    lagging = html.split("Đơn vị chưa đạt chỉ tiêu", 1)[1].split("</ul>", 1)[0]
    assert ">Đảng ủy xã Một (XA1)</a>" in lagging
    table = html.split("<h3>Đơn vị trực thuộc</h3>", 1)[1].split("</table>", 1)[0]
    assert ">Đảng ủy xã Một (XA1)</a>" in table and ">Đảng ủy xã Một (XA2)</a>" in table
    assert "Đảng ủy xã Một (XA1)</text>" in html  # the chart's label
