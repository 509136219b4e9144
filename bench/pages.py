"""The pages a province's (or the country's) staff open, on the benchmark data,
through the whole Django stack (the test client: every middleware, the session, the
two-factor check with a confirmed device): HTML size and server time of each, against
the empty view of ``bench/urls.py`` measured in the same run.

Budget (issue 13): every page <= 200 KB and <= 300 ms at national scale. Keys:
``pages.<name>_kb``, ``pages.<name>_ms`` (median of the runs), and
``pages.worst_kb`` / ``pages.worst_ms`` / ``pages.worst_ms_vs_empty``; and what the
per-unit member counts behind home and the unit page cost to keep:
``pages.member_counts_refresh_ms`` (every unit with members recomputed, as an import into
all of them adds to its transaction) beside ``pages.member_counts_rebuild_ms``.

A large unit's dashboard (the root's, at province and national scale) is served from
the snapshot the task worker computes (``snapshots``, ``reports/dashboard.py``): the run first opens
the page (which asks for it), computes it as the worker would, in this process, and
reports how long that took (``pages.<name>_snapshot_s``), then times the page as every
other; the campaign pages of a large unit likewise. The page never computes the figures in the request, so its time is
the page's, and the computation's is the freshness a user gets.
"""

from __future__ import annotations

from typing import Any

RUNS = 5


def _client(root: Any) -> Any:
    from django.contrib.auth.models import User
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tuyengiao.orgs import services
    from tuyengiao.orgs.access import SYSTEM
    from tuyengiao.orgs.models import Role

    user, _ = User.objects.get_or_create(username="bench-pages")
    services.assignment_set(actor=SYSTEM, user=user, unit=root, role=Role.PROVINCE_STAFF)
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id  # the second factor passed
    session.save()
    return client


def _api_client(root: Any) -> Any:
    """A client calling the API with a read-only key of the root's staff."""
    from django.contrib.auth.models import User
    from django.test import Client

    from tuyengiao.api import keys

    user = User.objects.get(username="bench-pages")
    _, text = keys.key_create(actor=user, name="bench", unit=root, can_write=False, days=1)
    return Client(HTTP_AUTHORIZATION=f"Bearer {text}")


def _pages(root: Any) -> dict[str, str]:
    from django.db.models import Count
    from django.urls import reverse

    from tuyengiao.orgs.models import Unit
    from tuyengiao.study.models import Campaign, Session

    child = Unit.objects.filter(parent=root).order_by("pk").first()
    campaign = Campaign.objects.order_by("pk").first()
    conference = (
        Session.objects.filter(main__isnull=True)
        .annotate(n=Count("bridge_points"))
        .order_by("-n", "pk")
        .first()
    )
    pages = {
        "empty": "/bench/empty/",
        "home": reverse("home"),
        "tree": reverse("orgs:tree"),
        "unit_root": reverse("orgs:unit", args=[root.code]),
        "unit_children": reverse("orgs:unit_children", args=[root.code]),
        "unit_search": reverse("orgs:unit_picker_search") + "?q=phuong",
        "campaigns": reverse("study:campaigns"),
        "dashboard_root": reverse("reports:unit", args=[root.code]),
        "accounts_root": reverse("orgs:unit_accounts", args=[root.code]),
        "accounts_root_none": reverse("orgs:unit_accounts", args=[root.code]) + "?loc=chua-co",
        # the API with a key of the root's staff: a page of 500, far into the list
        "api_units": "/api/v1/units?limit=500&offset=2000",
        "api_sessions": "/api/v1/sessions?limit=500&offset=10000",
    }
    if child is not None:
        pages["unit_child"] = reverse("orgs:unit", args=[child.code])
    if campaign is not None:
        pages["campaign"] = reverse("study:campaign", args=[campaign.pk])
        if child is not None:
            pages["campaign_child"] = (
                reverse("study:campaign", args=[campaign.pk]) + f"?don_vi={child.code}"
            )
    if conference is not None:
        pages["conference"] = reverse("study:session", args=[conference.code])
    return pages


