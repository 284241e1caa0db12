"""Every migration can be undone: migrate our apps to zero and back, on either backend."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


@pytest.mark.django_db(transaction=True)
def test_migrations_reverse_to_zero_and_forward_again():
    executor = MigrationExecutor(connection)
    leaves = [
        key for key in executor.loader.graph.leaf_nodes() if key[0] in {"catalog", "comparisons"}
    ]
    assert leaves, "no migrations found for our apps"
    # comparisons depends on catalog, so it goes first on the way down.
    call_command("migrate", "comparisons", "zero", verbosity=0)
    call_command("migrate", "catalog", "zero", verbosity=0)
    tables = connection.introspection.table_names()
    assert not [t for t in tables if t.startswith(("catalog_", "comparisons_"))]
    call_command("migrate", verbosity=0)
    tables = connection.introspection.table_names()
    assert "catalog_artifact" in tables and "comparisons_searchevent" in tables
    from django.contrib.auth.models import Group

    assert Group.objects.filter(name="Editors").exists()
