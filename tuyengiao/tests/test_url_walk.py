"""Walk every URL pattern with every persona (STYLE.md §5, issue 6 §7).

Each named route of our apps must appear in ``ROUTES`` with the kwargs for an
object in XA1's subtree ("own") and one in the sibling XA2 ("sibling"), and the
status each persona gets for the own object. The sibling object is never a 200
for anyone but province staff, anonymous users are sent to the login page, and a
user without an assignment sees nothing. A new route that is not listed fails
``test_every_route_is_walked``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import build_world
from tuyengiao.orgs.access import SYSTEM
from tuyengiao.orgs.selectors import today as org_today
from tuyengiao.tests import factories

PERSONAS = ["province", "commune", "secretary", "member", "outsider", "unassigned"]
# surveys:answer is the respondents' page, open without an account by design (issue 17);
# its own tests are in tuyengiao/surveys/tests/test_answer.py.
PUBLIC = {"login", "logout", "surveys:answer"}


@dataclass
class Route:
    own: Callable[[Any], dict[str, Any]]
    sibling: Callable[[Any], dict[str, Any]] | None
    expect: dict[str, int]  # persona -> status for the own object (GET unless method)
    method: str = "get"
    data: dict[str, Any] = field(default_factory=dict)
    anonymous: int | None = None  # a page open to visitors: its status (else: to sign in)


def none(_: Any) -> dict[str, Any]:
    return {}


ALL_200 = {p: 200 for p in PERSONAS[:5]} | {"unassigned": 404}
STAFF_ONLY = {
    "province": 200,
    "commune": 200,
    "secretary": 404,
    "member": 404,
    "outsider": 404,
    "unassigned": 404,
}
WRITERS = {
    "province": 200,
    "commune": 200,
    "secretary": 200,
    "member": 403,
    "outsider": 200,
    "unassigned": 404,
}

# --- periods (issue 16): a cell's report, read by those who see the cell, decided by
# the writers of the commune above it
PERIOD_READERS = {p: 200 for p in PERSONAS[:4]} | {"outsider": 404, "unassigned": 404}
PERIOD_DECIDERS = {
    "province": 302,
    "commune": 302,
    "secretary": 403,
    "member": 403,
    "outsider": 404,
    "unassigned": 404,
}

FOLLOWUP_READERS = {p: 200 for p in PERSONAS[:4]} | {"outsider": 404, "unassigned": 404}
FOLLOWUP_PLANNERS = {
    "province": 200,
    "commune": 200,
    "secretary": 403,
    "member": 403,
    "outsider": 404,
    "unassigned": 404,
}

# --- documents (issue 3) ------------------------------------------------------------
DOCUMENT_WRITERS = {
    "province": 200,
    "commune": 200,
    "secretary": 403,
    "member": 403,
    "outsider": 200,
    "unassigned": 404,
}
DOCUMENT_POSTS = {p: (302 if s == 200 else s) for p, s in DOCUMENT_WRITERS.items()}
SURVEY_OWNERS = {
    "province": 200,
    "commune": 200,
    "secretary": 403,
    "member": 403,
    "outsider": 404,
    "unassigned": 404,
}


def _docs(w: Any) -> Any:
    return w.docs


def _documents(w: Any) -> None:
    """Two documents, the plan citing the resolution and a bare "Đề án 06", with a file."""
    from types import SimpleNamespace

    factories.document("57-NQ/TW", "Về đột phá phát triển")
    plan = factories.document(
        "15-KH/TU",
        "Kế hoạch thực hiện",
        body="Thực hiện Nghị quyết 57-NQ/TW và Đề án 06.",
        attachments=[("ke-hoach.txt", "Kế hoạch".encode())],
    )
    w.docs = SimpleNamespace(
        plan=plan, attachment=plan.attachments.get(), ref=plan.refs.get(system="bare")
    )


def _official_run(w: Any) -> Any:
    """A finished request to create communes from the official list, under XA1."""
    import datetime as dt

    from tuyengiao.orgs.models import OfficialListRun

    return OfficialListRun.objects.get_or_create(
        parent=w.commune,
        defaults={
            "requested_by": w.users["commune"],
            "province_code": "12",
            "codes": ["03388"],
            "valid_from": dt.date(2025, 7, 1),
            "status": OfficialListRun.Status.DONE,
        },
    )[0]


# study: the own campaign is XA1's, the own session is hosted by CB1.
STUDY_WRITERS = {
    "province": 200,
    "commune": 200,
    "secretary": 200,
    "member": 403,
    "outsider": 404,
    "unassigned": 404,
}
MEDIA_KEEPERS = {
    "province": 200,
    "commune": 200,
    "secretary": 403,
    "member": 403,
    "outsider": 404,
    "unassigned": 404,
}


STUDY_WRITERS_POST = STUDY_WRITERS | {"province": 302, "commune": 302, "secretary": 302}
# essays: written by the member persona only; read and marked by writers in scope.
ESSAY_AUTHOR = {
    "province": 403,
    "commune": 403,
    "secretary": 403,
    "member": 200,
    "outsider": 404,
    "unassigned": 404,
}
ESSAY_MARKERS = {
    "province": 200,
    "commune": 200,
    "secretary": 200,
    "member": 404,
    "outsider": 404,
    "unassigned": 404,
}

ROUTES: dict[str, Route] = {
    "home": Route(none, None, {p: 200 for p in PERSONAS}),
    "orgs:tree": Route(none, None, ALL_200),
    "orgs:unit": Route(
        lambda w: {"code": w.commune.code}, lambda w: {"code": w.sibling_commune.code}, STAFF_ONLY
    ),
    "orgs:unit_edit": Route(
        lambda w: {"code": w.commune.code}, lambda w: {"code": w.sibling_commune.code}, STAFF_ONLY
    ),
    "orgs:unit_structure": Route(
        lambda w: {"code": w.commune.code}, lambda w: {"code": w.sibling_commune.code}, STAFF_ONLY
    ),
    "orgs:unit_children": Route(
        lambda w: {"code": w.commune.code}, lambda w: {"code": w.sibling_commune.code}, STAFF_ONLY
    ),
    "orgs:unit_picker_search": Route(none, None, ALL_200),
    # --- the API's keys (its own tests: tuyengiao/api/tests) -----------------------------
    "api_keys:list": Route(none, None, WRITERS | {"member": 404, "outsider": 200}),
    "api_keys:revoke": Route(
        lambda w: {"pk": _api_key(w).pk},
        None,
        # the maker (commune staff) and staff above revoke; the rest do not see it
        {"province": 302, "commune": 302, "secretary": 404, "member": 404}
        | {"outsider": 404, "unassigned": 404},
        method="post",
    ),
    # --- the API: a session cookie is not a key, so every persona is refused (401)
    "api:api-root": Route(none, None, {p: 404 for p in PERSONAS}, anonymous=404),
    "api:openapi-json": Route(none, None, {p: 200 for p in PERSONAS}, anonymous=200),
    "api:units": Route(none, None, {p: 401 for p in PERSONAS}, anonymous=401),
    "api:unit": Route(
        lambda w: {"code": w.commune.code}, None, {p: 401 for p in PERSONAS}, anonymous=401
    ),
    "api:sessions": Route(none, None, {p: 401 for p in PERSONAS}, anonymous=401),
    "api:campaigns": Route(none, None, {p: 401 for p in PERSONAS}, anonymous=401),
    "api:session": Route(
        lambda w: {"code": w.session.code}, None, {p: 401 for p in PERSONAS}, anonymous=401
    ),
    "api:attendance": Route(
        lambda w: {"code": w.session.code}, None, {p: 401 for p in PERSONAS}, anonymous=401
    ),
    "api:report_create": Route(
        none,
        None,
        {p: 401 for p in PERSONAS},
        method="post",
        data={"unit": "XA1", "date_from": "2025-01-01", "date_to": "2025-12-31"},
        anonymous=401,
    ),
    "api:report_state": Route(
        lambda w: {"report_id": 1}, None, {p: 401 for p in PERSONAS}, anonymous=401
    ),
    "api:report_content": Route(
        lambda w: {"report_id": 1}, None, {p: 401 for p in PERSONAS}, anonymous=401
    ),
    "api:attendance_set": Route(
        lambda w: {"code": w.session.code},
        None,
        {p: 401 for p in PERSONAS},
        method="put",
        data={"rows": [{"member": "DV0", "status": "co_mat"}]},
        anonymous=401,
    ),
    "orgs:member_account": Route(
        lambda w: {"code": w.members[1].code},  # no account: a message, back to the page
        lambda w: {"code": w.sibling_members[0].code},
        {"province": 302, "commune": 302, "secretary": 302, "member": 404}
        | {"outsider": 404, "unassigned": 404},
        method="post",
        data={"khoa": "1"},
    ),
    "orgs:unit_accounts": Route(
        lambda w: {"code": w.commune.code}, lambda w: {"code": w.sibling_commune.code}, STAFF_ONLY
    ),
    # a member's activation page: no account needed (its tests: orgs/tests/test_accounts.py)
    "orgs:activate": Route(none, None, {p: 200 for p in PERSONAS}, anonymous=200),
    "orgs:official_list": Route(
        lambda w: {"code": w.commune.code}, lambda w: {"code": w.sibling_commune.code}, STAFF_ONLY
    ),
    "orgs:official_run": Route(
        lambda w: {"code": w.commune.code, "pk": _official_run(w).pk}, None, STAFF_ONLY
    ),
    "orgs:member": Route(
        lambda w: {"code": w.members[0].code},
        lambda w: {"code": w.sibling_members[0].code},
        {p: 200 for p in PERSONAS[:4]} | {"outsider": 404, "unassigned": 404},
    ),
    "orgs:member_edit": Route(
        lambda w: {"code": w.members[0].code},
        lambda w: {"code": w.sibling_members[0].code},
        {
            "province": 200,
            "commune": 200,
            "secretary": 200,
            "member": 403,
            "outsider": 404,
            "unassigned": 404,
        },
    ),
    "imports:upload": Route(none, None, WRITERS),
    "imports:confirm": Route(
        none,
        None,
        {
            "province": 302,
            "commune": 302,
            "secretary": 302,
            "member": 403,
            "outsider": 302,
            "unassigned": 404,
        },
        method="post",
        data={"job": "x"},
    ),
    "imports:job": Route(
        lambda w: {"pk": w.import_job.pk},
        None,
        {
            "province": 200,
            "commune": 404,
            "secretary": 404,
            "member": 404,
            "outsider": 404,
            "unassigned": 404,
        },
    ),
    "imports:batch": Route(
        lambda w: {"batch_id": w.batch.pk},
        None,
        {
            "province": 200,
            "commune": 404,
            "secretary": 404,
            "member": 404,
            "outsider": 404,
            "unassigned": 404,
        },
    ),
    "imports:template": Route(none, None, ALL_200),
    # trust (issue 6)
    "trust:audit_log": Route(
        none,
        None,
        {p: 403 for p in PERSONAS[:5]} | {"province": 200, "unassigned": 404},
    ),
    "trust:enrol": Route(none, None, {p: 200 for p in PERSONAS}),
    "trust:verify": Route(none, None, {p: 302 for p in PERSONAS}),  # no device: to enrol
    "trust:password_change": Route(none, None, {p: 200 for p in PERSONAS}),
    "trust:member_export": Route(
        lambda w: {"code": w.commune.code},
        lambda w: {"code": w.sibling_commune.code},
        # Nobody in the world holds the export permission (see trust/tests).
        {"province": 403, "commune": 403} | {p: 404 for p in PERSONAS[2:]},
    ),
    # --- documents (issue 3): a shared library, read by everyone assigned; written by
    # province and commune staff only (the sibling commune's staff too: not unit-owned).
    "documents:list": Route(none, None, ALL_200),
    "documents:detail": Route(lambda w: {"pk": _docs(w).plan.pk}, None, ALL_200),
    "documents:attachment": Route(
        lambda w: {"pk": _docs(w).plan.pk, "attachment_id": _docs(w).attachment.pk},
        None,
        ALL_200,
    ),
    "documents:create": Route(none, None, DOCUMENT_WRITERS),
    "documents:parse": Route(none, None, DOCUMENT_WRITERS),
    "documents:prefill": Route(none, None, DOCUMENT_WRITERS, method="post"),
    "documents:edit": Route(lambda w: {"pk": _docs(w).plan.pk}, None, DOCUMENT_WRITERS),
    "documents:resolve": Route(
        lambda w: {"pk": _docs(w).plan.pk, "ref_id": _docs(w).ref.pk},
        None,
        DOCUMENT_POSTS,
        method="post",
        data={"bo_qua": "1"},
    ),
    "documents:link": Route(
        lambda w: {"pk": _docs(w).plan.pk},
        None,
        DOCUMENT_POSTS,
        method="post",
        data={"relation": "implements", "van_ban": "57-NQ/TW"},
    ),
    "documents:picker": Route(none, None, ALL_200),
    # --- study (campaigns, sessions, attendance, QR) ---
    "study:campaigns": Route(none, None, ALL_200),
    "study:campaign_new": Route(
        none,
        None,
        {
            "province": 200,
            "commune": 200,
            "secretary": 403,
            "member": 403,
            "outsider": 200,
            "unassigned": 404,
        },
    ),
    "study:campaign": Route(
        lambda w: {"pk": w.campaign.pk},
        lambda w: {"pk": w.sibling_campaign.pk},
        {p: 200 for p in PERSONAS[:4]} | {"outsider": 404, "unassigned": 404},
    ),
    "study:session_new": Route(
        lambda w: {"pk": w.campaign.pk},
        lambda w: {"pk": w.sibling_campaign.pk},
        STUDY_WRITERS,
    ),
    "study:session": Route(
        lambda w: {"code": w.session.code},
        lambda w: {"code": w.sibling_session.code},
        {p: 200 for p in PERSONAS[:4]} | {"outsider": 404, "unassigned": 404},
    ),
    "study:session_ics": Route(
        lambda w: {"code": w.session.code},
        lambda w: {"code": w.sibling_session.code},
        {p: 200 for p in PERSONAS[:4]} | {"outsider": 404, "unassigned": 404},
    ),
    "study:calendar_ics": Route(none, None, ALL_200),
    "study:session_update": Route(
        lambda w: {"code": w.session.code},
        lambda w: {"code": w.sibling_session.code},
        STUDY_WRITERS_POST,
        method="post",
        data={"public_reached": "10"},
    ),
    "study:bridge_add": Route(
        lambda w: {"code": w.session.code},
        lambda w: {"code": w.sibling_session.code},
        STUDY_WRITERS_POST,
        method="post",
        data={"code": "DC-X", "host": "CB1"},
    ),
    "study:grid": Route(
        lambda w: {"code": w.session.code},
        lambda w: {"code": w.sibling_session.code},
        STUDY_WRITERS,
    ),
    "study:grid_group": Route(
        lambda w: {"code": w.session.code, "unit_code": w.cell.code},
        lambda w: {"code": w.sibling_session.code, "unit_code": w.sibling_cell.code},
        STUDY_WRITERS,
    ),
    "study:grid_group_present": Route(
        lambda w: {"code": w.session.code, "unit_code": w.cell.code},
        lambda w: {"code": w.sibling_session.code, "unit_code": w.sibling_cell.code},
        STUDY_WRITERS_POST,
        method="post",
    ),
    "study:grid_mark": Route(
        lambda w: {"code": w.session.code, "member_code": w.members[0].code},
        lambda w: {"code": w.sibling_session.code, "member_code": w.sibling_members[0].code},
        STUDY_WRITERS,
        method="post",
        data={"status": "co_mat"},
    ),
    "study:qr": Route(
        lambda w: {"code": w.session.code},
        lambda w: {"code": w.sibling_session.code},
        STUDY_WRITERS,
    ),
    "study:qr_code": Route(
        lambda w: {"code": w.session.code},
        lambda w: {"code": w.sibling_session.code},
        STUDY_WRITERS,
    ),
    "study:checkout_open": Route(
        lambda w: {"code": w.session.code},
        lambda w: {"code": w.sibling_session.code},
        STUDY_WRITERS_POST,
        method="post",
    ),
    "study:export": Route(
        lambda w: {"code": w.session.code},
        lambda w: {"code": w.sibling_session.code},
        STUDY_WRITERS,
    ),
    "study:scan": Route(none, None, {p: 200 for p in PERSONAS}),
    "study:history": Route(none, None, {p: 200 for p in PERSONAS}),
    # reports
    "reports:dashboard": Route(none, None, ALL_200),
    "reports:unit": Route(
        lambda w: {"code": w.commune.code}, lambda w: {"code": w.sibling_commune.code}, STAFF_ONLY
    ),
    "reports:new": Route(none, None, WRITERS),
    "reports:units": Route(none, None, WRITERS),
    "reports:request": Route(
        lambda w: {"pk": _report_request(w).pk},
        None,
        {"province": 200} | {p: 404 for p in PERSONAS[1:]},
    ),
    "reports:download": Route(
        lambda w: {"pk": _report_request(w).pk},
        None,
        {"province": 200} | {p: 404 for p in PERSONAS[1:]},
    ),
    # presenters (issue 14): XA1's roster; read by those who see XA1 or a unit below
    # it, kept by province and commune staff.
    "presenters:roster": Route(none, None, ALL_200),
    "presenters:new": Route(none, None, DOCUMENT_WRITERS),
    "presenters:detail": Route(
        lambda w: {"code": _presenters(w)[0].code},
        lambda w: {"code": _presenters(w)[1].code},
        {p: 200 for p in PERSONAS[:4]} | {"outsider": 404, "unassigned": 404},
    ),
    "presenters:edit": Route(
        lambda w: {"code": _presenters(w)[0].code},
        lambda w: {"code": _presenters(w)[1].code},
        {
            "province": 200,
            "commune": 200,
            "secretary": 403,
            "member": 403,
            "outsider": 404,
            "unassigned": 404,
        },
    ),
    "presenters:unit_gaps": Route(
        lambda w: {"code": w.commune.code}, lambda w: {"code": w.sibling_commune.code}, STAFF_ONLY
    ),
    "presenters:session": Route(
        lambda w: {"code": w.session.code},
        lambda w: {"code": w.sibling_session.code},
        {p: 200 for p in PERSONAS[:4]} | {"outsider": 404, "unassigned": 404},
    ),
    "presenters:session_add": Route(
        lambda w: {"code": w.session.code},
        lambda w: {"code": w.sibling_session.code},
        STUDY_WRITERS_POST,
        method="post",
        data={"bao_cao_vien": "BCV-XA1"},
    ),
    "presenters:session_remove": Route(
        lambda w: {"code": w.session.code},
        lambda w: {"code": w.sibling_session.code},
        STUDY_WRITERS_POST,
        method="post",
        data={"bao_cao_vien": "BCV-XA1"},
    ),
    # dissemination events (CB1's and CB3's), courses and materials (XA1's and XA2's)
    "presenters:unit_languages": Route(
        lambda w: {"code": w.commune.code},
        lambda w: {"code": w.sibling_commune.code},
        {"province": 302, "commune": 302} | {p: 404 for p in PERSONAS[2:]},
        method="post",
        data={"languages": "Mông"},
    ),
    "presenters:events": Route(none, None, ALL_200),
    "presenters:event_new": Route(none, None, WRITERS),
    "presenters:event_edit": Route(
        lambda w: {"code": _outreach(w)["event"].code},
        lambda w: {"code": _outreach(w)["sibling_event"].code},
        {"province": 200, "commune": 200, "secretary": 200, "member": 403}
        | {"outsider": 404, "unassigned": 404},
    ),
    "presenters:courses": Route(none, None, ALL_200),
    "presenters:course_new": Route(none, None, DOCUMENT_WRITERS),
    "presenters:course": Route(
        lambda w: {"code": _outreach(w)["course"].code},
        lambda w: {"code": _outreach(w)["sibling_course"].code},
        {p: 200 for p in PERSONAS[:4]} | {"outsider": 404, "unassigned": 404},
    ),
    "presenters:course_edit": Route(
        lambda w: {"code": _outreach(w)["course"].code},
        lambda w: {"code": _outreach(w)["sibling_course"].code},
        {"province": 200, "commune": 200, "secretary": 403, "member": 403}
        | {"outsider": 404, "unassigned": 404},
    ),
    "presenters:learner_add": Route(
        lambda w: {"code": _outreach(w)["course"].code},
        lambda w: {"code": _outreach(w)["sibling_course"].code},
        {"province": 302, "commune": 302, "secretary": 403, "member": 403}
        | {"outsider": 404, "unassigned": 404},
        method="post",
        data={"member": "DV1", "result": "dat"},
    ),
    "presenters:learner_remove": Route(
        lambda w: {"code": _outreach(w)["course"].code},
        lambda w: {"code": _outreach(w)["sibling_course"].code},
        {"province": 302, "commune": 302, "secretary": 403, "member": 403}
        | {"outsider": 404, "unassigned": 404},
        method="post",
        data={"bao_cao_vien": "BCV-XA1"},
    ),
    "presenters:materials": Route(none, None, ALL_200),
    "presenters:material_new": Route(none, None, DOCUMENT_WRITERS),
    "presenters:material": Route(
        lambda w: {"code": _outreach(w)["material"].code},
        lambda w: {"code": _outreach(w)["sibling_material"].code},
        {p: 200 for p in PERSONAS[:4]} | {"outsider": 404, "unassigned": 404},
    ),
    "presenters:material_open": Route(
        lambda w: {"code": _outreach(w)["material"].code},
        lambda w: {"code": _outreach(w)["sibling_material"].code},
        {p: 200 for p in PERSONAS[:4]} | {"outsider": 404, "unassigned": 404},
    ),
    "presenters:material_edit": Route(
        lambda w: {"code": _outreach(w)["material"].code},
        lambda w: {"code": _outreach(w)["sibling_material"].code},
        {"province": 200, "commune": 200, "secretary": 403, "member": 403}
        | {"outsider": 404, "unassigned": 404},
    ),
    "presenters:campaign_materials": Route(
        lambda w: {"pk": w.campaign.pk},
        lambda w: {"pk": w.sibling_campaign.pk},
        {p: 200 for p in PERSONAS[:4]} | {"outsider": 404, "unassigned": 404},
    ),
    # periods (issue 16): the province's Q3 2025 period; CB1 has sent its report (with
    # files); CB3 is the sibling. The unit above decides (commune staff for a cell).
    "periods:list": Route(none, None, ALL_200),
    "periods:new": Route(none, None, DOCUMENT_WRITERS),
    "periods:detail": Route(
        lambda w: {"pk": _periods(w)[0].pk},
        lambda w: {"pk": _periods(w)[1].pk},
        ALL_200,
    ),
    "periods:unit": Route(
        lambda w: {"pk": _periods(w)[0].pk, "code": "CB1"},
        lambda w: {"pk": _periods(w)[0].pk, "code": "CB3"},
        PERIOD_READERS,
    ),
    "periods:download": Route(
        lambda w: {"pk": _periods(w)[0].pk, "code": "CB1", "fmt": "docx"},
        lambda w: {"pk": _periods(w)[0].pk, "code": "CB3", "fmt": "docx"},
        PERIOD_READERS,
    ),
    **{
        f"periods:{name}": Route(
            lambda w: {"pk": _periods(w)[0].pk, "code": "CB1"},
            lambda w: {"pk": _periods(w)[0].pk, "code": "CB3"},
            STUDY_WRITERS_POST,
            method="post",
        )
        for name in ("submit", "withdraw")
    },
    **{
        f"periods:{name}": Route(
            lambda w: {"pk": _periods(w)[0].pk, "code": "CB1"},
            lambda w: {"pk": _periods(w)[0].pk, "code": "CB3"},
            PERIOD_DECIDERS,
            method="post",
            data={"reason": "Thiếu số liệu"},
        )
        for name in ("approve", "return", "reopen")
    },
    # essays (issue 15): XA1's campaign requires an essay; the member persona (DV0) has a
    # draft, DV1 (CB1) has handed in; marked by writers in scope, written by the member.
    "essays:index": Route(none, None, ALL_200),
    "essays:campaign": Route(
        lambda w: {"pk": _essays(w).campaign.pk},
        lambda w: {"pk": _essays(w).sibling_campaign.pk},
        {p: 200 for p in PERSONAS[:4]} | {"outsider": 404, "unassigned": 404},
    ),
    "essays:setup": Route(
        lambda w: {"pk": _essays(w).campaign.pk},
        lambda w: {"pk": _essays(w).sibling_campaign.pk},
        {
            "province": 200,
            "commune": 200,
            "secretary": 403,
            "member": 403,
            "outsider": 404,
            "unassigned": 404,
        },
    ),
    "essays:write": Route(
        lambda w: {"pk": _essays(w).campaign.pk},
        lambda w: {"pk": _essays(w).sibling_campaign.pk},
        ESSAY_AUTHOR,
    ),
    "essays:save": Route(
        lambda w: {"pk": _essays(w).campaign.pk},
        lambda w: {"pk": _essays(w).sibling_campaign.pk},
        ESSAY_AUTHOR,
        method="post",
        data={"text": "Bài đang viết", "seq": "99999"},
    ),
    "essays:upload": Route(
        lambda w: {"pk": _essays(w).campaign.pk},
        lambda w: {"pk": _essays(w).sibling_campaign.pk},
        ESSAY_AUTHOR | {"member": 302},
        method="post",
    ),
    "essays:hand_in": Route(
        lambda w: {"pk": _essays(w).campaign.pk},
        lambda w: {"pk": _essays(w).sibling_campaign.pk},
        ESSAY_AUTHOR | {"member": 302},
        method="post",
    ),
    "essays:release": Route(
        lambda w: {"pk": _essays(w).campaign.pk},
        lambda w: {"pk": _essays(w).sibling_campaign.pk},
        STUDY_WRITERS_POST,
        method="post",
    ),
    "essays:markers": Route(
        lambda w: {"pk": _essays(w).campaign.pk},
        lambda w: {"pk": _essays(w).sibling_campaign.pk},
        STUDY_WRITERS_POST,
        method="post",
        data={"don_vi": "CB1", "tai_khoan": "chibo"},
    ),
    "essays:paper": Route(
        lambda w: {"pk": _essays(w).campaign.pk},
        lambda w: {"pk": _essays(w).sibling_campaign.pk},
        STUDY_WRITERS_POST,
        method="post",
        data={"ma_dang_vien": "DV3", "ngay_nop": "01/10/2025", "xep_loai": "tot"},
    ),
    "essays:similar": Route(
        lambda w: {"pk": _essays(w).campaign.pk},
        lambda w: {"pk": _essays(w).sibling_campaign.pk},
        STUDY_WRITERS,
    ),
    "essays:essay": Route(
        lambda w: {"pk": _essays(w).essay.pk},
        lambda w: {"pk": _essays(w).sibling_essay.pk},
        ESSAY_MARKERS,
    ),
    "essays:mark": Route(
        lambda w: {"pk": _essays(w).essay.pk},
        lambda w: {"pk": _essays(w).sibling_essay.pk},
        {p: (302 if s == 200 else s) for p, s in ESSAY_MARKERS.items()},
        method="post",
        data={"xep_loai": "tot"},
    ),
    "essays:pair": Route(
        lambda w: {"pk": _essays(w).pair.pk}, None, ESSAY_MARKERS | {"member": 403}
    ),
    # surveys (issue 17): XA1's survey; read by those who see XA1 or a unit below it,
    # managed (and its free text read) by province and commune staff over XA1.
    "surveys:list": Route(none, None, ALL_200),
    "surveys:unit_panel": Route(
        lambda w: {"code": w.commune.code}, lambda w: {"code": w.sibling_commune.code}, STAFF_ONLY
    ),
    "surveys:new": Route(none, None, DOCUMENT_WRITERS),
    **{
        f"surveys:{name}": Route(
            lambda w: {"code": _surveys(w)[0].code},
            lambda w: {"code": _surveys(w)[1].code},
            {p: 200 for p in PERSONAS[:4]} | {"outsider": 404, "unassigned": 404},
        )
        for name in ("detail", "results", "results_xlsx")
    },
    "surveys:qr": Route(
        lambda w: {"code": _surveys(w)[0].code},
        lambda w: {"code": _surveys(w)[1].code},
        {p: 200 for p in PERSONAS[:3]} | {"member": 403, "outsider": 404, "unassigned": 404},
    ),
    "surveys:texts": Route(
        lambda w: {"code": _surveys(w)[0].code, "question": "y_kien"},
        lambda w: {"code": _surveys(w)[1].code, "question": "y_kien"},
        SURVEY_OWNERS,
    ),
    "surveys:codes": Route(
        lambda w: {"code": _surveys(w)[0].code},
        lambda w: {"code": _surveys(w)[1].code},
        SURVEY_OWNERS,
    ),
    "surveys:open": Route(
        lambda w: {"code": _surveys(w)[0].code},
        lambda w: {"code": _surveys(w)[1].code},
        {p: (302 if s == 200 else s) for p, s in SURVEY_OWNERS.items()},
        method="post",
        data={"mo": "1"},
    ),
    # media (issue 17): media output and awards of CB1 (the own objects) and CB3; read
    # where the unit is in the read area, kept by province and commune staff.
    "media:list": Route(none, None, ALL_200),
    "media:new": Route(none, None, DOCUMENT_WRITERS),
    "media:edit": Route(
        lambda w: {"pk": _media(w)[0].pk},
        lambda w: {"pk": _media(w)[1].pk},
        MEDIA_KEEPERS,
    ),
    "media:unit_panel": Route(
        lambda w: {"code": w.cell.code},
        lambda w: {"code": w.sibling_cell.code},
        {p: 200 for p in PERSONAS[:4]} | {"outsider": 404, "unassigned": 404},
    ),
    "media:awards": Route(none, None, ALL_200),
    "media:award_new": Route(none, None, DOCUMENT_WRITERS),
    "media:award_edit": Route(
        lambda w: {"code": _awards(w)[0].code},
        lambda w: {"code": _awards(w)[1].code},
        MEDIA_KEEPERS,
    ),
    # followup (issue 16): XA1's plan with a task of CB1 and XA1's inspection of CB1;
    # the same in XA2. Planned by staff above the unit; progress by the cell too.
    "followup:programmes": Route(none, None, ALL_200),
    "followup:programme_new": Route(none, None, DOCUMENT_WRITERS),
    "followup:programme": Route(
        lambda w: {"pk": _followup(w).programme.pk},
        lambda w: {"pk": _followup(w).sibling_programme.pk},
        FOLLOWUP_READERS,
    ),
    "followup:task_new": Route(
        lambda w: {"pk": _followup(w).programme.pk},
        lambda w: {"pk": _followup(w).sibling_programme.pk},
        FOLLOWUP_PLANNERS,
    ),
    "followup:tasks": Route(none, None, ALL_200),
    "followup:task": Route(
        lambda w: {"code": "NV-XA1"}, lambda w: {"code": "NV-XA2"}, FOLLOWUP_READERS
    ),
    "followup:task_edit": Route(
        lambda w: {"code": "NV-XA1"}, lambda w: {"code": "NV-XA2"}, FOLLOWUP_PLANNERS
    ),
    "followup:task_report": Route(
        lambda w: {"code": "NV-XA1"},
        lambda w: {"code": "NV-XA2"},
        {"province": 302, "commune": 302, "secretary": 302}
        | {"member": 403, "outsider": 404, "unassigned": 404},
        method="post",
        data={"note": "Đang thực hiện"},
    ),
    "followup:evidence": Route(
        lambda w: {"code": "NV-XA1", "pk": _followup(w).evidence.pk},
        lambda w: {"code": "NV-XA2", "pk": _followup(w).evidence.pk},
        FOLLOWUP_READERS,
    ),
    "followup:unit_panel": Route(
        lambda w: {"code": w.commune.code}, lambda w: {"code": w.sibling_commune.code}, STAFF_ONLY
    ),
    "followup:inspections": Route(none, None, ALL_200),
    "followup:inspection_new": Route(none, None, DOCUMENT_WRITERS),
    "followup:inspection": Route(
        lambda w: {"code": "KT-XA1"}, lambda w: {"code": "KT-XA2"}, FOLLOWUP_READERS
    ),
    "followup:inspection_edit": Route(
        lambda w: {"code": "KT-XA1"}, lambda w: {"code": "KT-XA2"}, FOLLOWUP_PLANNERS
    ),
    "followup:inspection_target": Route(
        lambda w: {"code": "KT-XA1"},
        lambda w: {"code": "KT-XA2"},
        {p: (302 if s == 200 else s) for p, s in FOLLOWUP_PLANNERS.items()},
        method="post",
        data={"target": "CB1", "members": "2"},
    ),
    "followup:inspection_target_remove": Route(
        lambda w: {"code": "KT-XA1"},
        lambda w: {"code": "KT-XA2"},
        {p: (302 if s == 200 else s) for p, s in FOLLOWUP_PLANNERS.items()},
        method="post",
        data={"target": "CB2"},
    ),
    "followup:inspection_task_new": Route(
        lambda w: {"code": "KT-XA1"}, lambda w: {"code": "KT-XA2"}, FOLLOWUP_PLANNERS
    ),
}


def _outreach(w: Any) -> dict[str, Any]:
    """A dissemination event in CB1 and one in CB3; a course of XA1 (with BCV-XA1 as a
    learner) and one of XA2; a material with its file from XA1 and one from XA2."""
    if not hasattr(w, "outreach"):
        import datetime as dt

        from tuyengiao.presenters import access, services

        day = dt.date(2025, 9, 1)
        made: dict[str, Any] = {}
        for prefix, cell, commune, presenter in (
            ("", w.cell, w.commune, _presenters(w)[0]),
            ("sibling_", w.sibling_cell, w.sibling_commune, _presenters(w)[1]),
        ):
            made[f"{prefix}event"] = services.event_save(
                actor=access.SYSTEM,
                data=services.EventData(code=f"TT-{cell.code}", unit=cell, date=day, listeners=40),
            )[0]
            course = services.course_save(
                actor=access.SYSTEM,
                data=services.CourseData(
                    code=f"LOP-{commune.code}", title="Tập huấn", unit=commune, date_from=day
                ),
            )[0]
            services.learner_set(actor=access.SYSTEM, course=course, presenter=presenter)
            made[f"{prefix}course"] = course
            made[f"{prefix}material"] = services.material_save(
                actor=access.SYSTEM,
                data=services.MaterialData(
                    code=f"TL-{commune.code}",
                    title="Đề cương tuyên truyền",
                    kind="de_cuong",
                    unit=commune,
                    date=day,
                ),
                file=("de-cuong.txt", "Đề cương".encode()),
            )[0]
        w.outreach = made
    return dict(w.outreach)


def _periods(w: Any) -> Any:
    """The province's period with CB1's report sent (files made), and a period of XA2."""
    if not hasattr(w, "periods"):
        import datetime as dt

        from tuyengiao.periods import services
        from tuyengiao.periods.models import Submission

        def open_period(unit: Any, name: str) -> Any:
            return services.period_open(
                actor=SYSTEM,
                unit=unit,
                kind="quy",
                name=name,
                date_from=dt.date(2025, 4, 1),
                cutoff=dt.date(2025, 6, 30),
                due_date=dt.date(2025, 7, 10),
            )

        # the second quarter: CB1's report, once sent, locks CB1's figures of that quarter,
        # and the walk's own rows (and those the growth test adds) are dated later
        w.periods = [open_period(w.province, "Quý II"), open_period(w.sibling_commune, "Quý 2")]
        sent = services.submission_submit(actor=SYSTEM, period=w.periods[0], unit=w.cell)
        services.submission_figures_freeze(submission_id=sent.pk)  # the worker's part
        Submission.objects.filter(pk=sent.pk).update(docx=b"docx", files_status="xong")
    return w.periods


def _essays(w: Any) -> Any:
    """XA1's and XA2's campaigns require an essay; DV0 (the member persona) has a draft,
    DV1 and DV2 (CB1) have handed in near-identical essays, DVX1 (CB3) one."""
    if not hasattr(w, "essays"):
        import datetime as dt
        from types import SimpleNamespace

        from django.utils import timezone

        from tuyengiao.essays import services
        from tuyengiao.essays.models import SimilarPair

        deadline = timezone.now() + dt.timedelta(days=30)
        req = services.requirement_save(
            actor=SYSTEM,
            campaign=w.campaign,
            document=w.campaign.documents.get(),
            deadline=deadline,
        )
        sibling_req = services.requirement_save(
            actor=SYSTEM,
            campaign=w.sibling_campaign,
            document=w.sibling_campaign.documents.get(),
            deadline=deadline,
        )
        services.draft_save(actor=w.users["member"], requirement=req, text="Bản nháp", seq=1)
        text = "Bài thu hoạch về nghị quyết của chi bộ bản Một, liên hệ bản thân. " * 5
        essay, other = (
            services.essay_record(
                actor=SYSTEM, requirement=req, member=m, text=text, submitted_at=timezone.now()
            )
            for m in w.members[1:3]
        )
        sibling_essay = services.essay_record(
            actor=SYSTEM,
            requirement=sibling_req,
            member=w.sibling_members[0],
            text=text,
            submitted_at=timezone.now(),
        )
        pair = SimilarPair.objects.create(
            requirement=req, a=essay, b=other, score=1.0, flagged=True, passages=[]
        )
        w.essays = SimpleNamespace(
            campaign=w.campaign,
            sibling_campaign=w.sibling_campaign,
            essay=essay,
            sibling_essay=sibling_essay,
            pair=pair,
        )
    return w.essays


def _surveys(w: Any) -> Any:
    """A survey of XA1 and one of XA2, ended (results out), the test XLSForm read once."""
    if not hasattr(w, "surveys"):
        import datetime as dt

        from tuyengiao.surveys import services
        from tuyengiao.surveys.forms_demo import xlsform

        form = services.read_form("ks.xlsx", xlsform())
        w.surveys = [
            services.survey_save(
                actor=SYSTEM,
                form=form | {"code": code},
                unit=unit,
                date_from=dt.date(2025, 1, 1),
                date_to=dt.date(2025, 12, 31),
            )[0]
            for code, unit in (("KS-XA1", w.commune), ("KS-XA2", w.sibling_commune))
        ]
    return w.surveys


def _media(w: Any) -> Any:
    """Media output of CB1 and of CB3, this year (the list opens on this year)."""
    if not hasattr(w, "media"):
        import datetime as dt

        from tuyengiao.media import services
        from tuyengiao.media.models import MediaKind

        year = org_today().year
        w.media = [
            services.media_output_save(
                actor=SYSTEM,
                data=services.MediaData(
                    unit=unit,
                    date_from=dt.date(year, 1, 1),
                    date_to=dt.date(year, 1, 31),
                    kind=MediaKind.objects.get(code="tin_bai"),
                    count=3,
                ),
            )[0]
            for unit in (w.cell, w.sibling_cell)
        ]
    return w.media


def _awards(w: Any) -> Any:
    """An award of CB1 and one of CB3, this year."""
    if not hasattr(w, "awards"):
        import datetime as dt

        from tuyengiao.media import services
        from tuyengiao.media.models import AwardKind

        year = org_today().year
        w.awards = [
            services.award_save(
                actor=SYSTEM,
                data=services.AwardData(
                    code=code,
                    kind=AwardKind.objects.get(code="giay_khen"),
                    name="Giấy khen chi bộ trong sạch, vững mạnh",
                    unit=unit,
                    date=dt.date(year, 1, 15),
                ),
            )[0]
            for code, unit in (("KT-CB1", w.cell), ("KT-CB3", w.sibling_cell))
        ]
    return w.awards


def _followup(w: Any) -> Any:
    """followup: XA1's plan with task NV-XA1 of CB1 (with an evidence file) and round
    KT-XA1 over CB1; XA2's plan with NV-XA2 of CB3 and round KT-XA2 over CB3."""
    if not hasattr(w, "followup"):
        import datetime as dt
        from types import SimpleNamespace

        from tuyengiao.followup import services

        made = SimpleNamespace()
        for prefix, owner, cell, code in (
            ("", w.commune, w.cell, "XA1"),
            ("sibling_", w.sibling_commune, w.sibling_cell, "XA2"),
        ):
            document = factories.document(
                f"{40 + len(prefix)}-KH/ĐU", f"Kế hoạch của {code}", day=dt.date(2025, 9, 1)
            )
            programme = services.programme_create(actor=SYSTEM, document=document, unit=owner)
            setattr(made, f"{prefix}programme", programme)
            task, _ = services.task_save(
                actor=SYSTEM,
                programme=programme,
                data=services.TaskData(
                    code=f"NV-{code}",
                    content="Quán triệt",
                    unit=cell,
                    deadline=dt.date(2025, 10, 1),
                ),
            )
            report = services.task_report(
                actor=SYSTEM, task=task, note="Đã họp", files=[("bien-ban.txt", b"bien ban")]
            )
            setattr(made, f"{prefix}evidence", report.files.get())
            services.inspection_save(
                actor=SYSTEM,
                data=services.InspectionData(
                    code=f"KT-{code}",
                    kind="kiem_tra",
                    unit=owner,
                    date_from=dt.date(2025, 10, 1),
                    targets=[(cell, 5)],
                ),
            )
        w.followup = made
    return w.followup


