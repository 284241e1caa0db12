"""Every migration can be undone: migrate our apps to zero and back, on either backend."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection

OUR_APPS = ("catalog", "comparisons", "jobs")


def _our_tables() -> set[str]:
    return {
        model._meta.db_table
        for label in OUR_APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    }


@pytest.mark.django_db(transaction=True)
def test_migrations_reverse_to_zero_and_forward_again():
    assert _our_tables() <= set(connection.introspection.table_names())
    # comparisons depends on catalog, so it goes first on the way down.
    call_command("migrate", "comparisons", "zero", verbosity=0)
    call_command("migrate", "catalog", "zero", verbosity=0)
    call_command("migrate", "jobs", "zero", verbosity=0)
    assert "catalog_version_cache" not in connection.introspection.table_names()
    assert not _our_tables() & set(connection.introspection.table_names())
    call_command("migrate", verbosity=0)
    assert _our_tables() <= set(connection.introspection.table_names())
    assert "catalog_version_cache" in connection.introspection.table_names()
    assert Group.objects.filter(name="Editors").exists()


@pytest.mark.django_db(transaction=True)
def test_a_database_holding_data_upgrades_through_every_migration():
    """Upgrading a deployed database, not only building a fresh one: with the search index
    installed and capabilities tagged, the later migrations (which may rebuild
    catalog_capability on SQLite) must apply, and search must still find what it held."""
    from django.db.migrations.executor import MigrationExecutor

    from catalog.models import Capability
    from comparisons.search.service import search_run

    # The state before this round's migrations: search index installed, data written by
    # the code of that time (the models as they were then: today's signals would record
    # the writes in a change journal that does not exist yet).
    call_command("migrate", "comparisons", "0006", verbosity=0)
    call_command("migrate", "catalog", "0008", verbosity=0)
    then = (
        MigrationExecutor(connection)
        .loader.project_state(
            [
                ("catalog", "0008_editors_evaluation_permissions"),
                ("comparisons", "0006_match_graph_tallies"),
            ]
        )
        .apps
    )
    vendor = then.get_model("catalog", "Vendor").objects.create(name="Acme", slug="acme")
    tag = then.get_model("catalog", "Tag").objects.create(
        slug="speech-to-text", name="Speech to text"
    )
    artifact = then.get_model("catalog", "Artifact").objects.create(
        slug="earful", name="Earful", vendor=vendor, status="published", summary="Listens well."
    )
    capability = then.get_model("catalog", "Capability").objects.create(
        artifact=artifact,
        title="Transcribes long interviews",
        description="Speech to text for long recordings.",
        status="published",
    )
    capability.tags.add(tag)

    call_command("migrate", verbosity=0)

    assert Capability.objects.count() == 1
    assert [r.artifact.slug for r in search_run(query="transcribes interviews").results] == [
        "earful"
    ]
