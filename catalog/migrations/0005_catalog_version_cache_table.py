"""The table behind the `catalog_version` cache (catalog/versioning.py) when it is a
DatabaseCache: created here so that `migrate` alone gives a working site (it used to need
`manage.py createcachetable`). Nothing happens for a cache kept in Redis."""

from django.conf import settings
from django.core.management import call_command
from django.db import migrations


def _tables() -> list[str]:
    return [
        cache["LOCATION"]
        for cache in settings.CACHES.values()
        if cache["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    ]


def forwards(apps, schema_editor):
    # Creates only what is missing: safe where createcachetable already ran.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def backwards(apps, schema_editor):
    for table in _tables():
        schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(table)}")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0004_model_facts")]

    operations = [migrations.RunPython(forwards, backwards)]
