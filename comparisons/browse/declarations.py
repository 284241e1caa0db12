"""Every catalog filter, declared once.

A declaration states everything the catalog needs to know about one filter:
- the form field that validates its value (choices, ranges, how many values it may carry);
- its meaning in SQL (`sql`), used where the database must answer (and by the tests);
- the columns the browse snapshot reads for it and its meaning over them (`mask`);
- how the counts beside its values are computed (`facet`), when it shows any;
- where it sits in the filter form (`group`) and how it is drawn (`widget`).

The FilterSet (comparisons/browse/filters.py), the browse snapshot
(comparisons/browse/snapshot.py), the facet counts and the form's template all read
`CATALOG_FILTERS`; a test holds the snapshot to the SQL for every declared filter. Adding a
filter is one entry in `CATALOG_FILTERS` (docs/architecture.md has the recipe).

Filter kinds:
- `AnyOf`: one of several values of a column (kind, pricing model, vendor). Values combine
  with OR, so each value's count is computed with the field's own selection set aside.
- `Flag`: a yes/no column (free tier, open weights); the count is of "yes" in the results.
- `AllModalities`: every chosen modality must be accepted (or produced).
- `AllTags`: every chosen capability tag must be on a published capability.
- `AtLeast`: a number column at or above the value (rank, context); unknown never passes.
- `Equals`: one value of a coded column, with no counts (the price ceiling's unit).
- `SqlOnly`: answered by the database alone (substring text, exact decimal prices).
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

import django_filters
import numpy as np
from django import forms
from django.core.validators import MaxLengthValidator
from django.db.models import Q, QuerySet

from catalog.choices import ArtifactKind, PriceUnit, PricingModel
from catalog.fields import Modality
from catalog.models import Artifact, Capability
from catalog.pricing import TOKEN_SCALE, unit_label

if TYPE_CHECKING:
    from comparisons.browse.snapshot import BrowseSnapshot

# Codes of a coded column for a value the declaration does not know: matched by nothing.
UNKNOWN = -1
MAX_TEXT_LENGTH = 200
MAX_TEXT_TERMS = 8
MAX_TAGS = 10
MAX_CONTEXT = 100_000_000


def _at_most(limit: int, what: str) -> MaxLengthValidator:
    return MaxLengthValidator(limit, message=f"Pick at most %(limit_value)d {what}.")


def _number_input(**attrs: str) -> forms.TextInput:
    # A text box, not type=number: the browser's own range checks would silently stop htmx
    # from sending the form, where the server's checks put a message beside the field.
    return forms.TextInput(attrs={"class": "filter-number", "autocomplete": "off", **attrs})


class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


@dataclass(frozen=True, kw_only=True)
class CatalogFilter:
    """What every declaration has. `name` is the URL parameter."""

    name: str
    label: str
    group: str
    # "checkboxes", "flag", "select", "number", "text": how the form draws it.
    widget: ClassVar[str] = "select"
    # Whether each value's count ignores the field's own selection (OR) or is counted within
    # the results (AND); None: no counts.
    facet: ClassVar[str | None] = None

    def form_filter(self) -> django_filters.Filter:
        raise NotImplementedError

    def sql(self, queryset: QuerySet, value: Any, *, cleaned: dict[str, Any]) -> QuerySet:
        """The filter's meaning in SQL: `queryset` narrowed to the artifacts `value` keeps."""
        raise NotImplementedError

    # The snapshot's side. `snapshot_fields` are Artifact fields (or lookups) read once per
    # catalog version; `columns` turns their values (one list per field, aligned with the
    # snapshot's artifacts) into the numpy columns `mask` reads.
    snapshot_fields: ClassVar[tuple[str, ...]] = ()

    def columns(self, values: dict[str, list]) -> dict[str, np.ndarray]:
        return {}

    def mask(self, snapshot: BrowseSnapshot, value: Any) -> np.ndarray | None:
        """The artifacts `value` keeps, over the snapshot; None when only SQL can say."""
        return None


