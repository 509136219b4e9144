"""One code alphabet (issue 10, item 5) and one authorization contract (issue 12,
item 5): every door refuses a code that would break a URL, and every write service
takes a required actor and refuses ``None``."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import NoReverseMatch, reverse

import tuyengiao
from tuyengiao.imports.framework import run_import
from tuyengiao.imports.tests.test_workbook_import import workbook
from tuyengiao.lib.codes import code_error, is_valid_code
from tuyengiao.orgs import services
from tuyengiao.orgs.access import SYSTEM
from tuyengiao.orgs.forms import AddChildForm, MoveForm
from tuyengiao.orgs.models import Unit
from tuyengiao.study import services as study_services
from tuyengiao.tests.factories import document as _document

APPS = Path(tuyengiao.__file__).parent


@pytest.mark.parametrize("code", ["XA1", "TU-LC", "HN-57-X.1", "DV_000123", "0012345"])
def test_codes_in_the_alphabet(code: str) -> None:
    assert is_valid_code(code)
    assert reverse("orgs:unit", kwargs={"code": code}) == f"/don-vi/{code}/"


@pytest.mark.parametrize("code", ["A/B", "a b", "..", ".x", "Đắk", "x?y", "a#b", "x" * 65, ""])
def test_codes_outside_the_alphabet(code: str) -> None:
    assert not is_valid_code(code)
    assert code_error(code)
    with pytest.raises(NoReverseMatch):
        reverse("orgs:unit", kwargs={"code": code})


def test_no_door_stores_a_code_with_a_slash(world: Any) -> None:
    with pytest.raises(ValidationError, match="không hợp lệ"):
        services.unit_create(actor=SYSTEM, code="A/B", name="X", kind="Chi bộ", parent=world.cell)
    with pytest.raises(ValidationError, match="không hợp lệ"):
        services.member_create(actor=SYSTEM, code="DV/1", full_name="Lê Văn A", unit=world.cell)
    campaign = study_services.campaign_create(
        actor=SYSTEM,
        title="Học tập",
        documents=[_document()],
        owner=world.province,
        start=dt.date(2025, 1, 1),
        deadline=dt.date(2025, 12, 31),
    )
    with pytest.raises(ValidationError, match="không hợp lệ"):
        study_services.session_create(
            actor=SYSTEM, campaign=campaign, code="HN/1", host=world.cell, date=dt.date(2025, 2, 1)
        )
    assert not AddChildForm(
        {"code": "A/B", "name": "X", "kind": "Chi bộ", "on": "01/01/2025"}
    ).is_valid()
    assert not MoveForm({"parent_code": "A/B", "on": "01/01/2025"}).is_valid()
    result = run_import(
        [("a.xlsx", workbook([["A/B", "Chi bộ", "CB1", "Chi bộ", ""]], []))],
        actor=SYSTEM,
        dry_run=False,
    )
    assert [(e.row, e.column, e.value) for e in result.errors] == [(2, "Mã đơn vị", "A/B")]
    assert not Unit.objects.filter(code="A/B").exists()


def test_a_path_with_a_slashed_code_is_a_404_not_a_500(client_for: Any) -> None:
    client = client_for("province")
    assert client.get("/don-vi/A%2FB/").status_code == 404
    assert client.get("/don-vi/A/B/").status_code == 404
    assert client.get("/hoc-tap/hoi-nghi/HN/1/").status_code == 404


def test_every_url_that_takes_a_code_uses_the_code_converter() -> None:
    for urls in APPS.glob("*/urls.py"):
        text = urls.read_text()
        assert not re.search(r"<str:\w*code>", text), f"{urls}: use <code:...>"


# --- the authorization contract -------------------------------------------------------------


def _write_services() -> list[tuple[str, Any]]:
    found = []
    for info in pkgutil.iter_modules([str(APPS)]):
        if not (APPS / info.name / "services.py").exists():
            continue
        module = importlib.import_module(f"tuyengiao.{info.name}.services")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ != module.__name__ or name.startswith("_"):
                continue
            if "actor" in inspect.signature(fn).parameters:
                found.append((f"{module.__name__}.{name}", fn))
    return found


def test_every_write_service_requires_an_actor() -> None:
    services_with_actor = _write_services()
    assert len(services_with_actor) > 30
    for name, fn in services_with_actor:
        actor = inspect.signature(fn).parameters["actor"]
        assert actor.default is inspect.Parameter.empty, f"{name}: actor must be required"


def test_none_is_never_a_trusted_actor(world: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.unit_create(actor=None, code="N", name="N", kind="Chi bộ", parent=world.cell)  # type: ignore[arg-type]
    with pytest.raises(PermissionDenied):
        services.unit_rename(actor=None, unit=world.cell, name="N", on=dt.date(2025, 1, 1))  # type: ignore[arg-type]
    with pytest.raises(PermissionDenied):
        services.member_create(actor=None, code="N", full_name="Lê Văn N", unit=world.cell)  # type: ignore[arg-type]
    with pytest.raises(PermissionDenied):
        study_services.campaign_create(
            actor=None,  # type: ignore[arg-type]
            title="T",
            documents=[_document()],
            owner=world.province,
            start=dt.date(2025, 1, 1),
            deadline=dt.date(2025, 2, 1),
        )
    assert Unit.objects.filter(code="N").count() == 0


def test_a_refused_permission_is_permission_denied_not_validation_error(world: Any) -> None:
    member = world.users["member"]
    with pytest.raises(PermissionDenied):
        services.unit_rename(actor=member, unit=world.cell, name="Đổi", on=dt.date(2025, 1, 1))
    with pytest.raises(PermissionDenied):
        services.member_transfer(
            actor=world.users["commune"],
            member=world.members[0],
            to_unit=world.sibling_cell,
            on=dt.date(2025, 1, 1),
        )
    with pytest.raises(PermissionDenied):
        services.assignment_set(
            actor=world.users["province"], user=member, unit=world.province, role="province_staff"
        )


def test_no_sheet_writes_its_own_scope_test() -> None:
    """The scope prefix test lives in the access modules and the services' checks."""
    for sheet in APPS.glob("*/sheets.py"):
        text = sheet.read_text()
        assert "scope.path" not in text and "scope_of(" not in text, (
            f"{sheet} re-checks scope by hand"
        )


def test_a_report_request_checks_its_actor(world: Any) -> None:
    from tuyengiao.reports import services as report_services

    with pytest.raises(PermissionDenied):
        report_services.report_request_create(
            actor=world.users["member"],
            unit=world.cell,
            date_from=dt.date(2025, 1, 1),
            date_to=dt.date(2025, 12, 31),
            structure="today",
            format="docx",
        )
    with pytest.raises(PermissionDenied):
        report_services.report_request_create(
            actor=world.users["secretary"],
            unit=world.sibling_cell,
            date_from=dt.date(2025, 1, 1),
            date_to=dt.date(2025, 12, 31),
            structure="today",
            format="docx",
        )
