import pytest
from django.contrib.auth.models import Group, User
from django.db import connection


def pytest_collection_modifyitems(config, items):
    if connection.vendor != "postgresql":
        skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
        for item in items:
            if "postgres" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(autouse=True)
def _page_cache_off(settings):
    """Tests see every write at once (their on_commit hooks never run, so the catalog version
    would not move); tests of the caches themselves turn them back on."""
    settings.PAGE_CACHE_ENABLED = False
    settings.CATALOG_DERIVED_CACHE = False
    # Each test's database is rolled back: no snapshot outlives the test that read it.
    from comparisons.browse.snapshot import browse_snapshot_forget

    browse_snapshot_forget()


@pytest.fixture
def editor(db) -> User:
    user = User.objects.create_user("editor", password="correct-horse-battery", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def demo_catalog(db):
    from catalog.services import artifact_scores_recompute
    from demo.catalog import demo_catalog_load

    demo_catalog_load()
    artifact_scores_recompute()


@pytest.fixture
def immediate_tasks(settings):
    """Background jobs run inside the request that starts them (no worker process)."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
