"""How the catalog can be sorted: the choices offered and the SQL ordering of each.

Every ordering ends with unique keys (the name, then the id), so pages never overlap and
the browse snapshot (comparisons/browse/snapshot.py) can reproduce each order exactly.
"""

from django.db.models import Case, F, Value, When
from django.db.models.functions import Lower

from catalog.models import PriceUnit

SORT_CHOICES = [
    ("-rank", "Highest rank"),
    ("-times_matched", "Most matched in searches"),
    ("price", "Lowest price"),
    ("newest", "Newest"),
    ("name", "Name (A to Z)"),
    ("-context", "Longest context"),
    ("-max_output", "Longest output"),
    ("output_price", "Lowest output price"),
    ("-knowledge_cutoff", "Most recent knowledge"),
]
DEFAULT_SORT = "-rank"
# A provisional rank (under half its inputs known) after a confident one of the same value.
DEFAULT_ORDERING = ("-rank", "rank_provisional", Lower("name"), "pk")

_UNIT_ORDER = Case(
    *[When(price_unit=unit, then=Value(i)) for i, unit in enumerate(PriceUnit.values)],
    default=Value(len(PriceUnit.values)),
)
SORT_ORDERINGS = {
    DEFAULT_SORT: DEFAULT_ORDERING,
    "-times_matched": ("-times_matched", "-rank", "rank_provisional", Lower("name"), "pk"),
    # Free first (free is free in any unit, and so are free and open-source artifacts with
    # no price on record: their cards say "Free"), then priced ones grouped by unit (a
    # token is never compared with a month), cheapest first; unknown prices always last.
    "price": (
        Case(
            When(starting_price=0, then=Value(0)),
            When(
                starting_price__isnull=True,
                pricing_model__in=("free", "open_source"),
                then=Value(0),
            ),
            When(starting_price__isnull=True, then=Value(2)),
            default=Value(1),
        ),
        _UNIT_ORDER,
        F("starting_price").asc(),
        Lower("name"),
        "pk",
    ),
    "newest": (
        Case(When(release_date__isnull=True, then=Value(1)), default=Value(0)),
        F("release_date").desc(),
        "-created_at",
        "pk",
    ),
    "name": (Lower("name"), "pk"),
    # Model facts: known values first in the asked direction, unknown ones always last.
    "-context": (F("context_length").desc(nulls_last=True), "-rank", Lower("name"), "pk"),
    "-max_output": (F("max_output_tokens").desc(nulls_last=True), "-rank", Lower("name"), "pk"),
    "output_price": (F("output_price").asc(nulls_last=True), "-rank", Lower("name"), "pk"),
    "-knowledge_cutoff": (
        F("knowledge_cutoff").desc(nulls_last=True),
        "-rank",
        Lower("name"),
        "pk",
    ),
}
