"""The freshness rule of figures computed ahead, on a toy kind."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone
from django_tasks.backends.database.models import DBTaskResult

from tuyengiao.snapshots import services
from tuyengiao.snapshots.models import Snapshot

KIND = "tests.toy"
calls: list[dict[str, Any]] = []


def _toy(params: dict[str, Any]) -> dict[str, Any]:
    calls.append(params)
    return {"double": params["n"] * 2}


@pytest.fixture(autouse=True)
def toy() -> Iterator[None]:
    services.register(KIND, _toy)
    calls.clear()
    yield
    services._KINDS.pop(KIND, None)


def _asked() -> int:
    return DBTaskResult.objects.filter(status="READY").count()


@pytest.mark.django_db(transaction=True)
def test_one_look_asks_once_and_the_worker_answers() -> None:
    first = services.snapshot_shown(KIND, {"n": 21})
    assert first.content is None and first.refreshing
    assert services.snapshot_shown(KIND, {"n": 21}).refreshing and _asked() == 1
    services.snapshot_refresh(snapshot_id=first.snapshot.pk)
    done = services.snapshot_shown(KIND, {"n": 21})
    assert done.content == {"double": 42} and not done.refreshing and calls == [{"n": 21}]
    assert services.snapshot_shown(KIND, {"n": 5}).content is None  # other parameters


@pytest.mark.django_db(transaction=True)
def test_a_silent_worker_is_replaced_after_ten_minutes() -> None:
    services.snapshot_shown(KIND, {"n": 1})
    long_ago = timezone.now() - services.LOST_AFTER - dt.timedelta(seconds=1)
    Snapshot.objects.update(refresh_asked_at=long_ago, refresh_started_at=long_ago)
    assert services.snapshot_shown(KIND, {"n": 1}).refreshing
    assert _asked() == 2  # asked again: the first worker died


@pytest.mark.django_db
def test_snapshots_unused_for_a_week_are_deleted_by_the_next_refresh() -> None:
    old = services.snapshot_shown(KIND, {"n": 1}).snapshot
    Snapshot.objects.filter(pk=old.pk).update(
        computed_at=timezone.now() - services.KEEP - dt.timedelta(hours=1)
    )
    new = services.snapshot_shown(KIND, {"n": 2}).snapshot
    services.snapshot_refresh(snapshot_id=new.pk)
    assert list(Snapshot.objects.values_list("pk", flat=True)) == [new.pk]


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(LookupError):
        services.snapshot_shown("tests.nothing", {})