def _presenters(w: Any) -> Any:
    """A presenter recognised by XA1 and one by XA2."""
    if not hasattr(w, "presenters"):
        import datetime as dt

        from tuyengiao.presenters import access, services
        from tuyengiao.presenters.models import PresenterLevel, PresenterStatus

        w.presenters = [
            services.presenter_save(
                actor=access.SYSTEM,
                data=services.PresenterData(
                    code=code,
                    full_name=name,
                    level=PresenterLevel.objects.get(code="co_so"),
                    unit=unit,
                    status=PresenterStatus.objects.get(code="cong_nhan"),
                    valid_from=dt.date(2025, 7, 1),
                ),
            )[0]
            for code, name, unit in (
                ("BCV-XA1", "Lò Văn Páo", w.commune),
                ("BCV-XA2", "Hà Thị Lan", w.sibling_commune),
            )
        ]
    return w.presenters


# contests (issue 15): XA1's bank and public contest with an open round; the member
# persona's attempt; a commune-staff upload. XA2 has a bank and a members' contest.
CONTEST_READERS = {p: 200 for p in PERSONAS[:4]} | {"outsider": 404, "unassigned": 404}
BANK_KEEPERS_POST = {p: 404 for p in PERSONAS} | {"province": 302, "commune": 302}
ATTEMPT_OWNER = {p: 404 for p in PERSONAS} | {"member": 200}
CONTEST_ROUTES: dict[str, Route] = {
    "contests:home": Route(none, None, ALL_200),
    "contests:banks": Route(none, None, ALL_200),
    "contests:bank_new": Route(none, None, DOCUMENT_WRITERS),
    "contests:contest_new": Route(none, None, DOCUMENT_WRITERS),
    "contests:bank": Route(lambda w: {"code": "NH-W"}, lambda w: {"code": "NH-W2"}, STAFF_ONLY),
    "contests:bank_upload": Route(
        lambda w: {"code": "NH-W"}, lambda w: {"code": "NH-W2"}, BANK_KEEPERS_POST, method="post"
    ),
    "contests:bank_approve": Route(
        lambda w: {"code": "NH-W"}, lambda w: {"code": "NH-W2"}, BANK_KEEPERS_POST, method="post"
    ),
    "contests:bank_export": Route(
        lambda w: {"code": "NH-W", "fmt": "gift"},
        lambda w: {"code": "NH-W2", "fmt": "gift"},
        STAFF_ONLY,
    ),
    "contests:import_job": Route(
        lambda w: {"pk": w.contests.job.pk},
        None,
        {p: 404 for p in PERSONAS} | {"commune": 200},
    ),
    "contests:paragraph": Route(lambda w: {"pk": w.contests.document.pk}, None, ALL_200),
    "contests:contest": Route(
        lambda w: {"code": "THI-W"}, lambda w: {"code": "THI-W2"}, CONTEST_READERS
    ),
    "contests:ranking": Route(
        lambda w: {"code": "THI-W", "number": 1},
        lambda w: {"code": "THI-W2", "number": 1},
        CONTEST_READERS,
    ),
    "contests:units": Route(
        lambda w: {"code": "THI-W"}, lambda w: {"code": "THI-W2"}, CONTEST_READERS
    ),
    "contests:round_new": Route(
        lambda w: {"code": "THI-W"},
        lambda w: {"code": "THI-W2"},
        BANK_KEEPERS_POST | {"secretary": 403, "member": 403},
        method="post",
    ),
    "contests:start": Route(
        lambda w: {"code": "THI-W", "number": 1},
        lambda w: {"code": "THI-W2", "number": 1},
        # staff accounts are not members: they organise, they do not take part
        {"province": 403, "commune": 403, "secretary": 403, "member": 302}
        | {"outsider": 404, "unassigned": 404},
        method="post",
    ),
    "contests:public": Route(
        lambda w: {"code": "THI-W"},
        lambda w: {"code": "THI-W2"},
        {p: 200 for p in PERSONAS},
        anonymous=200,
    ),
    "contests:attempt": Route(lambda w: {"key": w.contests.attempt.key}, None, ATTEMPT_OWNER),
    "contests:answer": Route(
        lambda w: {"key": w.contests.attempt.key},
        None,
        ATTEMPT_OWNER | {"member": 400},
        method="post",
    ),
    "contests:submit": Route(
        lambda w: {"key": w.contests.attempt.key},
        None,
        ATTEMPT_OWNER | {"member": 302},
        method="post",
    ),
}
ROUTES.update(CONTEST_ROUTES)