@dataclass(frozen=True, kw_only=True)
class AnyOf(CatalogFilter):
    """One of several values of `field`. `choices` lists them, or None when they come from
    the catalog itself (the values seen, labelled by `label_field`, in label order)."""

    field: str
    choices: Sequence[tuple[str, str]] | None = None
    label_field: str = ""
    multiple: bool = True
    what: str = "values"
    any_label: str = ""
    facet: ClassVar[str | None] = "or"

    @property
    def widget(self) -> str:  # type: ignore[override]
        return "checkboxes" if self.multiple else "select"

    @property
    def snapshot_fields(self) -> tuple[str, ...]:  # type: ignore[override]
        return (self.field, self.label_field) if self.label_field else (self.field,)

    def form_filter(self) -> django_filters.Filter:
        if not self.multiple:
            return django_filters.ChoiceFilter(
                label=self.label,
                choices=list(self.choices or []),
                method="filter_declared",
                empty_label=self.any_label or "Any",
            )
        choices = list(self.choices or [])
        return django_filters.MultipleChoiceFilter(
            label=self.label,
            choices=choices,
            method="filter_declared",
            validators=[_at_most(len(choices) if choices else MAX_TAGS, self.what)],
        )

    def sql(self, queryset: QuerySet, value: Any, *, cleaned: dict[str, Any]) -> QuerySet:
        values = value if isinstance(value, list) else [value]
        return queryset.filter(**{f"{self.field}__in": values})

    def labels(self, values: dict[str, list]) -> list[tuple[str, str]]:
        """The (value, label) pairs coded by this column, in the order offered."""
        if self.choices is not None:
            return [(str(v), str(label)) for v, label in self.choices]
        labels = values.get(self.label_field) or values[self.field]
        seen = dict(zip(values[self.field], labels, strict=True))
        return sorted(((str(v), str(lab)) for v, lab in seen.items()), key=lambda p: (p[1], p[0]))

    def columns(self, values: dict[str, list]) -> dict[str, np.ndarray]:
        return {self.name: self.coded(values, self.labels(values))}

    def coded(self, values: dict[str, list], labels: list[tuple[str, str]]) -> np.ndarray:
        """The column of `values` coded by `labels` (positions in it; UNKNOWN elsewhere)."""
        lookup = {v: i for i, (v, _) in enumerate(labels)}
        return np.array([lookup.get(str(v), UNKNOWN) for v in values[self.field]], np.int32)

    def mask(self, snapshot: BrowseSnapshot, value: Any) -> np.ndarray:
        index = {v: i for i, (v, _) in enumerate(snapshot.labels[self.name])}
        values = value if isinstance(value, list) else [value]
        codes = snapshot.columns[self.name]
        found = np.zeros(snapshot.size, dtype=bool)
        for code in {index[v] for v in values if v in index}:
            found |= codes == code  # a few comparisons beat np.isin's sort
        return found


@dataclass(frozen=True, kw_only=True)
class Flag(CatalogFilter):
    """A yes/no column; "no" keeps the artifacts whose flag is off."""

    field: str
    widget: ClassVar[str] = "flag"
    facet: ClassVar[str | None] = "and"

    @property
    def snapshot_fields(self) -> tuple[str, ...]:  # type: ignore[override]
        return (self.field,)

    def form_filter(self) -> django_filters.Filter:
        return django_filters.BooleanFilter(label=self.label, method="filter_declared")

    def sql(self, queryset: QuerySet, value: Any, *, cleaned: dict[str, Any]) -> QuerySet:
        return queryset.filter(**{self.field: value})

    def columns(self, values: dict[str, list]) -> dict[str, np.ndarray]:
        return {self.name: np.array(values[self.field], dtype=bool)}

    def mask(self, snapshot: BrowseSnapshot, value: Any) -> np.ndarray:
        return snapshot.columns[self.name] == value


