"""Search indexes, per backend (the folded columns themselves are portable).

SQLite: an FTS5 table ``documents_fts(symbol, title, body)`` whose rowid is the document
id; the services keep it in sync (``services.reindex``). PostgreSQL: ``pg_trgm`` for
symbol substrings, and stored ``tsvector`` columns (``simple`` configuration over the
already folded text, so no IMMUTABLE ``unaccent`` wrapper is needed) with GIN indexes.
The GIN indexes have ``fastupdate`` off: documents are written rarely and read often, and a
pending list left by a bulk registration makes every search scan it until the next vacuum.
"""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS documents_fts USING fts5("
    "symbol, title, body, tokenize = 'unicode61', prefix = '2 3')",
    # documents that existed before this migration
    "INSERT INTO documents_fts(rowid, symbol, title, body) "
    "SELECT document_id, symbol_fold, title_fold, body_fold FROM documents_documentsearch",
]
SQLITE_BACKWARD = ["DROP TABLE IF EXISTS documents_fts"]

PG_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "ALTER TABLE documents_documentsearch ADD COLUMN title_tsv tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', title_fold)) STORED",
    "ALTER TABLE documents_documentsearch ADD COLUMN doc_tsv tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', "
    "regexp_replace(symbol_fold, '[^[:alnum:]]+', ' ', 'g') || ' ' || title_fold || ' ' || body_fold"
    ")) STORED",
    "CREATE INDEX documents_search_doc_tsv ON documents_documentsearch USING gin (doc_tsv) WITH (fastupdate = off)",
    "CREATE INDEX documents_search_title_tsv ON documents_documentsearch USING gin (title_tsv) WITH (fastupdate = off)",
    "CREATE INDEX documents_search_symbol_trgm ON documents_documentsearch "
    "USING gin (symbol_fold gin_trgm_ops) WITH (fastupdate = off)",
]
PG_BACKWARD = [
    "DROP INDEX IF EXISTS documents_search_symbol_trgm",
    "DROP INDEX IF EXISTS documents_search_doc_tsv",
    "DROP INDEX IF EXISTS documents_search_title_tsv",
    "ALTER TABLE documents_documentsearch DROP COLUMN IF EXISTS doc_tsv",
    "ALTER TABLE documents_documentsearch DROP COLUMN IF EXISTS title_tsv",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("documents", "0002_attachments_links_refs_search")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": PG_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": PG_BACKWARD}),
        )
    ]
