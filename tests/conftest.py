import os
import tomllib
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import caches
from django.db import connection


def mutation_tests_select(*, rootpath: Path, module: str) -> tuple[str, ...]:
    """The test files, folders and test ids (relative to the project root, as in test node
    ids; each selects the tests whose id starts with it) that mutation testing runs for the
    dotted `module`: its entry in `[tool.mutation_tests]` of pyproject.toml, else that
    table's `default`. Raises KeyError when neither exists."""
    table = tomllib.loads((rootpath / "pyproject.toml").read_text())["tool"]["mutation_tests"]
    return tuple(table.get(module, table["default"]))


# Set by `make mutate` to the dotted module under mutation (see docs/testing.md).
MUTATE_MODULE = os.environ.get("MUTATE_MODULE", "")


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Under mutation testing the SQLite test database is a file kept between runs: every
    mutant is a fresh pytest run, and migrating a new in-memory database took 7 of the 8
    seconds a database-backed mutant cost."""
    if MUTATE_MODULE and connection.vendor == "sqlite":
        from django.conf import settings

        name = str(settings.VAR_DIR / "mutation-tests.sqlite3")
        connection.settings_dict.setdefault("TEST", {})["NAME"] = name


@pytest.fixture(scope="session")
def django_db_keepdb(request) -> bool:
    # Kept under mutation testing (the tests roll their transactions back, so it stays
    # empty); `migrate` still runs on it and applies any new migration.
    return bool(MUTATE_MODULE) or bool(request.config.getvalue("reuse_db"))


def pytest_collection_modifyitems(config, items):
    if connection.vendor != "postgresql":
        skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
        for item in items:
            if "postgres" in item.keywords:
                item.add_marker(skip)
    # `make mutate` names the module it mutates, so each module's runs (one per mutant)
    # collect only the tests meant for it, not the union listed for mutmut.
    if MUTATE_MODULE:
        paths = mutation_tests_select(rootpath=config.rootpath, module=MUTATE_MODULE)
        kept = [i for i in items if i.nodeid.startswith(paths)]
        dropped = [i for i in items if i not in kept]
        if dropped:
            config.hook.pytest_deselected(items=dropped)
            items[:] = kept


@pytest.fixture(autouse=True)
def _page_cache_off(settings):
    """Tests see every write at once (their on_commit hooks never run, so the catalog version
    would not move); tests of the caches themselves turn them back on."""
    settings.PAGE_CACHE_ENABLED = False
    settings.CATALOG_DERIVED_CACHE = False
    # Each test's database is rolled back: no snapshot outlives the test that read it.
    from comparisons.browse.snapshot import browse_snapshot_forget
    from comparisons.search.facts import artifact_facts_forget
    from comparisons.search.families import family_index_forget

    browse_snapshot_forget()
    family_index_forget()
    artifact_facts_forget()


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


@pytest.fixture
def derived_cache(settings):
    """Data derived from the catalog reused per catalog version, as in production (tests
    otherwise compute everything fresh), in an empty cache."""
    settings.CATALOG_DERIVED_CACHE = True
    for alias in (settings.DERIVED_CACHE_ALIAS, settings.PARTS_CACHE_ALIAS):
        caches[alias].clear()
    yield
    for alias in (settings.DERIVED_CACHE_ALIAS, settings.PARTS_CACHE_ALIAS):
        caches[alias].clear()


@pytest.fixture(scope="session", autouse=True)
def jinja2_templates_instrumented():
    """The test client's `response.context` and `response.templates` for Jinja2 pages too:
    Django instruments only its own template engine in tests (template_rendered, sent by
    setup_test_environment's patched Template._render); this does the same for Jinja2's."""
    from django.template.backends.jinja2 import Template
    from django.test.signals import template_rendered

    render = Template.render

    def instrumented(self, context=None, request=None):
        template_rendered.send(sender=self, template=self, context=dict(context or {}))
        return render(self, context, request)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Template, "render", instrumented)
        yield
