"""Walk every URL pattern with every persona (STYLE.md §5, issue 6 §7).

Each named route of our apps must appear in ``ROUTES`` with the kwargs for an
object in XA1's subtree ("own") and one in the sibling XA2 ("sibling"), and the
status each persona gets for the own object. The sibling object is never a 200
for anyone but province staff, anonymous users are sent to the login page, and a
user without an assignment sees nothing. A new route that is not listed fails
``test_every_route_is_walked``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

PERSONAS = ["province", "commune", "secretary", "member", "outsider", "unassigned"]
PUBLIC = {"login", "logout"}


@dataclass
class Route:
    own: Callable[[Any], dict[str, Any]]
    sibling: Callable[[Any], dict[str, Any]] | None
    expect: dict[str, int]  # persona -> status for the own object (GET unless method)
    method: str = "get"
    data: dict[str, Any] = field(default_factory=dict)


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


def _docs(w: Any) -> Any:
    """Two documents, the plan citing the resolution and a bare "Đề án 06", with a file."""
    if not hasattr(w, "docs"):
        from types import SimpleNamespace

        from tuyengiao.documents import services

        services.document_create(actor=None, symbol="57-NQ/TW", title="Về đột phá phát triển")
        plan = services.document_create(
            actor=None,
            symbol="15-KH/TU",
            title="Kế hoạch thực hiện",
            body="Thực hiện Nghị quyết 57-NQ/TW và Đề án 06.",
            attachments=[("ke-hoach.txt", "Kế hoạch".encode())],
        )
        w.docs = SimpleNamespace(
            plan=plan, attachment=plan.attachments.get(), ref=plan.refs.get(system="bare")
        )
    return w.docs


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


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


# study: the own campaign is XA1's, the own session is hosted by CB1.
STUDY_WRITERS = {
    "province": 200,
    "commune": 200,
    "secretary": 200,
    "member": 403,
    "outsider": 404,
    "unassigned": 404,
}
STUDY_WRITERS_POST = STUDY_WRITERS | {"province": 302, "commune": 302, "secretary": 302}

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
        data={"token": "x"},
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
}


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


@pytest.fixture
def walk_world(world: Any) -> Any:
    from tuyengiao.imports.framework import run_import

    result = run_import(
        [("x.csv", "Mã đơn vị,Tên đơn vị,Loại đơn vị\n".encode())],
        actor=world.users["province"],
        dry_run=False,
    )
    from tuyengiao.imports.models import ImportBatch

    assert result.batch_id is not None
    world.batch = ImportBatch.objects.get(pk=result.batch_id)
    _study_objects(world)
    _presenters(world)
    return world


def _study_objects(world: Any) -> None:
    """study: a campaign of XA1 with a session in CB1, and the same in XA2."""
    import datetime as dt

    from tuyengiao.documents.models import Document
    from tuyengiao.study import services

    document = Document.objects.create(
        system="party",
        kind="Chỉ thị",
        type_code="CT",
        number=35,
        issuer_code="TW",
        symbol="35-CT/TW",
        symbol_key="35-ct/tw",
        title="về tổ chức đại hội đảng bộ các cấp",
    )
    start = dt.date(2025, 9, 1)
    for attr, owner, host, code in (
        ("", world.commune, world.cell, "HN-CB1"),
        ("sibling_", world.sibling_commune, world.sibling_cell, "HN-CB3"),
    ):
        campaign = services.campaign_create(
            actor=None,
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
                actor=None, campaign=campaign, code=code, host=host, date=start
            ),
        )


def _request(client: Any, route: Route, url: str) -> Any:
    if route.method == "post":
        return client.post(url, route.data)
    return client.get(url)


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_route_with_every_persona(name: str, walk_world: Any, client: Any) -> None:
    route = ROUTES[name]
    own_url = reverse(name, kwargs=route.own(walk_world))
    sibling_url = reverse(name, kwargs=route.sibling(walk_world)) if route.sibling else None
    anonymous = _request(client, route, own_url)
    assert anonymous.status_code == 302 and "/dang-nhap/" in anonymous["Location"], name
    for persona in PERSONAS:
        client.force_login(walk_world.users[persona])
        got = _request(client, route, own_url).status_code
        assert got == route.expect[persona], f"{name} as {persona}: {got}"
        if sibling_url and persona not in ("province", "outsider"):  # XA2 is theirs
            got = _request(client, route, sibling_url).status_code
            assert got in (403, 404), f"{name} sibling object as {persona}: {got}"
        client.logout()