def modality_bits(modalities: Iterable[str]) -> int:
    """The modalities as bits: bit i set for Modality.values[i]; unknown names ignored."""
    order = list(Modality.values)
    bits = 0
    for modality in modalities:
        if modality in order:
            bits |= 1 << order.index(modality)
    return bits


@dataclass(frozen=True, kw_only=True)
class AllModalities(CatalogFilter):
    """Every chosen modality must be among the artifact's `field` (input or output)."""

    field: str
    direction: str  # "input" or "output", for the queryset's with_input/with_output
    widget: ClassVar[str] = "checkboxes"
    facet: ClassVar[str | None] = "and"

    @property
    def snapshot_fields(self) -> tuple[str, ...]:  # type: ignore[override]
        return (self.field,)

    def form_filter(self) -> django_filters.Filter:
        return django_filters.MultipleChoiceFilter(
            label=self.label,
            choices=Modality.choices,
            method="filter_declared",
            validators=[_at_most(len(Modality.choices), f"{self.direction} modalities")],
        )

    def sql(self, queryset: QuerySet, value: Any, *, cleaned: dict[str, Any]) -> QuerySet:
        for modality in value:
            queryset = getattr(queryset, f"with_{self.direction}")(modality)
        return queryset

    def columns(self, values: dict[str, list]) -> dict[str, np.ndarray]:
        return {self.name: np.array([modality_bits(v) for v in values[self.field]], np.int16)}

    def mask(self, snapshot: BrowseSnapshot, value: Any) -> np.ndarray:
        wanted = modality_bits(value)
        return (snapshot.columns[self.name] & wanted) == wanted

    def counts(self, snapshot: BrowseSnapshot, positions: np.ndarray) -> dict[str, int]:
        """How many of the artifacts at `positions` (indices into the snapshot's columns)
        have each value."""
        column = snapshot.columns[self.name][positions]
        return {m: int(np.count_nonzero(column & (1 << i))) for i, m in enumerate(Modality.values)}


@dataclass(frozen=True, kw_only=True)
class AllTags(CatalogFilter):
    """Every chosen tag must be on one of the artifact's published capabilities. The
    snapshot keeps one bit row per tag (its own query: tags live on capabilities)."""

    widget: ClassVar[str] = "checkboxes"
    facet: ClassVar[str | None] = "and"

    def form_filter(self) -> django_filters.Filter:
        return django_filters.MultipleChoiceFilter(
            label=self.label,
            choices=[],
            method="filter_declared",
            validators=[_at_most(MAX_TAGS, "capability tags")],
        )

    def sql(self, queryset: QuerySet, value: Any, *, cleaned: dict[str, Any]) -> QuerySet:
        for slug in value:
            tagged = Capability.objects.published().filter(tags__slug=slug)
            queryset = queryset.filter(pk__in=tagged.values("artifact_id"))
        return queryset

    def mask(self, snapshot: BrowseSnapshot, value: Any) -> np.ndarray:
        return functools.reduce(operator.and_, map(snapshot.tagged, value))


@dataclass(frozen=True, kw_only=True)
class AtLeast(CatalogFilter):
    """`field` at or above the value; artifacts where it is unknown never pass."""

    field: str
    max_value: int
    placeholder: str = ""
    widget: ClassVar[str] = "number"

    @property
    def snapshot_fields(self) -> tuple[str, ...]:  # type: ignore[override]
        return (self.field,)

    def form_filter(self) -> django_filters.Filter:
        return IntegerFilter(
            label=self.label,
            method="filter_declared",
            min_value=0,
            max_value=self.max_value,
            widget=_number_input(inputmode="numeric", placeholder=self.placeholder),
        )

    def sql(self, queryset: QuerySet, value: Any, *, cleaned: dict[str, Any]) -> QuerySet:
        return queryset.filter(**{f"{self.field}__gte": value})

    def columns(self, values: dict[str, list]) -> dict[str, np.ndarray]:
        known = [UNKNOWN if v is None else v for v in values[self.field]]
        return {self.name: np.array(known, dtype=np.int64)}

    def mask(self, snapshot: BrowseSnapshot, value: Any) -> np.ndarray:
        column = snapshot.columns[self.name]
        return (column >= value) & (column != UNKNOWN)


