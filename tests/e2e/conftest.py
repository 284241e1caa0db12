"""Real-browser tests: pytest-playwright driving Debian's Chromium against the live server.

Chromium comes from the distribution (`apt-get install chromium`), never from
`playwright install`, so the suite runs wherever the package manager does. Without it the
whole folder is skipped with one line instead of failing every test.
"""

import os
from io import StringIO

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.core.servers.basehttp import WSGIServer
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from playwright.sync_api import ConsoleMessage, Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.e2e.helpers import CHROMIUM, DESKTOP, TIMEOUT_MS

expect.set_options(timeout=TIMEOUT_MS)


def pytest_pycollect_makemodule(module_path, parent):
    # Raised while the folder is collected (not when this file is imported, which happens
    # before collection when the folder is named on the command line), so the whole folder
    # is reported as one skip.
    if not CHROMIUM.exists():
        pytest.skip("Chromium not installed (apt-get install chromium): browser tests skipped")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    # pytest groups the tests that share pytest-playwright's session-scoped browser parameter,
    # which can pull these live-server tests (each empties the database when it ends) in
    # among tests that expect the migrated data. Run them last, as pytest-django means to.
    items.sort(key=lambda item: item.get_closest_marker("e2e") is not None)


CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session", autouse=True)
def _django_allows_orm_beside_playwright():
    # Playwright's sync API keeps an event loop in the main thread, which makes Django treat
    # every ORM call made by a test (fixtures, flushes, call_command) as coming from async
    # code. The calls really are synchronous; only sessions that reach the e2e tests say so.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


class SerialWSGIServer(WSGIServer):
    """Answers one request at a time (and so closes each connection after its answer).

    With the in-memory SQLite test database every request thread shares one connection,
    and two requests at once (a click that also fires a form's change request) break each
    other's transactions.
    """

    def __init__(self, *args, connections_override=None, **kwargs):
        # The server thread itself already uses the shared connections.
        super().__init__(*args, **kwargs)


@pytest.fixture(scope="session")
def live_server(request, playwright):
    """pytest-django's live server, serial on in-memory SQLite.

    Started after the browser so that it shares the connection object the tests use
    (see the note above `migrated_state`).
    """
    address = (
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = LiveServer(address, start=False)
    if server.thread.connections_override:
        server.thread.server_class = SerialWSGIServer
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def base_url(live_server) -> str:
    return live_server.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, browser):
    # Headless Chromium says "HeadlessChrome", which the site rightly takes for a bot whose
    # searches are no evidence; these tests play visitors, so they send a desktop browser's.
    user_agent = (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        f"Chrome/{browser.version} Safari/537.36"
    )
    return {
        **browser_context_args,
        "viewport": DESKTOP,
        "locale": "en-US",
        "user_agent": user_agent,
    }


class DemoCatalogSnapshot:
    """The demo catalog, loaded once per session and copied back before every test.

    Loading it through the ORM takes seconds (many times that on PostgreSQL), once per test.
    Instead the rows it wrote are copied into plain side tables after the first load and
    put back with one INSERT ... SELECT per table: the tables Django flushes after each
    live-server test are exactly the ones refilled. Tables Django does not manage (the
    search documents) are rebuilt by their own triggers as the capabilities come back.
    """

    PREFIX = "e2e_snapshot_"

    def __init__(self) -> None:
        self.copies: dict[str, str] = {}

    def _tables(self) -> list[str]:
        return sorted(connection.introspection.django_table_names(only_existing=True))

    def _has_rows(self, cursor, table: str) -> bool:
        cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")
        return cursor.fetchone() is not None

    def load_or_restore(self) -> None:
        quote = connection.ops.quote_name
        if not self.copies:
            with connection.cursor() as cursor:
                empty = [table for table in self._tables() if not self._has_rows(cursor, table)]
            call_command("load_demo_catalog", stdout=StringIO())
            with connection.cursor() as cursor:
                filled = [table for table in empty if self._has_rows(cursor, table)]
                for number, table in enumerate(filled):
                    copy = f"{self.PREFIX}{number}"
                    cursor.execute(f"DROP TABLE IF EXISTS {quote(copy)}")
                    cursor.execute(f"CREATE TABLE {quote(copy)} AS SELECT * FROM {quote(table)}")
                    self.copies[table] = copy
        else:
            # Foreign keys are deferred to the commit, so the order of the tables is free.
            with transaction.atomic(), connection.cursor() as cursor:
                for table, copy in self.copies.items():
                    cursor.execute(f"INSERT INTO {quote(table)} SELECT * FROM {quote(copy)}")
        # Pages cached by an earlier test must not answer for this one's data.
        for cache in caches.all():
            cache.clear()


