"""One search box over documents, whatever the spelling.

The query and the stored text are folded the same way (``tuyengiao.lib.text.fold``: NFC
or NFD, old or new tone placement, with or without diacritics, ``Ð``/``Đ``, any case all
give the same key), so the database only compares plain words.

Ranking, in tiers (the score's integer part):

4. the query is a symbol, however loosely typed (``57 - nq/tw``, ``57-NQ/TƯ``,
   ``Nghị quyết số 57-NQ/TW``): documents with exactly that symbol;
3. a bare reference (``Nghị quyết 57``, ``Đề án 06``) or a partial symbol (``57-nq``,
   ``nq/tw``, ``57``): documents whose symbol matches;
2. every word of the query is in the title;
1. every word is somewhere in the symbol, title, body or attachments.

The last word is matched as a prefix (search as you type). Within a tier the fraction is
the engine's relevance (FTS5 ``bm25`` on SQLite, ``ts_rank`` on PostgreSQL), except that
a query matching more than ``RANK_CAP`` bodies lists its body-only hits newest first.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from django.db import connection

from tuyengiao.lib.numbers import is_digits
from tuyengiao.lib.refs import parse_symbol
from tuyengiao.lib.text import fold

from .models import Document, DocumentSearch
from .services import symbol_key

_WORD = re.compile(r"\w+")
_PARTIAL_SYMBOL = re.compile(r"[0-9a-z]+(?:[-/][0-9a-z]*)+|[0-9]+|[-/][0-9a-z]+(?:[-/][0-9a-z]+)*")
MAX_WORDS = 12
# Above this many matches, body hits are listed newest first instead of by relevance:
# ranking thousands of bodies costs more than the 50 ms budget and tells the user little.
RANK_CAP = 1000


@dataclass(frozen=True)
class Hit:
    document_id: int
    score: float


def _squash(x: float) -> float:
    """Any non-negative relevance into [0, 1)."""
    x = max(0.0, x)
    return round(x / (1.0 + x), 4)


def _symbol_hits(query: str, limit: int) -> dict[int, float]:
    hits: dict[int, float] = {}
    ref = parse_symbol(query)
    if ref is not None and ref.system != "bare":
        for pk in Document.objects.filter(symbol_key=symbol_key(ref.symbol)).values_list(
            "pk", flat=True
        )[:limit]:
            hits[pk] = 4.0
        return hits
    if ref is not None:  # bare: kind and number
        codes = {ref.type} | ({"QĐi", "QyĐ"} if ref.type == "QĐ" else set())
        for pk in Document.objects.filter(number=ref.number, type_code__in=codes).values_list(
            "pk", flat=True
        )[:limit]:
            hits[pk] = 3.5
        return hits
    compact = fold(query).replace(" ", "")
    if not _PARTIAL_SYMBOL.fullmatch(compact):
        return hits
    if is_digits(compact):
        rows = DocumentSearch.objects.filter(
            symbol_fold__regex=rf"^0*{int(compact)}[-/]"
        ).values_list("document_id", "symbol_fold")
    else:
        rows = DocumentSearch.objects.filter(symbol_fold__contains=compact).values_list(
            "document_id", "symbol_fold"
        )
    for pk, folded in rows[:limit]:
        # a closer match (shorter symbol around the same query) ranks first
        hits[pk] = 3.0 + round(len(compact) / max(len(folded), 1) * 0.99, 4)
    return hits


def _words(query: str) -> list[str]:
    return _WORD.findall(fold(query))[:MAX_WORDS]


def _merge(
    title_rows: list[tuple[int, float]], all_rows: list[tuple[int, float]], limit: int
) -> dict[int, float]:
    hits = {pk: 2.0 + _squash(rel) for pk, rel in title_rows}
    for pk, rel in all_rows:
        if pk not in hits and len(hits) < limit:
            hits[pk] = 1.0 + _squash(rel)
    return hits


def _text_hits_sqlite(words: list[str], limit: int) -> dict[int, float]:
    terms = " ".join([f'"{w}"' for w in words[:-1]] + [f'"{words[-1]}"*'])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rowid, -bm25(documents_fts, 0.0, 1.0, 0.0) FROM documents_fts "
            "WHERE documents_fts MATCH %s ORDER BY 2 DESC, rowid DESC LIMIT %s",
            [f"title : ({terms})", limit],
        )
        title_rows = cursor.fetchall()
        if len(title_rows) >= limit:
            return _merge(title_rows, [], limit)
        want = limit + len(title_rows)
        cursor.execute(
            "SELECT count(*) FROM (SELECT rowid FROM documents_fts WHERE documents_fts MATCH %s "
            "LIMIT %s)",
            [terms, RANK_CAP + 1],
        )
        if cursor.fetchone()[0] <= RANK_CAP:
            cursor.execute(
                "SELECT rowid, -bm25(documents_fts, 2.0, 10.0, 1.0) FROM documents_fts "
                "WHERE documents_fts MATCH %s ORDER BY 2 DESC, rowid DESC LIMIT %s",
                [terms, want],
            )
        else:  # too broad to rank usefully: the newest registered first
            cursor.execute(
                "SELECT rowid, 0.0 FROM documents_fts WHERE documents_fts MATCH %s "
                "ORDER BY rowid DESC LIMIT %s",
                [terms, want],
            )
        return _merge(title_rows, cursor.fetchall(), limit)


def _text_hits_postgresql(words: list[str], limit: int) -> dict[int, float]:
    tsquery = " & ".join([f"'{w}'" for w in words[:-1]] + [f"'{words[-1]}':*"])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT document_id, ts_rank(title_tsv, q) * 10 FROM documents_documentsearch, "
            "to_tsquery('simple', %s) AS q WHERE title_tsv @@ q ORDER BY 2 DESC, document_id DESC LIMIT %s",
            [tsquery, limit],
        )
        title_rows = cursor.fetchall()
        if len(title_rows) >= limit:
            return _merge(title_rows, [], limit)
        want = limit + len(title_rows)
        # Counting the matches would read (detoast) every matching body vector; the
        # planner's estimate from the column statistics is enough to tell broad from narrow.
        cursor.execute(
            "EXPLAIN (FORMAT JSON) SELECT 1 FROM documents_documentsearch "
            "WHERE doc_tsv @@ to_tsquery('simple', %s)",
            [tsquery],
        )
        plan = cursor.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        if plan[0]["Plan"]["Plan Rows"] <= RANK_CAP:
            cursor.execute(
                "SELECT document_id, ts_rank(doc_tsv, q) * 10 FROM documents_documentsearch, "
                "to_tsquery('simple', %s) AS q WHERE doc_tsv @@ q ORDER BY 2 DESC, document_id DESC LIMIT %s",
                [tsquery, want],
            )
        else:  # too broad to rank usefully: the newest registered first
            cursor.execute(
                "SELECT document_id, 0.0 FROM documents_documentsearch "
                "WHERE doc_tsv @@ to_tsquery('simple', %s) ORDER BY document_id DESC LIMIT %s",
                [tsquery, want],
            )
        return _merge(title_rows, cursor.fetchall(), limit)


def search(query: str, *, limit: int = 20) -> list[Hit]:
    """Documents for ``query``, best first (see the module docstring)."""
    query = (query or "").strip()[:300]
    if not query:
        return []
    scores = _symbol_hits(query, limit)
    words = _words(query)
    if words:
        if connection.vendor == "sqlite":
            text = _text_hits_sqlite(words, limit)
        else:  # PostgreSQL, the only other supported database
            text = _text_hits_postgresql(words, limit)
        for pk, score in text.items():
            scores[pk] = max(scores.get(pk, 0.0), score)
    ordered = sorted(scores.items(), key=lambda kv: (-kv[1], -kv[0]))[:limit]
    return [Hit(pk, score) for pk, score in ordered]


def search_documents(query: str, *, limit: int = 20) -> list[tuple[Document, float]]:
    hits = search(query, limit=limit)
    docs = Document.objects.in_bulk([h.document_id for h in hits])
    return [(docs[h.document_id], h.score) for h in hits if h.document_id in docs]
