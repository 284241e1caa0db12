"""`manage.py migrate` alone gives a working site: the catalog-version table comes from a
migration (no separate createcachetable), and the first pages log nothing alarming."""

import logging

import pytest
from django.db import connection
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_migrations_create_the_catalog_version_table():
    # The test database is built by `migrate` only.
    assert "catalog_version_cache" in connection.introspection.table_names()


def test_home_catalog_and_search_log_no_warning_on_a_migrated_database(client, settings, caplog):
    settings.PAGE_CACHE_ENABLED = True
    settings.CATALOG_VERSION_STORE = "database"
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "catalog_version": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "catalog_version_cache",
        },
    }
    caplog.set_level(logging.WARNING)
    for url in (reverse("home"), reverse("artifact_list"), reverse("search") + "?q=audio"):
        response = client.get(url)
        assert response.status_code == 200, url
    assert client.get(reverse("artifact_list")).headers.get("X-Cache") == "hit"
    assert [r.getMessage() for r in caplog.records] == []
