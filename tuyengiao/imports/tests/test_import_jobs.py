"""Imports off the request thread (issues 10.3, 12.6) and upload files (10.9): the upload
request only stores the file and queues a preview; the preview and the commit run as
background tasks with their progress on the page; the stored file is private (0600),
deleted once the commit has run (written or not), after a preview with errors, and after
IMPORT_UPLOAD_TTL_HOURS when never confirmed."""

from __future__ import annotations

import datetime as dt
import io
import os
import stat
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from pytest_django.fixtures import Settings

from tuyengiao.imports import services
from tuyengiao.imports.models import ImportBatch, ImportJob
from tuyengiao.imports.tests.test_bounded_uploads import far_cell_xlsx
from tuyengiao.imports.tests.test_workbook_import import IMMEDIATE, MEMBERS, workbook
from tuyengiao.orgs.models import Member, Unit

pytestmark = pytest.mark.django_db

UNITS = [["CBN", "Chi bộ mới", "XA1", "Chi bộ", "01/07/2025"]]


@pytest.fixture(autouse=True)
def media(settings: Settings, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    return root


def stored_files(media: Path) -> list[Path]:
    folder = media / services.UPLOAD_DIR
    return sorted(folder.iterdir()) if folder.exists() else []


def _file(name: str, data: bytes) -> io.BytesIO:
    upload = io.BytesIO(data)
    upload.name = name
    return upload


def good_book() -> bytes:
    members = [[f"N{r[0]}", *r[1:4], "CBN", *r[5:]] for r in MEMBERS]
    return workbook(UNITS, members)


def _work() -> None:
    """What the task worker does with each queued job (``db_worker`` needs a transaction
    of its own, which this test's transaction does not allow on SQLite)."""
    from tuyengiao.imports.tasks import import_run

    for pk in ImportJob.objects.filter(status=ImportJob.Status.QUEUED).values_list("pk", flat=True):
        import_run.call(job_id=pk)


def test_the_upload_request_only_queues_the_preview_and_the_page_polls(
    client_for: Any, world: Any, media: Path
) -> None:
    client = client_for("commune")
    response = client.post(reverse("imports:upload"), {"file": _file("a.xlsx", good_book())})
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:job", kwargs={"pk": job.pk})
    assert job.status == ImportJob.Status.QUEUED and job.dry_run
    page = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert "every 2s" in page and "Đang chờ" in page

    _work()  # the task worker, not the web request, parses the file
    page = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert "every 2s" not in page and "Xác nhận ghi dữ liệu" in page
    assert "Đảng viên" in page and not Unit.objects.filter(code="CBN").exists()

    response = client.post(reverse("imports:confirm"), {"job": job.pk})
    commit = ImportJob.objects.get(dry_run=False)
    assert response["Location"] == reverse("imports:job", kwargs={"pk": commit.pk})
    _work()
    commit.refresh_from_db()
    assert commit.status == ImportJob.Status.DONE and commit.result["committed"]
    assert Member.objects.filter(code__in=["NDV1", "NDV2", "NDV3"]).count() == 3
    assert stored_files(media) == []  # nothing left once the commit has run


def test_a_job_no_worker_took_for_a_minute_says_so_and_keeps_polling(
    client_for: Any, world: Any, media: Path
) -> None:
    warning = "Chưa có tiến trình nền nào nhận tệp này sau 1 phút"
    client = client_for("commune")
    url = client.post(reverse("imports:upload"), {"file": _file("a.xlsx", good_book())})["Location"]
    fresh = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "Đang chờ" in fresh and warning not in fresh
    ImportJob.objects.update(created_at=timezone.now() - dt.timedelta(seconds=61))
    late = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert warning in late and "every 2s" in late  # the page goes on asking
    _work()
    done = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert warning not in done and "Xác nhận ghi dữ liệu" in done


def test_a_job_whose_worker_died_says_it_stopped_and_stops_polling(
    client_for: Any, world: Any, media: Path, settings: Settings
) -> None:
    """The worker took the job and was killed (out of memory, a restart): django-tasks
    gives the task to no one else, so the job says "Đang chạy" forever unless its page
    tells from the time of its last saved progress."""
    stopped = "Tiến trình nền đã dừng khi đang xử lý tệp này"
    client = client_for("commune")
    url = client.post(reverse("imports:upload"), {"file": _file("a.xlsx", good_book())})["Location"]
    job = ImportJob.objects.get()
    services._save(job, status=ImportJob.Status.RUNNING, progress=40, message="Đang kiểm tra")
    alive = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "every 2s" in alive and stopped not in alive

    ImportJob.objects.update(updated_at=timezone.now() - dt.timedelta(minutes=16))
    dead = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert stopped in dead and "chưa ghi dữ liệu nào" in dead  # a preview writes nothing
    assert "every 2s" not in dead and reverse("imports:upload") in dead
    assert stopped in client.get(url).content.decode()  # the whole page too

    # A longer parse limit than the default leaves a slow worker longer before it is
    # taken for dead: the limit is twice UPLOAD_WALL_SECONDS when that is longer.
    settings.UPLOAD_WALL_SECONDS = 10 * 60
    assert stopped not in client.get(url, HTTP_HX_REQUEST="true").content.decode()
    settings.UPLOAD_WALL_SECONDS = 180
    services._save(job, progress=70, message="Đang thử ghi")  # heard of again
    assert stopped not in client.get(url, HTTP_HX_REQUEST="true").content.decode()


def test_a_hostile_file_is_a_message_on_the_page_and_the_worker_lives(
    client_for: Any, world: Any, settings: Any, media: Path
) -> None:
    settings.TASKS = IMMEDIATE
    client = client_for("commune")
    response = client.post(
        reverse("imports:upload"), {"file": _file("xa.xlsx", far_cell_xlsx())}, follow=True
    )
    assert response.status_code == 422
    assert "1.048.576 dòng × 16.384 cột" in response.content.decode()
    assert stored_files(media) == []  # a preview with errors keeps nothing


def test_stored_uploads_are_private(client_for: Any, world: Any, media: Path) -> None:
    client_for("commune").post(reverse("imports:upload"), {"file": _file("a.xlsx", good_book())})
    files = stored_files(media)
    assert files
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE((media / services.UPLOAD_DIR).stat().st_mode) == 0o700


def test_unconfirmed_uploads_are_purged_by_the_command_and_by_new_uploads(
    client_for: Any, world: Any, media: Path, settings: Any
) -> None:
    settings.IMPORT_UPLOAD_TTL_HOURS = 24
    client = client_for("commune")
    client.post(reverse("imports:upload"), {"file": _file("a.xlsx", good_book())})
    old = stored_files(media)
    day_ago = time.time() - 25 * 3600
    for path in old:
        os.utime(path, (day_ago, day_ago))
    client.post(reverse("imports:upload"), {"file": _file("b.xlsx", good_book())})
    assert not any(p.exists() for p in old)  # purged on the way in
    fresh = stored_files(media)
    assert len(fresh) == 2
    call_command("purge_uploads", stdout=io.StringIO())
    assert stored_files(media) == fresh  # younger than the limit: kept
    for path in fresh:
        os.utime(path, (day_ago, day_ago))
    out = io.StringIO()
    call_command("purge_uploads", stdout=out)
    assert stored_files(media) == [] and "Đã xoá 2 tệp" in out.getvalue()


def test_finished_jobs_and_their_results_are_purged_after_the_limit(
    client_for: Any, world: Any, media: Path, settings: Any
) -> None:
    settings.IMPORT_UPLOAD_TTL_HOURS = 24
    client = client_for("commune")
    now = timezone.now()
    user = world.users["commune"]

    def job(status: str, hours_ago: float | None) -> ImportJob:
        finished = None if hours_ago is None else now - dt.timedelta(hours=hours_ago)
        return ImportJob.objects.create(
            actor=user,
            token="t",
            file_name="a.xlsx",
            status=status,
            finished_at=finished,
            result={"errors": [{"value": "Nguyễn Văn An"}]},
        )

    old_done = job(ImportJob.Status.DONE, 25)
    old_failed = job(ImportJob.Status.FAILED, 30)
    young = job(ImportJob.Status.DONE, 2)
    running = job(ImportJob.Status.RUNNING, None)
    out = io.StringIO()
    call_command("purge_uploads", stdout=out)
    left = set(ImportJob.objects.values_list("pk", flat=True))
    assert left == {young.pk, running.pk}
    assert "2 kết quả kiểm tra, nhập" in out.getvalue()
    page = client.get(reverse("imports:job", kwargs={"pk": old_done.pk}))
    assert page.status_code == 404 and old_failed.pk not in left
    ImportJob.objects.filter(pk=young.pk).update(finished_at=now - dt.timedelta(hours=25))
    client.post(reverse("imports:upload"), {"file": _file("b.xlsx", good_book())})
    left = set(ImportJob.objects.values_list("pk", flat=True))
    assert young.pk not in left and running.pk in left and len(left) == 2  # on the way in


def test_a_commit_that_is_rolled_back_leaves_no_file(
    client_for: Any, world: Any, settings: Any, media: Path, monkeypatch: Any
) -> None:
    settings.TASKS = IMMEDIATE
    client = client_for("commune")
    response = client.post(reverse("imports:upload"), {"file": _file("a.xlsx", good_book())})
    preview = ImportJob.objects.get()
    assert stored_files(media)

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("crash inside the import")

    monkeypatch.setattr(services, "run_import", broken)
    client.post(reverse("imports:confirm"), {"job": preview.pk})  # the task fails
    commit = ImportJob.objects.get(dry_run=False)
    assert commit.status == ImportJob.Status.FAILED and "chưa ghi dữ liệu nào" in commit.message
    assert stored_files(media) == []
    assert not Unit.objects.filter(code="CBN").exists()
    assert response.status_code == 302


def test_confirming_someone_elses_or_a_failed_preview_is_refused(
    client_for: Any, world: Any, settings: Any
) -> None:
    settings.TASKS = IMMEDIATE
    client_for("commune").post(
        reverse("imports:upload"), {"file": _file("xa.xlsx", far_cell_xlsx())}
    )
    failed = ImportJob.objects.get()
    response = client_for("commune").post(reverse("imports:confirm"), {"job": failed.pk})
    assert response.status_code == 302 and ImportJob.objects.count() == 1
    response = client_for("province").post(reverse("imports:confirm"), {"job": failed.pk})
    assert response.status_code == 302 and ImportJob.objects.count() == 1
    page = client_for("province").get(reverse("imports:job", kwargs={"pk": failed.pk}))
    assert page.status_code == 404


def test_the_batch_page_says_what_changed_by_whom_and_when_not_a_hash(
    client_for: Any, world: Any, settings: Any
) -> None:
    settings.TASKS = IMMEDIATE
    client = client_for("province")
    client.post(reverse("imports:upload"), {"file": _file("a.xlsx", good_book())})
    client.post(reverse("imports:confirm"), {"job": ImportJob.objects.get().pk})
    batch = ImportBatch.objects.get()
    page = client.get(reverse("imports:batch", kwargs={"batch_id": batch.pk})).content.decode()
    assert "SHA-256" not in page and batch.file_hash not in page
    assert "Thay đổi theo từng trang" in page and "Đảng viên" in page
    user = world.users["province"]
    assert (user.get_full_name() or user.get_username()) in page
    assert batch.created_at.astimezone().strftime("%d/%m/%Y") in page
