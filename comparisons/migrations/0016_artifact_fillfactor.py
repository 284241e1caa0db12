"""Free space in catalog_artifact's pages too (PostgreSQL only: a storage parameter).

Why: every match-graph run rewrites the rows of the artifacts its new events matched (their
times matched) and of those it reranked: about 15,000 of 100,000 for 10,000 new events.
Migration 0012 left this table out because its rank columns are indexed, but most rows a
run writes keep their rank (only the unindexed counter and match-graph component move), and
PostgreSQL updates those in place when the page has room. At the default fillfactor of 100
the pages are full: every one of those updates added an entry to each of the table's ten
indexes, the name's trigram index among them. Measured on the 100,000-artifact catalog, one
UPDATE of 14,285 artifacts' counters: 1.3-1.6 s with full pages, 0.20-0.37 s at
fillfactor 70 (BENCHMARKS.md, 2026-12-01). Its rows are about 500 bytes, so 70 leaves room
for four new versions per page; the table grows from 48 to 70 MB.

As in 0012, the parameter applies to pages written from now on; `VACUUM FULL
catalog_artifact` applies it at once.
"""

from django.db import migrations

TABLE, FILLFACTOR = "catalog_artifact", 70


def fillfactor_set(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} SET (fillfactor = {FILLFACTOR})")


def fillfactor_reset(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0013_artifact_rebuild_indexes"),
        ("comparisons", "0015_matchgraphstate_journal_mark"),
    ]

    operations = [
        migrations.RunPython(fillfactor_set, fillfactor_reset),
    ]