@dataclass(frozen=True, kw_only=True)
class Equals(CatalogFilter):
    """Exactly one value of a coded column, offered as a select without counts."""

    field: str
    choices: Sequence[tuple[str, str]]
    any_label: str = "Any"

    @property
    def snapshot_fields(self) -> tuple[str, ...]:  # type: ignore[override]
        return (self.field,)

    def form_filter(self) -> django_filters.Filter:
        return django_filters.ChoiceFilter(
            label=self.label,
            choices=list(self.choices),
            method="filter_declared",
            empty_label=self.any_label,
        )

    def sql(self, queryset: QuerySet, value: Any, *, cleaned: dict[str, Any]) -> QuerySet:
        return queryset.filter(**{self.field: value})

    def columns(self, values: dict[str, list]) -> dict[str, np.ndarray]:
        lookup = {v: i for i, (v, _) in enumerate(self.choices)}
        return {self.name: np.array([lookup.get(v, UNKNOWN) for v in values[self.field]], np.int64)}

    def mask(self, snapshot: BrowseSnapshot, value: Any) -> np.ndarray:
        code = next((i for i, (v, _) in enumerate(self.choices) if v == value), UNKNOWN - 1)
        return snapshot.columns[self.name] == code


@dataclass(frozen=True, kw_only=True)
class SqlOnly(CatalogFilter):
    """A filter only the database answers: `apply(queryset, value, cleaned)` is its SQL."""

    make_filter: Callable[[str], django_filters.Filter]
    apply: Callable[[QuerySet, Any, dict[str, Any]], QuerySet]
    widget_name: str = "text"
    # Other filters this one means nothing without, and what the form says when they are unset.
    requires: tuple[str, ...] = field(default=())
    requires_message: str = ""

    @property
    def widget(self) -> str:  # type: ignore[override]
        return self.widget_name

    def form_filter(self) -> django_filters.Filter:
        return self.make_filter(self.label)

    def sql(self, queryset: QuerySet, value: Any, *, cleaned: dict[str, Any]) -> QuerySet:
        return self.apply(queryset, value, cleaned)


@dataclass(frozen=True, kw_only=True)
class OnOrAfter(CatalogFilter):
    """A date `field` on or after the value; unknown dates never pass."""

    field: str
    widget: ClassVar[str] = "date"

    @property
    def snapshot_fields(self) -> tuple[str, ...]:  # type: ignore[override]
        return (self.field,)

    def form_filter(self) -> django_filters.Filter:
        return django_filters.DateFilter(
            label=self.label,
            method="filter_declared",
            widget=forms.DateInput(attrs={"type": "date", "class": "filter-date"}),
        )

    def sql(self, queryset: QuerySet, value: Any, *, cleaned: dict[str, Any]) -> QuerySet:
        return queryset.filter(**{f"{self.field}__gte": value})

    def columns(self, values: dict[str, list]) -> dict[str, np.ndarray]:
        days = [UNKNOWN if v is None else v.toordinal() for v in values[self.field]]
        return {self.name: np.array(days, dtype=np.int64)}

    def mask(self, snapshot: BrowseSnapshot, value: Any) -> np.ndarray:
        column = snapshot.columns[self.name]
        return (column >= value.toordinal()) & (column != UNKNOWN)


