"""Free space in the pages of the tables every match-graph rebuild updates in place
(PostgreSQL only: a storage parameter, nothing in the models' state).

Why: a rebuild rewrites a few percent of these rows each run, and none of the columns it
writes is indexed, so PostgreSQL can update them in place (a HOT update: no new entry in any
index) as long as the row's page has room for the new version. At the default fillfactor
of 100 the pages are full and about half the updates went to another page, each then
adding an entry to every index of its table (pair evidence has five, a capability four).
With room left in each page nearly all of them are HOT: the pair evidence and capability
writes of an incremental run took 30-50% less time (BENCHMARKS.md).

The parameter applies to pages written from now on: rows move into such pages as they are
updated (and a full rebuild writes the tallies anew); `VACUUM FULL` on these tables applies
it at once. catalog_capability is the catalog's table, but only the rebuild updates its
counters this often; its rows are wide, so it keeps less room.
"""

from django.db import migrations

FILLFACTOR = {
    "comparisons_pairevidence": 80,
    "comparisons_match": 80,
    "comparisons_matchtally": 80,
    "comparisons_choicetally": 80,
    "comparisons_intenttally": 80,
    "comparisons_flowtally": 80,
    "catalog_capability": 90,
}


def fillfactor_set(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, percent in FILLFACTOR.items():
        schema_editor.execute(f"ALTER TABLE {table} SET (fillfactor = {percent})")


def fillfactor_reset(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in FILLFACTOR:
        schema_editor.execute(f"ALTER TABLE {table} RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0012_capability_published_ids"),
        ("comparisons", "0011_search_term_statistics"),
    ]

    operations = [
        migrations.RunPython(fillfactor_set, fillfactor_reset),
    ]