def _contests(w: Any) -> None:
    import datetime as dt
    from types import SimpleNamespace

    from django.utils import timezone

    from tuyengiao.contests import services
    from tuyengiao.contests.models import QuestionImport

    document = factories.document("68-NQ/TW", "Về phát triển kinh tế tư nhân", body="Đoạn một.")
    now = timezone.now()
    for suffix, unit, audience in (
        ("", w.commune, "cong_khai"),
        ("2", w.sibling_commune, "don_vi"),
    ):
        bank = services.bank_create(actor=SYSTEM, code=f"NH-W{suffix}", name="Câu hỏi", unit=unit)
        services.questions_import(
            actor=SYSTEM,
            bank=bank,
            name="a.txt",
            data="Câu hỏi?\nA. Một\nB. Hai\nĐáp án: A\nNguồn: 68-NQ/TW, đoạn 1\n".encode(),
        )
        services.questions_set_status(actor=SYSTEM, bank=bank, status="da_duyet")
        contest = services.contest_create(
            actor=SYSTEM,
            code=f"THI-W{suffix}",
            title="Thi",
            unit=unit,
            bank=bank,
            audience=audience,
        )
        services.round_create(
            actor=SYSTEM,
            contest=contest,
            opens_at=now - dt.timedelta(hours=1),
            closes_at=now + dt.timedelta(days=1),
            attempts_allowed=3,
        )
        if not suffix:
            participant = services.participant_for_user(actor=w.users["member"], contest=contest)
            attempt = services.attempt_start(
                actor=SYSTEM, round_=contest.rounds.get(), participant=participant
            )
            job = QuestionImport.objects.create(
                bank=bank, actor=w.users["commune"], file_name="a.txt", content=b""
            )
            w.contests = SimpleNamespace(document=document, attempt=attempt, job=job)