@dataclass(frozen=True, kw_only=True)
class AllFeatures(CatalogFilter):
    """Every chosen feature must be one the source says the artifact supports (`fields`
    maps each value to a yes/no/unknown field); unknown never passes."""

    fields: Sequence[tuple[str, str, str]]  # (value, label, Artifact field)
    widget: ClassVar[str] = "checkboxes"
    facet: ClassVar[str | None] = "and"

    @property
    def snapshot_fields(self) -> tuple[str, ...]:  # type: ignore[override]
        return tuple(name for _, _, name in self.fields)

    def form_filter(self) -> django_filters.Filter:
        choices = [(value, label) for value, label, _ in self.fields]
        return django_filters.MultipleChoiceFilter(
            label=self.label,
            choices=choices,
            method="filter_declared",
            validators=[_at_most(len(choices), "features")],
        )

    def sql(self, queryset: QuerySet, value: Any, *, cleaned: dict[str, Any]) -> QuerySet:
        by_value = {v: name for v, _, name in self.fields}
        return queryset.filter(**{by_value[v]: True for v in value})

    def columns(self, values: dict[str, list]) -> dict[str, np.ndarray]:
        bits = np.zeros(len(values["pk"]), dtype=np.int16)
        for i, (_, _, name) in enumerate(self.fields):
            bits |= np.array([v is True for v in values[name]], dtype=np.int16) << i
        return {self.name: bits}

    def _bits(self, chosen: Iterable[str]) -> int:
        order = [value for value, _, _ in self.fields]
        return functools.reduce(operator.or_, (1 << order.index(v) for v in chosen), 0)

    def mask(self, snapshot: BrowseSnapshot, value: Any) -> np.ndarray:
        wanted = self._bits(value)
        return (snapshot.columns[self.name] & wanted) == wanted

    def counts(self, snapshot: BrowseSnapshot, positions: np.ndarray) -> dict[str, int]:
        """How many of the artifacts at `positions` (indices into the snapshot's columns)
        have each value."""
        column = snapshot.columns[self.name][positions]
        return {
            value: int(np.count_nonzero(column & (1 << i)))
            for i, (value, _, _) in enumerate(self.fields)
        }


# The price ceiling is asked in the scale people compare token prices in (per 1M tokens).
CEILING_SCALE = TOKEN_SCALE


def ceiling_unit_label(unit: str) -> str:
    """ "per 1M prompt tokens", "per month": the unit a price ceiling is typed in."""
    return f"per {CEILING_SCALE.get(unit, (1, unit_label(unit)))[1]}"


def _text_filter(label: str) -> django_filters.Filter:
    return django_filters.CharFilter(
        label=label,
        method="filter_declared",
        max_length=MAX_TEXT_LENGTH,
        widget=forms.SearchInput(attrs={"placeholder": "e.g. flux, long context"}),
    )


def _text_sql(queryset: QuerySet, value: str, cleaned: dict[str, Any]) -> QuerySet:
    for term in value.split()[:MAX_TEXT_TERMS]:
        queryset = queryset.filter(Q(name__icontains=term) | Q(summary__icontains=term))
    return queryset


MILLION = Decimal(1_000_000)


def _max_output_price_sql(queryset: QuerySet, value: Decimal, cleaned: dict[str, Any]) -> QuerySet:
    return queryset.filter(output_price__lte=value / MILLION)


def _max_price_filter(label: str) -> django_filters.Filter:
    return django_filters.NumberFilter(
        label=label,
        method="filter_declared",
        min_value=0,
        max_digits=16,
        decimal_places=8,
        widget=_number_input(inputmode="decimal", placeholder="e.g. 0.5"),
    )


def _max_price_sql(queryset: QuerySet, value: Decimal, cleaned: dict[str, Any]) -> QuerySet:
    unit = cleaned.get("price_unit")
    if not unit:  # the form reports the missing unit; the ceiling alone means nothing
        return queryset
    scale = CEILING_SCALE.get(unit, (Decimal(1), ""))[0]
    return queryset.filter(price_unit=unit, starting_price__lte=value / scale)


