"""The query-side function that lets a query word with a stem under three bytes match that
stem's two-character document form on PostgreSQL ("uses" finds "US", as on SQLite; see
comparisons/search/index.py, PG_SHORT_STEM). Queries call it from now on, so a database
must have it before the code that calls it serves a search; no vector depends on it, so
nothing is reindexed (every migrate reinstalls it with the rest of the index anyway)."""

from django.db import migrations

from comparisons.search.index import search_short_stem_install


def install(apps, schema_editor):
    search_short_stem_install(connection=schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("comparisons", "0012_matchgraph_fillfactor")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
