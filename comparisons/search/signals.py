from django.db import connections

from comparisons.models import TermStatistic
from comparisons.search.index import (
    search_index_install,
    search_index_installed,
    search_triggers_drop,
)


def search_index_before_migrate(*, using: str = "default", **kwargs) -> None:
    """Drop the SQLite sync triggers before any migration runs (see search_triggers_drop);
    `search_index_after_migrate` puts them back and refills the index."""
    connection = connections[using]
    if search_index_installed(connection=connection):
        search_triggers_drop(connection=connection)


def search_index_after_migrate(*, using: str = "default", **kwargs) -> None:
    """Re-create the search triggers and refill the index after every migrate or flush.

    SQLite drops a table's triggers when a migration rebuilds that table, and PostgreSQL's
    TRUNCATE (used by test flushes) skips row triggers; a refill makes both harmless.

    The kept term statistics (stats.py) are deleted with it: a migration may change how
    every document is indexed without any catalog write the change journal would name,
    and the counts would then be patched from a wrong base for ever.
    """
    connection = connections[using]
    if search_index_installed(connection=connection):
        search_index_install(connection=connection)
        with connection.cursor() as cursor:
            if TermStatistic._meta.db_table in connection.introspection.table_names(cursor):
                cursor.execute(f"DELETE FROM {TermStatistic._meta.db_table}")
