import django.db.models.deletion
from django.db import migrations, models

from comparisons.search.index import search_index_install, search_index_uninstall


def install(apps, schema_editor):
    # Vendor-specific DDL: a generated tsvector + GIN (PostgreSQL) or FTS5 + triggers (SQLite).
    search_index_install(connection=schema_editor.connection)


def uninstall(apps, schema_editor):
    search_index_uninstall(connection=schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_editors_group_and_default_weights"),
        ("comparisons", "0002_editors_permissions"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                (
                    "capability",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="catalog.capability",
                    ),
                ),
                ("title", models.TextField()),
                ("tags", models.TextField()),
                ("description", models.TextField()),
                ("extra", models.TextField()),
            ],
            options={
                "db_table": "comparisons_searchdocument",
                "managed": False,
            },
        ),
        migrations.AddIndex(
            model_name="choiceevent",
            index=models.Index(
                fields=["intent", "client_key", "artifact", "-created_at"], name="choice_dedup"
            ),
        ),
        migrations.RunPython(install, uninstall),
    ]
