from django.db import migrations

from comparisons.search.index import search_index_install, search_vectors_drop


def rebuild_vectors(apps, schema_editor):
    # The tsvector now uses the comparisons_porter config (FTS5's stemmer, no stop words)
    # over comparisons_search_text(), and the simple-config vector is gone (compounds match
    # on the one vector): generated columns cannot be altered in place, so they are dropped
    # and the install adds the new one (creating the config and the function first).
    search_vectors_drop(connection=schema_editor.connection)
    search_index_install(connection=schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("comparisons", "0009_matchgraph_flow_tally")]

    operations = [migrations.RunPython(rebuild_vectors, migrations.RunPython.noop)]