def _report_request(w: Any) -> Any:
    """A finished report asked for by the province persona (visible to them only)."""
    import datetime as dt

    from tuyengiao.reports.models import ReportRequest

    return ReportRequest.objects.get_or_create(
        requested_by=w.users["province"],
        unit=w.commune,
        defaults={
            "date_from": dt.date(2025, 1, 1),
            "date_to": dt.date(2025, 12, 31),
            "format": "json",
            "status": "done",
            "content": b"{}",
            "filename": "bao-cao.json",
        },
    )[0]


def _named_routes() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[Any], namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace == "admin":
                    continue
                walk(p.url_patterns, f"{namespace}{p.namespace}:" if p.namespace else namespace)
            elif isinstance(p, URLPattern) and p.name:
                names.add(f"{namespace}{p.name}")

    walk(get_resolver().url_patterns, "")
    return names


def test_every_route_is_walked() -> None:
    missing = _named_routes() - set(ROUTES) - PUBLIC
    assert not missing, f"routes missing from the URL walk: {sorted(missing)}"


@pytest.fixture(scope="module")
def walk_world(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any
) -> Iterator[Any]:
    """Built once for the module, in a transaction rolled back at its end; each
    test runs in a savepoint inside it (the ``db`` fixture), so what a route
    writes is undone before the next."""
    from tuyengiao.imports.framework import run_import
    from tuyengiao.imports.models import ImportBatch, ImportJob

    with (
        override_settings(
            MEDIA_ROOT=tmp_path_factory.mktemp("media"),
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            AXES_ENABLED=False,
        ),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        world: Any = build_world()
        result = run_import(
            [("x.csv", "Mã đơn vị,Tên đơn vị,Loại đơn vị\n".encode())],
            actor=world.users["province"],
            dry_run=False,
        )
        assert result.batch_id is not None
        world.batch = ImportBatch.objects.get(pk=result.batch_id)
        world.import_job = ImportJob.objects.create(
            actor=world.users["province"], token="0" * 40, file_name="x.csv"
        )
        _study_objects(world)
        _documents(world)
        _presenters(world)
        _outreach(world)
        _essays(world)
        _surveys(world)
        _media(world)
        _awards(world)
        _followup(world)
        _contests(world)
        _periods(world)
        yield world
        transaction.set_rollback(True)


def _study_objects(world: Any) -> None:
    """study: a campaign of XA1 with a session in CB1, and the same in XA2."""
    import datetime as dt

    from tuyengiao.study import services

    document = factories.document("35-CT/TW", "về tổ chức đại hội đảng bộ các cấp")
    start = dt.date(2025, 9, 1)
    for attr, owner, host, code in (
        ("", world.commune, world.cell, "HN-CB1"),
        ("sibling_", world.sibling_commune, world.sibling_cell, "HN-CB3"),
    ):
        campaign = services.campaign_create(
            actor=SYSTEM,
            title=f"Học tập NQ 57 ({owner.code})",
            documents=[document],
            owner=owner,
            start=start,
            deadline=dt.date(2025, 12, 31),
        )
        setattr(world, f"{attr}campaign", campaign)
        setattr(
            world,
            f"{attr}session",
            services.session_create(
                actor=SYSTEM, campaign=campaign, code=code, host=host, date=start
            ),
        )


def _request(client: Any, route: Route, url: str) -> Any:
    if route.method == "post":
        return client.post(url, route.data)
    if route.method == "put":  # the API's: a JSON body
        return client.put(url, route.data, content_type="application/json")
    return client.get(url)


def _api_key(w: Any) -> Any:
    """An API key the commune's staff made for cell CB1."""
    from tuyengiao.api import keys
    from tuyengiao.api.models import ApiKey

    found = ApiKey.objects.filter(name="Khóa của URL walk").first()
    if found is None:
        found, _ = keys.key_create(
            actor=w.users["commune"], name="Khóa của URL walk", unit=w.cell, can_write=False, days=9
        )
    return found


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_route_with_every_persona(name: str, walk_world: Any, db: Any, client: Any) -> None:
    route = ROUTES[name]
    own_url = reverse(name, kwargs=route.own(walk_world))
    sibling_url = reverse(name, kwargs=route.sibling(walk_world)) if route.sibling else None
    anonymous = _request(client, route, own_url)
    if route.anonymous is not None:
        assert anonymous.status_code == route.anonymous, name
    else:
        assert anonymous.status_code == 302 and "/dang-nhap/" in anonymous["Location"], name
    for persona in PERSONAS:
        client.force_login(walk_world.users[persona])
        got = _request(client, route, own_url).status_code
        assert got == route.expect[persona], f"{name} as {persona}: {got}"
        if sibling_url and persona not in ("province", "outsider"):  # XA2 is theirs
            got = _request(client, route, sibling_url).status_code
            assert got in (403, 404), f"{name} sibling object as {persona}: {got}"
        client.logout()


# Routes that answer both GET and POST (forms); the others answer one of them.
FORMS = {
    "api_keys:list",
    "contests:bank_new",
    "contests:contest_new",
    "contests:public",
    "documents:create",
    "documents:edit",
    "essays:setup",
    "essays:similar",
    "followup:inspection_edit",
    "followup:inspection_new",
    "followup:inspection_task_new",
    "followup:programme_new",
    "followup:task_edit",
    "followup:task_new",
    "imports:upload",
    "orgs:activate",
    "orgs:official_list",
    "orgs:member_edit",
    "orgs:unit_accounts",
    "orgs:unit_edit",
    "orgs:unit_structure",
    "presenters:course_edit",
    "presenters:course_new",
    "periods:new",
    "presenters:edit",
    "presenters:event_edit",
    "presenters:event_new",
    "presenters:material_edit",
    "presenters:material_new",
    "presenters:new",
    "media:new",
    "media:edit",
    "media:award_new",
    "media:award_edit",
    "reports:new",
    "study:campaign_new",
    "study:scan",
    "study:session_new",
    "surveys:codes",
    "surveys:new",
    "trust:enrol",
    "trust:password_change",
    "trust:verify",
}


# The API reads and sets a session's attendance at one path (GET and PUT).
SHARED_PATH = {"api:attendance": {"put"}, "api:attendance_set": {"get"}}


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_wrong_method_is_405(name: str, walk_world: Any, db: Any, client: Any) -> None:
    """A method the route does not answer is refused before the view runs."""
    route = ROUTES[name]
    url = reverse(name, kwargs=route.own(walk_world))
    client.force_login(walk_world.users["province"])
    wrong = ["delete", "put"]
    if name not in FORMS:
        wrong.append("get" if route.method == "post" else "post")
    wrong = [m for m in wrong if m != route.method and m not in SHARED_PATH.get(name, ())]
    for method in wrong:
        got = getattr(client, method)(url).status_code
        assert got == 405, f"{method.upper()} {name}: {got}"


# --- list pages: the number of queries does not grow with the number of rows -------


def _add_members(w: Any, k: int, start: int) -> None:
    import datetime as dt

    from tuyengiao.orgs import services

    for i in range(start, start + k):
        services.member_create(
            actor=SYSTEM,
            code=f"QN{i:03d}",
            full_name=f"Nguyễn Văn Đếm {i}",
            unit=w.cell,
            since=dt.date(2024, 1, 1),
        )


def _add_present(w: Any, k: int, start: int) -> None:
    from tuyengiao.orgs.models import Member
    from tuyengiao.study import services

    _add_members(w, k, start)
    for member in Member.objects.filter(code__startswith="QN").order_by("code")[start:]:
        services.attendance_mark(actor=SYSTEM, session=w.session, member=member, status="co_mat")


def _add_cells(w: Any, k: int, start: int) -> None:
    from tuyengiao.orgs import services

    for i in range(start, start + k):
        services.unit_create(
            actor=SYSTEM,
            code=f"QCB{i:03d}",
            name=f"Chi bộ đếm {i}",
            kind="Chi bộ",
            parent=w.commune,
        )


def _add_communes(w: Any, k: int, start: int) -> None:
    from tuyengiao.orgs import services

    for i in range(start, start + k):
        services.unit_create(
            actor=SYSTEM,
            code=f"QXA{i:03d}",
            name=f"Đảng ủy xã đếm {i}",
            kind="Đảng ủy xã",
            parent=w.province,
        )


def _add_sessions(w: Any, k: int, start: int) -> None:
    import datetime as dt

    from tuyengiao.study import services

    for i in range(start, start + k):
        services.session_create(
            actor=SYSTEM,
            campaign=w.campaign,
            code=f"HN-Q{i:03d}",
            host=w.cell,
            date=dt.date(2025, 9, 3),
            title=f"Hội nghị đếm {i}",
        )


def _add_documents(w: Any, k: int, start: int) -> None:
    for i in range(start, start + k):
        factories.document(f"{100 + i}-KH/TU", f"Kế hoạch đếm {i}", body="Thực hiện 57-NQ/TW.")


def _add_campaigns(w: Any, k: int, start: int) -> None:
    import datetime as dt

    from tuyengiao.study import services

    for i in range(start, start + k):
        campaign = services.campaign_create(
            actor=SYSTEM,
            title=f"Học tập đếm {i}",
            documents=[w.docs.plan],
            owner=w.commune,
            start=dt.date(2025, 9, 1),
            deadline=dt.date(2025, 12, 31),
        )
        services.session_create(
            actor=SYSTEM,
            campaign=campaign,
            code=f"HN-Q{i:03d}",
            host=w.cell,
            date=dt.date(2025, 9, 2),
        )


def _add_presenters(w: Any, k: int, start: int) -> None:
    import datetime as dt

    from tuyengiao.presenters import services
    from tuyengiao.presenters.models import PresenterLevel, PresenterStatus

    for i in range(start, start + k):
        services.presenter_save(
            actor=SYSTEM,
            data=services.PresenterData(
                code=f"TTV-Q{i:03d}",
                full_name=f"Lò Văn Đếm{chr(ord('a') + i)}",
                level=PresenterLevel.objects.get(code="ttv"),
                unit=w.cell,
                status=PresenterStatus.objects.get(code="cong_nhan"),
                valid_from=dt.date(2025, 7, 1),
            ),
        )


def _add_outreach(kind: str) -> Callable[[Any, int, int], None]:
    """Dissemination events in CB1, courses of XA1 with a learner, or materials of
    XA1 (the presenters' outreach lists)."""

    def add(w: Any, k: int, start: int) -> None:
        import datetime as dt

        from tuyengiao.presenters import services

        day = dt.date(2025, 9, 5)
        for i in range(start, start + k):
            if kind == "events":
                services.event_save(
                    actor=SYSTEM,
                    data=services.EventData(
                        code=f"TT-Q{i:03d}",
                        unit=w.cell,
                        date=day,
                        listeners=10,
                        presenters=(_presenters(w)[0],),
                    ),
                )
            elif kind == "courses":
                course, _ = services.course_save(
                    actor=SYSTEM,
                    data=services.CourseData(
                        code=f"LOP-Q{i:03d}", title=f"Lớp đếm {i}", unit=w.commune, date_from=day
                    ),
                )
                services.learner_set(actor=SYSTEM, course=course, member=w.members[0])
            else:
                services.material_save(
                    actor=SYSTEM,
                    data=services.MaterialData(
                        code=f"TL-Q{i:03d}",
                        title=f"Tài liệu đếm {i}",
                        kind="to_gap",
                        unit=w.commune,
                        date=day,
                    ),
                )

    return add


def _add_media(w: Any, k: int, start: int) -> None:
    import datetime as dt

    from tuyengiao.media import services
    from tuyengiao.media.models import MediaKind

    year = org_today().year
    for i in range(start, start + k):
        services.media_output_save(
            actor=SYSTEM,
            data=services.MediaData(
                unit=w.cell,
                date_from=dt.date(year, 1, 1),
                date_to=dt.date(year, 1, 31),
                kind=MediaKind.objects.get(code="phat_thanh"),
                count=i + 1,
                minutes=15,
                language=f"Thử {i}",
            ),
        )


def _add_awards(w: Any, k: int, start: int) -> None:
    import datetime as dt

    from tuyengiao.media import services
    from tuyengiao.media.models import AwardKind

    year = org_today().year
    for i in range(start, start + k):
        services.award_save(
            actor=SYSTEM,
            data=services.AwardData(
                code=f"KT-Q{i:03d}",
                kind=AwardKind.objects.get(code="bang_khen"),
                name=f"Bằng khen đếm {i}",
                unit=w.cell,
                date=dt.date(year, 2, 1),
                member=w.members[0],
            ),
        )


def _add_tasks(w: Any, k: int, start: int) -> None:
    from tuyengiao.followup import services

    for i in range(start, start + k):
        services.task_save(
            actor=SYSTEM,
            programme=_followup(w).programme,
            data=services.TaskData(code=f"NV-Q{i:03d}", content=f"Việc đếm {i}", unit=w.cell),
        )


def _add_rounds(w: Any, k: int, start: int) -> None:
    import datetime as dt

    from tuyengiao.followup import services

    for i in range(start, start + k):
        services.inspection_save(
            actor=SYSTEM,
            data=services.InspectionData(
                code=f"KT-Q{i:03d}",
                kind="giam_sat",
                unit=w.commune,
                date_from=dt.date(2025, 11, 1),
                targets=[(w.cell, i)],
            ),
        )


def _add_programmes(w: Any, k: int, start: int) -> None:
    from tuyengiao.followup import services

    for i in range(start, start + k):
        document = factories.document(f"{200 + i}-CTr/TU", f"Chương trình đếm {i}")
        services.programme_create(actor=SYSTEM, document=document, unit=w.commune)


def _add_questions(w: Any, k: int, start: int) -> None:
    from tuyengiao.contests import services
    from tuyengiao.contests.models import QuestionBank

    text = "\n\n".join(f"Câu đếm {i}?\nA. Một\nB. Hai\nĐáp án: A" for i in range(start, start + k))
    bank = QuestionBank.objects.get(code="NH-W")
    services.questions_import(actor=SYSTEM, bank=bank, name="dem.txt", data=text.encode())


# list page -> (how to add rows, text of the last row added, when the page shows it)
# The audit log of every model holds one lookup per model shown (not per row): the
# number of models on its first page varies with what the world wrote, so it is
# counted on the entries of the rows added.
LIST_QUERY = {"trust:audit_log": "?loai=orgs.member"}

LISTS: dict[str, tuple[Callable[[Any, int, int], None], str | None]] = {
    "documents:list": (_add_documents, "Kế hoạch đếm 8"),
    "study:campaigns": (_add_campaigns, "Học tập đếm 8"),
    "study:campaign": (_add_sessions, "HN-Q008"),
    "study:session": (_add_present, None),  # counts, not names
    "study:grid": (_add_members, "Nguyễn Văn Đếm 8"),
    "orgs:tree": (_add_communes, "Đảng ủy xã đếm 8"),  # the first level is open
    "orgs:unit": (_add_cells, "Chi bộ đếm 8"),
    "orgs:unit_accounts": (_add_members, "Nguyễn Văn Đếm 8"),
    "presenters:roster": (_add_presenters, "Lò Văn Đếmi"),
    "presenters:events": (_add_outreach("events"), "TT-Q008"),
    "presenters:courses": (_add_outreach("courses"), "Lớp đếm 8"),
    "presenters:materials": (_add_outreach("materials"), "Tài liệu đếm 8"),
    "media:list": (_add_media, "Thử 8"),
    "media:awards": (_add_awards, "Bằng khen đếm 8"),
    "followup:tasks": (_add_tasks, "Việc đếm 8"),
    "followup:inspections": (_add_rounds, "KT-Q008"),
    "followup:programmes": (_add_programmes, "Chương trình đếm 8"),
    "contests:bank": (_add_questions, "Câu đếm 8"),
    "reports:dashboard": (_add_communes, "Đảng ủy xã đếm 8"),
    "reports:unit": (_add_cells, "Chi bộ đếm 8"),
    "trust:audit_log": (_add_members, "Nguyễn Văn Đếm 8"),
}


@pytest.mark.parametrize("name", sorted(LISTS))
def test_list_queries_do_not_grow_with_rows(
    name: str, walk_world: Any, db: Any, client: Any
) -> None:
    """The page's queries at n rows and at 3n rows are as many (no query per row)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    route = ROUTES[name]
    url = reverse(name, kwargs=route.own(walk_world)) + LIST_QUERY.get(name, "")
    client.force_login(walk_world.users["province"])
    client.get(url)  # first-use caches (content types, sessions) out of the count
    add, last_row = LISTS[name]
    counts = []
    for k, start in ((3, 0), (6, 3)):
        add(walk_world, k, start)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(queries))
    if last_row is not None:  # the rows are on the page, so the count is about them
        assert last_row in response.content.decode(), name
    assert counts[0] == counts[1], f"{name}: {counts[0]} queries at 3 rows, {counts[1]} at 9"
