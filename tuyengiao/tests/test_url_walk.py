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
from tuyengiao.tests import factories

PERSONAS = ["province", "commune", "secretary", "member", "outsider", "unassigned"]
PUBLIC = {"login", "logout"}


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
        _contests(world)
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
    return client.get(url)


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
    "contests:bank_new",
    "contests:contest_new",
    "contests:public",
    "documents:create",
    "documents:edit",
    "imports:upload",
    "orgs:official_list",
    "orgs:member_edit",
    "orgs:unit_edit",
    "orgs:unit_structure",
    "presenters:edit",
    "presenters:new",
    "reports:new",
    "study:campaign_new",
    "study:scan",
    "study:session_new",
    "trust:enrol",
    "trust:password_change",
    "trust:verify",
}


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_wrong_method_is_405(name: str, walk_world: Any, db: Any, client: Any) -> None:
    """A method the route does not answer is refused before the view runs."""
    route = ROUTES[name]
    url = reverse(name, kwargs=route.own(walk_world))
    client.force_login(walk_world.users["province"])
    wrong = ["delete", "put"]
    if name not in FORMS:
        wrong.append("get" if route.method == "post" else "post")
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


def _add_questions(w: Any, k: int, start: int) -> None:
    from tuyengiao.contests import services
    from tuyengiao.contests.models import QuestionBank

    text = "\n\n".join(f"Câu đếm {i}?\nA. Một\nB. Hai\nĐáp án: A" for i in range(start, start + k))
    bank = QuestionBank.objects.get(code="NH-W")
    services.questions_import(actor=SYSTEM, bank=bank, name="dem.txt", data=text.encode())


# list page -> (how to add rows, text of the last row added, when the page shows it)
LISTS: dict[str, tuple[Callable[[Any, int, int], None], str | None]] = {
    "documents:list": (_add_documents, "Kế hoạch đếm 8"),
    "study:campaigns": (_add_campaigns, "Học tập đếm 8"),
    "study:campaign": (_add_sessions, "HN-Q008"),
    "study:session": (_add_present, None),  # counts, not names
    "study:grid": (_add_members, "Nguyễn Văn Đếm 8"),
    "orgs:tree": (_add_communes, "Đảng ủy xã đếm 8"),  # the first level is open
    "orgs:unit": (_add_cells, "Chi bộ đếm 8"),
    "presenters:roster": (_add_presenters, "Lò Văn Đếmi"),
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
    url = reverse(name, kwargs=route.own(walk_world))
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
