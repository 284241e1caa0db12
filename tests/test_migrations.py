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