# Form groups, in the order the form shows them; a collapsible group starts closed unless
# one of its filters is set.
GROUPS: dict[str, dict[str, Any]] = {
    "search": {"legend": "", "collapsible": False},
    "kind": {"legend": "Kind", "collapsible": False},
    "vendor": {"legend": "", "collapsible": False},
    "pricing": {"legend": "Pricing", "collapsible": False},
    "ceiling": {
        "legend": "Price ceiling",
        "collapsible": False,
        "hint": "Only artifacts priced in that unit; unknown prices are left out.",
    },
    "modalities": {"legend": "Modalities", "collapsible": True},
    "capabilities": {"legend": "Capabilities", "collapsible": True},
    "facts": {"legend": "Score and context", "collapsible": True},
    "model": {
        "legend": "Model facts",
        "collapsible": True,
        "hint": "As the source states them; a model whose source says nothing is left out.",
    },
}

CATALOG_FILTERS: tuple[CatalogFilter, ...] = (
    SqlOnly(
        name="q",
        label="Name or description",
        group="search",
        make_filter=_text_filter,
        apply=_text_sql,
    ),
    AnyOf(
        name="kind",
        label="Kind",
        group="kind",
        field="kind",
        choices=ArtifactKind.choices,
        what="kinds",
    ),
    AnyOf(
        name="vendor",
        label="Vendor",
        group="vendor",
        field="vendor__slug",
        label_field="vendor__name",
        multiple=False,
        any_label="Any vendor",
    ),
    AnyOf(
        name="pricing_model",
        label="Pricing",
        group="pricing",
        field="pricing_model",
        choices=PricingModel.choices,
        what="pricing models",
    ),
    Flag(name="has_free_tier", label="Has a free tier", group="pricing", field="has_free_tier"),
    Flag(name="open_weights", label="Open weights", group="pricing", field="open_weights"),
    Equals(
        name="price_unit",
        label="Priced per",
        group="ceiling",
        field="price_unit",
        choices=[(unit, ceiling_unit_label(unit)) for unit in PriceUnit.values],
        any_label="Any unit",
    ),
    SqlOnly(
        name="max_price",
        label="At most (US$)",
        group="ceiling",
        make_filter=_max_price_filter,
        apply=_max_price_sql,
        widget_name="number",
        requires=("price_unit",),
        requires_message="Choose the unit this price ceiling is in.",
    ),
    AllModalities(
        name="input",
        label="Accepts",
        group="modalities",
        field="input_modalities",
        direction="input",
    ),
    AllModalities(
        name="output",
        label="Produces",
        group="modalities",
        field="output_modalities",
        direction="output",
    ),
    AllTags(name="tag", label="Capabilities", group="capabilities"),
    AtLeast(
        name="min_rank",
        label="Minimum UnfragileRank",
        group="facts",
        field="rank",
        max_value=100,
        placeholder="0 to 100",
    ),
    AtLeast(
        name="min_context",
        label="Minimum context (tokens)",
        group="facts",
        field="context_length",
        max_value=MAX_CONTEXT,
        placeholder="e.g. 128000",
    ),
    AtLeast(
        name="min_output",
        label="Minimum output (tokens)",
        group="model",
        field="max_output_tokens",
        max_value=MAX_CONTEXT,
        placeholder="e.g. 32000",
    ),
    SqlOnly(
        name="max_output_price",
        label="Output price at most (US$ per 1M tokens)",
        group="model",
        make_filter=_max_price_filter,
        apply=_max_output_price_sql,
        widget_name="number",
    ),
    OnOrAfter(
        name="knowledge_after",
        label="Knowledge cutoff on or after",
        group="model",
        field="knowledge_cutoff",
    ),
    AllFeatures(
        name="supports",
        label="Supports",
        group="model",
        fields=[
            ("tools", "Tool calling", "supports_tools"),
            ("structured_output", "Structured output", "supports_structured_output"),
            ("reasoning", "Reasoning", "supports_reasoning"),
            ("web_search", "Web search", "supports_web_search"),
        ],
    ),
)

FILTERS_BY_NAME: dict[str, CatalogFilter] = {f.name: f for f in CATALOG_FILTERS}

# Artifact has the fields the declarations read (a typo fails at import, not on a page).
for _declared in CATALOG_FILTERS:
    for _lookup in _declared.snapshot_fields:
        Artifact._meta.get_field(_lookup.split("__")[0])
