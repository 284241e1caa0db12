from django.db import connections

from comparisons.search.index import search_index_install, search_index_installed


def search_index_after_migrate(*, using: str = "default", **kwargs) -> None:
    """Re-create the search triggers and refill the index after every migrate or flush.

    SQLite drops a table's triggers when a migration rebuilds that table, and PostgreSQL's
    TRUNCATE (used by test flushes) skips row triggers; a refill makes both harmless.
    """
    connection = connections[using]
    if search_index_installed(connection=connection):
        search_index_install(connection=connection)
