"""The search table (`locker.library.search`): FTS5 on SQLite, tsvector + pg_trgm on PostgreSQL.

Not a Django model: each engine's own full-text structure, created and queried in its own SQL.
CREATE EXTENSION needs a superuser (or a database owner on PostgreSQL 13+ for trusted pg_trgm).
"""

from django.db import migrations

SQLITE = [
    """CREATE VIRTUAL TABLE library_search USING fts5(
        owner, release_text, track_text, release_id UNINDEXED, track_id UNINDEXED,
        tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
    )""",
]
POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """CREATE TABLE library_search (
        id bigserial PRIMARY KEY,
        user_id bigint NOT NULL,
        release_id bigint NOT NULL,
        track_id bigint NULL,
        words text NOT NULL,
        document tsvector NOT NULL
    )""",
    "CREATE INDEX library_search_user ON library_search (user_id)",
    "CREATE INDEX library_search_document ON library_search USING gin (document)",
    "CREATE INDEX library_search_words ON library_search USING gin (words gin_trgm_ops)",
]


def create(apps, schema_editor):
    statements = {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(schema_editor.connection.vendor)
    if statements is None:
        raise RuntimeError("Locker's search supports SQLite and PostgreSQL only")
    for statement in statements:
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    schema_editor.execute("DROP TABLE IF EXISTS library_search")


class Migration(migrations.Migration):
    dependencies = [("library", "0002_track_checked_at")]
    operations = [migrations.RunPython(create, drop)]
