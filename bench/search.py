"""Document search over 10,000 generated documents (issue 3): ``search_p95_ms``.

Generates documents with Vietnamese titles and ~1.500-character bodies (bulk insert, then
``rebuild_search_index``), runs a fixed mix of queries (loose symbols, titles and body
words with and without diacritics, NFD, single prefixes) through
``tuyengiao.documents.search.search`` and reports percentiles. The baseline, in the same
run, is the naive approach: ``icontains`` over the raw title and body columns, which
cannot match across diacritics at all and must scan every row.
"""

from __future__ import annotations

import datetime as dt
import random
import time
import unicodedata
from typing import Any

_WORD_TEXT = (
    "công tác tuyên truyền học tập quán triệt nghị quyết chỉ thị kết luận đảng viên chi "
    "bộ đảng bộ cơ sở xây dựng chỉnh đốn phát triển kinh tế xã hội văn hóa giáo dục khoa "
    "học công nghệ đổi mới sáng tạo chuyển đổi số quốc gia hội nhập quốc tế pháp luật "
    "nhân dân đại đoàn kết toàn dân tộc hòa hợp thủy lợi khỏe mạnh ủy ban tỉnh ủy huyện "
    "ủy xã phường thôn bản dân vận mặt trận tổ quốc thanh niên phụ nữ cựu chiến binh nông "
    "dân công đoàn tư tưởng đạo đức phong cách hồ chí minh chuẩn mực cán bộ lãnh đạo quản "
    "lý kiểm tra giám sát kỷ luật tham nhũng tiêu cực lãng phí bảo vệ nền tảng đấu tranh "
    "phản bác sai trái thù địch an ninh quốc phòng biên giới môi trường du lịch nông "
    "nghiệp nông thôn mới giảm nghèo bền vững y tế dân số việc làm đào tạo nguồn nhân lực "
    "chất lượng cao hạ tầng giao thông đô thị doanh nghiệp tư nhân đầu tư thu hút ngân "
    "sách tài chính kế hoạch chương trình hành động đề án triển khai thực hiện sơ kết "
    "tổng kết báo cáo đánh giá kết quả nhiệm vụ giải pháp mục tiêu chỉ tiêu năm giai đoạn "
    "tầm nhìn đến trong tình hình mới"
)
WORDS = _WORD_TEXT.split()
PARTY = [
    ("NQ", "Nghị quyết"),
    ("CT", "Chỉ thị"),
    ("KL", "Kết luận"),
    ("KH", "Kế hoạch"),
    ("HD", "Hướng dẫn"),
    ("QĐ", "Quy định"),
    ("CTr", "Chương trình"),
    ("BC", "Báo cáo"),
]
ISSUERS = ["TW", "TU", "BTGDVTU", "BTGTU", "ĐU", "VPTW"]
STATE = [("NĐ", "CP", "Nghị định"), ("QĐ", "TTg", "Quyết định"), ("TT", "BTC", "Thông tư")]
N_DOCS = 10_000
N_QUERIES = 300
N_BASELINE = 60


