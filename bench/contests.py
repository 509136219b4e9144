"""The contest's answer endpoint under load: a real gunicorn server on the bench
database and 200 concurrent keep-alive clients, each a public participant (no account,
the participant's cookie) answering the questions of its own attempt one POST at a
time through the full Django stack (``POST /cuoc-thi/bai/<key>/tra-loi/``), then
resending its first answer (idempotent).

Reports ``contest_answers_per_s`` (acknowledged answers per second), ``contest_lost``
(answers acknowledged whose row is missing or holds another choice: must be 0),
``contest_vs_empty`` (answers per second ÷ requests per second of an empty Django
view, same server, same cookies, measured before and after in the same run) and the
latency percentiles. Run: ``python -m bench.run --db postgres --only contests``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import secrets
import signal
from typing import Any
from urllib.parse import urlencode

from tuyengiao.orgs.access import SYSTEM

CLIENTS = 200
PER_CLIENT = {"small": 20, "province": 40, "national": 60}


def _setup(per_client: int) -> dict[str, Any]:
    from django.utils import timezone

    from tuyengiao.contests import services
    from tuyengiao.contests.models import Question
    from tuyengiao.documents.models import Document
    from tuyengiao.orgs import services as org_services

    province = org_services.unit_create(actor=SYSTEM, code="C-TINH", name="Tỉnh", kind="Tỉnh ủy")
    commune = org_services.unit_create(
        actor=SYSTEM, code="C-XA", name="Xã", kind="Đảng ủy xã", parent=province
    )
    Document.objects.create(
        system="party",
        kind="Nghị quyết",
        type_code="NQ",
        number=57,
        issuer_code="TW",
        symbol="57-NQ/TW",
        symbol_key="57-nq/tw",
        title="Thử tải",
        body="\n".join(f"Đoạn {i}." for i in range(1, 61)),
    )
    bank = services.bank_create(actor=SYSTEM, code="C-NH", name="Thử tải", unit=province)
    aiken = "\n\n".join(
        f"Câu hỏi thử số {i}?\nA. Một\nB. Hai\nC. Ba\nD. Bốn\nĐáp án: {'ABCD'[i % 4]}\n"
        f"Nguồn: 57-NQ/TW, đoạn {i}"
        for i in range(1, per_client + 1)
    )
    services.questions_import(actor=SYSTEM, bank=bank, name="b.txt", data=aiken.encode())
    services.questions_set_status(actor=SYSTEM, bank=bank, status="da_duyet")
    assert Question.objects.filter(bank=bank).count() == per_client
    contest = services.contest_create(
        actor=SYSTEM,
        code="C-THI",
        title="Thử tải",
        unit=province,
        bank=bank,
        audience="cong_khai",
        units=[commune],
        questions_per_attempt=per_client,
    )
    now = timezone.now()
    rnd = services.round_create(
        actor=SYSTEM,
        contest=contest,
        opens_at=now - dt.timedelta(minutes=5),
        closes_at=now + dt.timedelta(hours=3),
        time_limit_seconds=3 * 3600 - 600,
    )
    attempts = []
    for c in range(CLIENTS):
        participant = services.participant_public(
            actor=SYSTEM, contest=contest, full_name=f"Người thử {c}", unit_code="C-XA"
        )
        attempt = services.attempt_start(actor=SYSTEM, round_=rnd, participant=participant)
        attempts.append((attempt, participant.token))
    return {"attempts": attempts}


def _post(key: str, token: str, csrf: str, q: int, c: int, s: int) -> bytes:
    body = urlencode({"q": q, "c": c, "s": s}).encode()
    return (
        f"POST /cuoc-thi/bai/{key}/tra-loi/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Cookie: tg_thi_sinh={token}; csrftoken={csrf}\r\nX-CSRFToken: {csrf}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body


def _empty(token: str, csrf: str) -> bytes:
    return (
        "GET /bench/empty/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Cookie: tg_thi_sinh={token}; csrftoken={csrf}\r\n\r\n"
    ).encode()


def measure(ctx: Any) -> dict[str, Any]:
    from bench.checkin import THREADS, WORKERS, _free_port, _load, start_server
    from bench.run import percentile
    from tuyengiao.contests.models import Answer

    per_client = PER_CLIENT.get(ctx.scale, 20)
    data = _setup(per_client)
    csrf = secrets.token_hex(16)
    # Each client answers its attempt's questions in the frozen order with a choice
    # known here, then resends its first answer.
    expected: dict[tuple[int, int], int] = {}
    jobs = []
    for attempt, token in data["attempts"]:
        requests = []
        for s, (qid, order) in enumerate(attempt.layout, start=1):
            choice = (attempt.pk + qid) % len(order)
            expected[(attempt.pk, qid)] = choice
            requests.append(_post(attempt.key, token, csrf, qid, choice, s))
        requests.append(requests[0])  # the resend: harmless, and newer seq wins anyway
        jobs.append(requests)
    tokens = [token for _, token in data["attempts"]]
    port = _free_port()
    proc = start_server(
        port,
        ctx.database_url,
        [
            "--worker-class",
            "gthread",
            "--threads",
            str(THREADS),
            "--keep-alive",
            "30",
            "--backlog",
            "2048",
        ],
        workers=WORKERS,
        env={"CONN_MAX_AGE": "600"},
    )
    try:
        asyncio.run(_load(port, [[_empty(tokens[0], csrf)] * 5 for _ in range(20)]))
        empty_jobs = [[_empty(tokens[c], csrf)] * (per_client + 1) for c in range(CLIENTS)]
        _, before_status, before_wall = asyncio.run(_load(port, empty_jobs))
        latencies, statuses, wall = asyncio.run(_load(port, jobs))
        _, after_status, after_wall = asyncio.run(_load(port, empty_jobs))
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    empty_before = sum(1 for s in before_status if s == 200) / before_wall
    empty_after = sum(1 for s in after_status if s == 200) / after_wall
    empty_per_s = (empty_before + empty_after) / 2
    acknowledged = sum(1 for s in statuses if s == 200)
    saved = {
        (a, q): c
        for a, q, c in Answer.objects.filter(
            attempt_id__in=[a.pk for a, _ in data["attempts"]]
        ).values_list("attempt_id", "question_id", "choice")
    }
    # Every request is acknowledged or not; an acknowledged answer must be saved as sent.
    lost = sum(1 for key, choice in expected.items() if saved.get(key) != choice)
    per_s = acknowledged / wall
    return {
        "contest_requests": len(statuses),
        "contest_acknowledged": acknowledged,
        "contest_errors": len(statuses) - acknowledged,
        "contest_answers_saved": len(saved),
        "contest_lost": lost if acknowledged == len(statuses) else f"{lost} (errors above)",
        "contest_answers_per_s": round(per_s, 1),
        "contest_p50_ms": round(percentile(latencies, 50) * 1000, 1),
        "contest_p99_ms": round(percentile(latencies, 99) * 1000, 1),
        "contest_empty_per_s": round(empty_per_s, 1),
        "contest_empty_before_after": f"{empty_before:.0f} / {empty_after:.0f}",
        "contest_vs_empty": round(per_s / empty_per_s, 3) if empty_per_s else 0.0,
        "contest_server": f"gunicorn gthread {WORKERS}x{THREADS}, {CLIENTS} clients",
    }