@pytest.fixture(scope="session")
def demo_catalog_snapshot() -> DemoCatalogSnapshot:
    return DemoCatalogSnapshot()


# Why the next two fixtures exist: Django keeps one connection object per thread, but a
# different one while an event loop runs in the thread, and Playwright's sync API keeps one
# running from its start. Tests that ran before the browser started used the first object,
# which carries the migrated state that the serialized rollback restores; the e2e tests
# get the second, which does not, so they adopt it (and give it back when they are done).
SERIALIZED = "_test_serialized_contents"


@pytest.fixture(scope="session", autouse=True)
def migrated_state(django_db_setup) -> str:
    """What migrations put in the database (the Editors group, the rank weights), as
    serialized at its creation. Autouse so it is read before the browser starts."""
    return getattr(connections[DEFAULT_DB_ALIAS], SERIALIZED)


@pytest.fixture(scope="package", autouse=True)
def _loop_connection_given_back(django_db_blocker):
    yield
    wrapper = connections[DEFAULT_DB_ALIAS]
    if getattr(wrapper, "_e2e_adopted", False):
        # Later transactional tests expect what a plain flush leaves: content types and
        # permissions, recreated by the post_migrate signal.
        delattr(wrapper, SERIALIZED)
        wrapper._e2e_adopted = False
        with django_db_blocker.unblock():
            call_command("flush", interactive=False, verbosity=0)
    # Left open, this object's connection would keep PostgreSQL from dropping the test
    # database at the end of the session.
    wrapper.close()


@pytest.fixture
def site(live_server, django_db_serialized_rollback, migrated_state, demo_catalog_snapshot):
    """The live server with the demo catalog loaded.

    Live-server tests run outside a wrapping transaction and every table is emptied after
    each; the serialized rollback puts back what migrations created, the snapshot puts back
    the demo catalog.
    """
    wrapper = connections[DEFAULT_DB_ALIAS]
    if not hasattr(wrapper, SERIALIZED):
        # Django skipped the restore for this test. With the state adopted, flushes leave an
        # empty database and later tests get the restore; this one restores by hand.
        setattr(wrapper, SERIALIZED, migrated_state)
        wrapper._e2e_adopted = True
        call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
        wrapper.creation.deserialize_db_from_string(migrated_state)
    demo_catalog_snapshot.load_or_restore()
    return live_server


class BrowserErrors:
    """What the browser complained about while a test ran: CSP refusals and script errors."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def watch(self, page: Page) -> Page:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.messages.append(f"script error: {error}"))
        return page

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.messages.append(f"CSP: {message.text} ({message.location.get('url')})")


@pytest.fixture
def browser_errors():
    errors = BrowserErrors()
    yield errors
    if errors.messages:
        pytest.fail("The browser reported errors:\n" + "\n".join(errors.messages))


@pytest.fixture
def page(page: Page, site, browser_errors) -> Page:
    """One page per test, JavaScript on, watched for CSP refusals and script errors."""
    page.set_default_timeout(TIMEOUT_MS)
    return browser_errors.watch(page)


@pytest.fixture
def nojs_page(new_context, site, browser_errors) -> Page:
    """A page in a context with JavaScript turned off, as some visitors and crawlers have."""
    page = new_context(java_script_enabled=False).new_page()
    page.set_default_timeout(TIMEOUT_MS)
    return browser_errors.watch(page)
