from django.db import migrations

from comparisons.search.index import search_index_install, search_vectors_drop


def rebuild_vectors(apps, schema_editor):
    # The tsvector expressions changed (punctuation splits words, as in FTS5):
    # generated columns cannot be altered in place, so they are dropped and added again.
    search_vectors_drop(connection=schema_editor.connection)
    search_index_install(connection=schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("comparisons", "0006_match_graph_tallies")]

    operations = [migrations.RunPython(rebuild_vectors, migrations.RunPython.noop)]
