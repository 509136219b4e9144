"""The copy check of essays (issue 15): ``similar_rows_per_s``, ``similar_pairs_ratio``
and the candidate step's recall.

N essays of ~800 words in one campaign (``BENCH_ESSAYS``, default by scale: small 1.000,
province 2.000, national 10.000), built from a pool of generated Vietnamese sentences
(two essays share a sentence or two by chance), each quoting passages of the
campaign's resolution, and 6% of them copied in part from another essay (containment
from 0,3 to 1, some rewritten in the other tone-mark style). They are stored as essays
handed in, and ``services.similarity_run`` — read, normalise, shingle, remove the
quotations, MinHash/LSH candidates, exact containment, passages, write the pairs — is
timed end to end: ``similar_rows_per_s`` = N / seconds.

The baseline, in the same run and on the same shingle sets, is the all-pairs exact
comparison (every pair's set intersection): ``similar_pairs_ratio`` = its seconds
(plus the same preparation) / the end-to-end seconds. ``similar_recall`` is the share of
the pairs whose exact containment is at least 0,5 that the candidate step finds.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import time
from typing import Any

SIZES = {"small": 1_000, "province": 2_000, "national": 10_000}
SYLLABLES = [
    "công",
    "tác",
    "tuyên",
    "truyền",
    "học",
    "tập",
    "quán",
    "triệt",
    "nghị",
    "quyết",
    "chỉ",
    "thị",
    "kết",
    "luận",
    "đảng",
    "viên",
    "chi",
    "bộ",
    "đảng",
    "bộ",
    "cơ",
    "sở",
    "xây",
    "dựng",
    "chỉnh",
    "đốn",
    "phát",
    "triển",
    "kinh",
    "tế",
    "xã",
    "hội",
    "văn",
    "hóa",
    "giáo",
    "dục",
    "khoa",
    "học",
    "công",
    "nghệ",
    "đổi",
    "mới",
    "sáng",
    "tạo",
    "chuyển",
    "đổi",
    "số",
    "quốc",
    "gia",
    "hội",
    "nhập",
    "quốc",
    "tế",
    "pháp",
    "luật",
    "nhân",
    "dân",
    "đại",
    "đoàn",
    "kết",
    "toàn",
    "dân",
    "tộc",
    "hòa",
    "hợp",
    "thủy",
    "lợi",
    "khỏe",
    "mạnh",
    "ủy",
    "ban",
    "tỉnh",
    "huyện",
    "xã",
    "phường",
    "thôn",
    "bản",
    "dân",
    "vận",
    "mặt",
    "trận",
    "tổ",
    "quốc",
    "thanh",
    "niên",
    "phụ",
    "nữ",
    "cựu",
    "chiến",
    "binh",
    "nông",
    "dân",
    "công",
    "đoàn",
    "tư",
    "tưởng",
    "đạo",
    "đức",
    "phong",
    "cách",
    "hồ",
    "chí",
    "minh",
    "chuẩn",
    "mực",
    "cán",
    "bộ",
    "lãnh",
    "đạo",
    "quản",
    "lý",
    "kiểm",
    "tra",
    "giám",
    "sát",
    "kỷ",
    "luật",
    "tham",
    "nhũng",
    "tiêu",
    "cực",
    "lãng",
    "phí",
    "bảo",
    "vệ",
    "nền",
    "tảng",
    "đấu",
    "tranh",
    "phản",
    "bác",
    "sai",
    "trái",
    "an",
    "ninh",
    "quốc",
    "phòng",
    "biên",
    "giới",
    "môi",
    "trường",
    "du",
    "lịch",
    "nông",
    "nghiệp",
    "mới",
    "giảm",
    "nghèo",
    "bền",
    "vững",
    "y",
    "tế",
    "dân",
    "số",
    "việc",
    "làm",
    "đào",
    "tạo",
    "nguồn",
    "nhân",
    "lực",
    "chất",
    "lượng",
    "cao",
    "hạ",
    "tầng",
    "giao",
    "thông",
    "đô",
    "thị",
    "doanh",
    "nghiệp",
    "tư",
    "nhân",
    "đầu",
    "tư",
    "thu",
    "hút",
    "ngân",
    "sách",
    "tài",
    "chính",
    "kế",
    "hoạch",
    "chương",
    "trình",
    "hành",
    "động",
    "đề",
    "án",
    "triển",
    "khai",
    "thực",
    "hiện",
    "sơ",
    "kết",
    "tổng",
    "kết",
    "báo",
    "cáo",
    "đánh",
    "giá",
    "kết",
    "quả",
    "nhiệm",
    "vụ",
    "giải",
    "pháp",
    "mục",
    "tiêu",
    "chỉ",
    "tiêu",
    "năm",
    "giai",
    "đoạn",
    "tầm",
    "nhìn",
    "đến",
    "trong",
    "tình",
    "hình",
    "gia",
    "đình",
    "bà",
    "con",
    "chè",
    "mận",
    "lúa",
    "ngô",
    "trâu",
    "bò",
    "rừng",
    "suối",
    "điện",
    "thoại",
    "mạng",
    "ứng",
    "dụng",
    "tài",
    "khoản",
    "ngân",
    "hàng",
    "trường",
    "lớp",
    "học",
    "sinh",
    "thầy",
    "cô",
    "bác",
    "sĩ",
    "trạm",
    "nhà",
    "văn",
    "hóa",
    "tôi",
    "chúng",
    "ta",
    "mỗi",
    "người",
    "cần",
    "phải",
    "sẽ",
    "đã",
    "đang",
    "được",
    "có",
    "không",
    "và",
    "với",
    "cho",
    "của",
    "những",
    "các",
    "một",
    "hai",
    "ba",
    "bốn",
    "năm",
    "sáu",
    "bảy",
    "tám",
]
WORDS_PER_ESSAY = 800
COPIED_SHARE = 0.06


def _sentence(rng: random.Random) -> str:
    words = rng.choices(SYLLABLES, k=rng.randint(10, 20))
    return " ".join(words).capitalize() + "."


def _old_tone_style(text: str) -> str:
    return text.replace("hòa", "hoà").replace("thủy", "thuỷ").replace("khỏe", "khoẻ")


def generate(n: int, rng: random.Random) -> tuple[str, list[str]]:
    """The resolution's text and ``n`` essays."""
    resolution = " ".join(_sentence(rng) for _ in range(200))
    res_words = resolution.split()
    pool = [_sentence(rng) for _ in range(max(4000, n // 2))]
    essays: list[str] = []
    for _ in range(n):
        parts: list[str] = []
        words = 0
        for _q in range(rng.randint(0, 3)):  # quotations of the resolution
            start = rng.randrange(len(res_words) - 80)
            quote = " ".join(res_words[start : start + rng.randint(30, 80)])
            parts.append(quote)
            words += len(quote.split())
        while words < WORDS_PER_ESSAY:
            s = rng.choice(pool) if rng.random() < 0.3 else _sentence(rng)
            parts.append(s)
            words += len(s.split())
        rng.shuffle(parts)
        essays.append(" ".join(parts))
    for i in rng.sample(range(n), int(n * COPIED_SHARE)):
        src = essays[rng.randrange(n)].split()
        keep = rng.uniform(0.3, 1.0)
        cut = int(len(src) * keep)
        start = rng.randrange(0, len(src) - cut + 1)
        fresh = " ".join(_sentence(rng) for _ in range((len(src) - cut) // 14 + 1)).split()
        copy = src[start : start + cut]
        text = " ".join(fresh[: len(fresh) // 2] + copy + fresh[len(fresh) // 2 :])
        essays[i] = _old_tone_style(text) if rng.random() < 0.5 else text
    return resolution, essays


def _store(resolution: str, essays: list[str]) -> Any:
    """One campaign whose essay requirement has the essays handed in."""
    from django.utils import timezone

    from tuyengiao.essays import services
    from tuyengiao.essays.models import Essay, SimilarityRun
    from tuyengiao.lib.text import collation_key, fold
    from tuyengiao.orgs import services as org_services
    from tuyengiao.orgs.access import SYSTEM
    from tuyengiao.orgs.models import Member
    from tuyengiao.study import services as study_services
    from tuyengiao.tests import factories

    unit = org_services.unit_create(
        actor=SYSTEM, code="BENCH-ESSAYS", name="Đảng bộ Đo bài thu hoạch", kind="Đảng ủy xã"
    )
    document = factories.document("999-NQ/TW", "Nghị quyết đo", body=resolution)
    start = dt.date(2025, 8, 1)
    campaign = study_services.campaign_create(
        actor=SYSTEM,
        title="Đo kiểm tra trùng lặp",
        documents=[document],
        owner=unit,
        start=start,
        deadline=dt.date(2025, 12, 31),
    )
    req = services.requirement_save(
        actor=SYSTEM,
        campaign=campaign,
        document=document,
        deadline=dt.datetime(2025, 12, 31, 16, 59, tzinfo=dt.UTC),
    )
    members = Member.objects.bulk_create(
        [
            Member(
                code=f"BE{i:06d}",
                given_name=f"Đo {i}",
                sort_key=collation_key(f"Đo {i}"),
                search_key=" " + fold(f"Đo {i}"),
            )
            for i in range(len(essays))
        ],
        batch_size=2000,
    )
    now = timezone.now()
    Essay.objects.bulk_create(
        [
            Essay(
                requirement=req,
                document=document,
                member=m,
                unit=unit,
                text=text,
                submitted_at=now,
                submitted_on=now.date(),
            )
            for m, text in zip(members, essays, strict=True)
        ],
        batch_size=1000,
    )
    return req, SimilarityRun.objects.create(requirement=req)


def measure(ctx: Any) -> dict[str, float | int | str]:
    from tuyengiao.essays import services, similarity
    from tuyengiao.essays.models import SimilarPair

    n = int(os.environ.get("BENCH_ESSAYS", SIZES[ctx.scale]))
    rng = random.Random(15)
    resolution, essays = generate(n, rng)
    req, run = _store(resolution, essays)
    # The task worker imports datasketch (and its SciPy) once, ~2 s here; a run then
    # pays nothing for it, so neither does the measured one.
    import datasketch  # noqa: F401

    start = time.perf_counter()
    services.similarity_run(run_id=run.pk)
    end_to_end = time.perf_counter() - start
    run.refresh_from_db()
    assert run.status == "done", run.message

    figures: dict[str, float | int | str] = {
        "similar_essays": n,
        "similar_end_to_end_s": round(end_to_end, 2),
        "similar_rows_per_s": round(n / end_to_end, 1),
        "similar_flagged_stored": SimilarPair.objects.filter(requirement=req, flagged=True).count(),
    }
    if os.environ.get("BENCH_ESSAYS_ALL_PAIRS", "1") == "0":
        return figures  # the N² baseline skipped (an hour at 10.000 essays)

    # the baseline on the same sets: preparation, then every pair compared exactly
    start = time.perf_counter()
    excluded = similarity.excluded_shingles(services.quoted_texts(req))
    prepared = [similarity.prepare(str(i), t, excluded) for i, t in enumerate(essays)]
    prepare_s = time.perf_counter() - start
    start = time.perf_counter()
    exact = similarity.exact_all_pairs(prepared, at_least=similarity.SHOWN)
    all_pairs_s = time.perf_counter() - start
    start = time.perf_counter()
    candidates = similarity.candidate_pairs(prepared)
    candidates_s = time.perf_counter() - start
    half = [p for p, score in exact.items() if score >= 0.5]
    found = sum(1 for p in half if p in candidates)
    flagged_exact = sum(1 for score in exact.values() if score >= similarity.FLAG_AT)
    baseline = prepare_s + all_pairs_s
    return figures | {
        "similar_all_pairs_s": round(baseline, 2),
        "similar_pairs_ratio": round(baseline / end_to_end, 2),
        "similar_candidates": len(candidates),
        "similar_candidates_s": round(candidates_s, 2),
        "similar_pairs_at_half": len(half),
        "similar_recall": round(found / len(half), 4) if half else float("nan"),
        "similar_flagged_exact": flagged_exact,
    }