def _generate(rng: random.Random) -> list[Any]:
    from tuyengiao.documents.models import Document
    from tuyengiao.documents.services import symbol_key

    docs = []
    per_pair = len(PARTY) * len(ISSUERS)
    for i in range(N_DOCS):
        day = dt.date(2016, 1, 1) + dt.timedelta(days=rng.randrange(3600))
        title = " ".join(rng.choices(WORDS, k=rng.randint(8, 20))).capitalize()
        body = " ".join(rng.choices(WORDS, k=rng.randint(180, 320)))
        if i % 5 == 4:
            code, issuer, kind = STATE[i % 3]
            number = i // 5 + 1
            symbol = f"{number}/{day.year}/{code}-{issuer}"
            system, year = "state", day.year
        else:
            code, kind = PARTY[i % len(PARTY)]
            issuer = ISSUERS[(i // len(PARTY)) % len(ISSUERS)]
            number = i // per_pair + 1
            symbol = f"{number:02d}-{code}/{issuer}"
            system, year = "party", None
        docs.append(
            Document(
                system=system,
                kind=kind,
                type_code=code,
                number=number,
                issuer_code=issuer,
                year=year,
                issue_date=day,
                symbol=symbol,
                symbol_key=symbol_key(symbol),
                title=title,
                body=body,
            )
        )
    return docs


def _queries(rng: random.Random, docs: list[Any]) -> list[str]:
    from tuyengiao.lib.text import fold

    queries = []
    for n in range(N_QUERIES):
        d = rng.choice(docs)
        kind = n % 8
        if kind in (0, 1):  # a symbol typed loosely
            loose = (
                d.symbol.replace("-", " - ").lower() if kind == 0 else d.symbol.replace("TW", "TƯ")
            )
            queries.append(loose)
        elif kind in (2, 3):  # title words, with or without diacritics
            words = d.title.split()
            start = rng.randrange(max(1, len(words) - 3))
            phrase = " ".join(words[start : start + 3])
            queries.append(fold(phrase) if kind == 3 else phrase)
        elif kind == 4:  # NFD, from a macOS keyboard
            words = d.body.split()
            queries.append(unicodedata.normalize("NFD", " ".join(words[10:12])))
        elif kind == 5:  # body words
            words = d.body.split()
            start = rng.randrange(len(words) - 2)
            queries.append(" ".join(words[start : start + 2]))
        elif kind == 6:  # one common word, as typed (a prefix)
            queries.append(fold(rng.choice(WORDS))[:4])
        else:  # kind and number
            queries.append(f"{d.kind} {d.number}")
    return queries


def measure(ctx: Any) -> dict[str, float | int | str]:
    from django.db.models import Q

    from tuyengiao.documents.models import Document
    from tuyengiao.documents.search import search
    from tuyengiao.documents.services import rebuild_search_index

    from .run import percentile

    rng = random.Random(20251122)
    start = time.perf_counter()
    docs = Document.objects.bulk_create(_generate(rng), batch_size=1000)
    insert_s = time.perf_counter() - start
    start = time.perf_counter()
    rebuild_search_index(docs)
    index_s = time.perf_counter() - start
    if ctx.db == "postgres":
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE documents_documentsearch")
            cursor.execute("ANALYZE documents_document")
    queries = _queries(rng, docs)
    for q in queries[:20]:  # warm caches
        search(q)
    times = []
    first_hit_symbol = 0
    symbol_queries = 0
    for n, q in enumerate(queries):
        t0 = time.perf_counter()
        hits = search(q, limit=20)
        times.append((time.perf_counter() - t0) * 1000)
        if n % 8 in (0, 1):
            symbol_queries += 1
            if hits and hits[0].score >= 4.0:
                first_hit_symbol += 1
    baseline = []
    for q in queries[:N_BASELINE]:
        words = q.split()
        t0 = time.perf_counter()
        qs = Document.objects.all()
        for w in words:
            qs = qs.filter(Q(symbol__icontains=w) | Q(title__icontains=w) | Q(body__icontains=w))
        list(qs.values_list("pk", flat=True)[:20])
        baseline.append((time.perf_counter() - t0) * 1000)
    return {
        "search_docs": N_DOCS,
        "search_queries": len(queries),
        "search_p50_ms": round(percentile(times, 50), 2),
        "search_p95_ms": round(percentile(times, 95), 2),
        "search_max_ms": round(max(times), 2),
        "search_symbol_first_rate": round(first_hit_symbol / max(symbol_queries, 1), 4),
        "search_baseline_icontains_p50_ms": round(percentile(baseline, 50), 2),
        "search_baseline_icontains_p95_ms": round(percentile(baseline, 95), 2),
        "search_insert_s": round(insert_s, 2),
        "search_index_build_s": round(index_s, 2),
    }