def measure(ctx: Any) -> dict[str, Any]:
    import time

    from django.test.utils import override_settings

    from bench.synthetic import dataset
    from tuyengiao.orgs.models import Unit

    data = dataset(ctx)
    root = Unit.objects.get(pk=data.root_id)
    out: dict[str, Any] = {}
    with override_settings(ROOT_URLCONF="bench.urls", ALLOWED_HOSTS=["testserver"]):
        client = _client(root)
        api = _api_client(root)
        pages = _pages(root)
        out.update(_snapshots(client, pages))
        medians: dict[str, float] = {}
        for name, url in pages.items():
            caller = api if name.startswith("api_") else client
            response = caller.get(url)  # warm
            if response.status_code != 200:
                raise AssertionError(f"{name} {url}: {response.status_code}")
            times = []
            for _ in range(RUNS):
                start = time.perf_counter()
                response = caller.get(url)
                times.append(time.perf_counter() - start)
            medians[name] = sorted(times)[RUNS // 2]
            out[f"pages.{name}_kb"] = round(len(response.content) / 1024, 1)
            out[f"pages.{name}_ms"] = round(medians[name] * 1000, 1)
    real = {k: v for k, v in medians.items() if k != "empty"}
    worst = max(real, key=lambda k: real[k])
    biggest = max(real, key=lambda k: out[f"pages.{k}_kb"])
    out["pages.worst_ms"] = f"{out[f'pages.{worst}_ms']} ({worst})"
    out["pages.worst_ms_vs_empty"] = round(real[worst] / medians["empty"], 1)
    out["pages.worst_kb"] = f"{out[f'pages.{biggest}_kb']} ({biggest})"
    out.update(_member_counts())
    return out


def _snapshots(client: Any, pages: dict[str, str]) -> dict[str, Any]:
    """Open each page that may show a large unit's figures (which asks for its
    snapshot) and compute what it asked for as the worker would, timed."""
    import time

    from tuyengiao.snapshots import services
    from tuyengiao.snapshots.models import Snapshot

    out: dict[str, Any] = {}
    Snapshot.objects.all().delete()  # an earlier run's (BENCH_REUSE): each page asks anew
    for name in ("dashboard_root", "campaign", "campaign_child"):
        url = pages.get(name)
        if url is None:
            continue
        if client.get(url).status_code != 200:
            raise AssertionError(f"{name} {url}: not 200")
        asked = list(Snapshot.objects.filter(refresh_asked_at__isnull=False))
        if not asked:
            out[f"pages.{name}_snapshot_s"] = "live (a small unit)"
            continue
        start = time.perf_counter()
        for snapshot in asked:
            services.snapshot_refresh(snapshot_id=snapshot.pk)
        out[f"pages.{name}_snapshot_s"] = round(time.perf_counter() - start, 1)
        for snapshot in asked:
            snapshot.refresh_from_db()
            if snapshot.computed_at is None:
                raise AssertionError(f"{name}: snapshot {snapshot.pk} failed: {snapshot.error}")
        if "Số liệu tổng hợp lúc" not in client.get(url).content.decode():
            raise AssertionError(f"{name} {url}: the snapshot is not shown")
        # the check's look may ask again (a computation longer than the max age):
        # the next page's timing counts only its own
        Snapshot.objects.update(refresh_asked_at=None)
    return out


def _member_counts() -> dict[str, Any]:
    import time

    from django.db import transaction

    from tuyengiao.orgs.models import Membership
    from tuyengiao.study import unit_members

    units = sorted(set(Membership.objects.values_list("unit_id", flat=True)))
    start = time.perf_counter()
    with transaction.atomic():
        unit_members.units_refresh(units)
    refresh = time.perf_counter() - start
    start = time.perf_counter()
    with transaction.atomic():
        unit_members.rebuild()
    rebuild = time.perf_counter() - start
    return {
        "pages.member_counts_units": len(units),
        "pages.member_counts_refresh_ms": round(refresh * 1000, 1),
        "pages.member_counts_rebuild_ms": round(rebuild * 1000, 1),
    }
