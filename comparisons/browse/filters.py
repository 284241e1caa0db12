"""Browsing the catalog: the FilterSet behind /artifacts/ and the counts shown beside each filter.

Every public input is hostile: each field validates its own value (choices, ranges, lengths,
how many values a repeated parameter may carry), and an invalid field is left out of the
filtering while the others still apply (docs/browse.md).

The FilterSet states what each filter means, in SQL (`qs`). The page itself is answered
from the browse snapshot (comparisons/browse/snapshot.py), which evaluates the same cleaned values
in memory: results, their order and every facet count without a query, plus one query for
the filters only SQL can answer (text, price ceiling), one for the page's artifacts and one
for the tags on its cards. Tests hold the two paths to the same answers.
"""

import functools
import operator
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

import django_filters
import numpy as np
from django import forms
from django.core.validators import EMPTY_VALUES, MaxLengthValidator
from django.db.models import Count, Q, QuerySet

from catalog.fields import Modality
from catalog.models import (
    Artifact,
    ArtifactKind,
    Capability,
    PriceUnit,
    PricingModel,
    Status,
)
from catalog.pricing import TOKEN_SCALE, unit_label
from comparisons.browse.snapshot import BrowseSnapshot, browse_snapshot_get
from comparisons.browse.sorting import DEFAULT_ORDERING, DEFAULT_SORT, SORT_CHOICES, SORT_ORDERINGS

MAX_TEXT_LENGTH = 200
MAX_TEXT_TERMS = 8
MAX_TAGS = 10
MAX_CONTEXT = 100_000_000
TOP_TAGS_PER_CARD = 3
VENDORS_SHOWN = 100

# Fields whose values combine with OR: picking a second kind widens the results, so each
# value's count is computed as if the field's own selection were not there.
OR_FACETS = {"kind": "kind", "pricing_model": "pricing_model", "vendor": "vendor__slug"}
# Filters the snapshot cannot answer in memory: substring text and exact decimal prices.
SQL_FILTERS = ("q", "max_price")

# The ceiling is asked in the scale people compare token prices in (per 1M tokens).
CEILING_SCALE = TOKEN_SCALE


def ceiling_unit_label(unit: str) -> str:
    return f"per {CEILING_SCALE.get(unit, (1, unit_label(unit)))[1]}"


def _at_most(limit: int, what: str) -> MaxLengthValidator:
    return MaxLengthValidator(limit, message=f"Pick at most %(limit_value)d {what}.")


def _facet_condition(name: str, value) -> Q:
    """The condition an OR field puts on the results: any of the selected values."""
    if not value:
        return Q()
    values = value if isinstance(value, list) else [value]
    return Q(**{f"{OR_FACETS[name]}__in": values})


def _published_capabilities_tagged(slug: str) -> QuerySet:
    return Capability.objects.published().filter(tags__slug=slug).values("artifact_id")


def _number_input(**attrs) -> forms.TextInput:
    # A text box, not type=number: the browser's own range checks would silently stop htmx
    # from sending the form, where the server's checks put a message beside the field.
    return forms.TextInput(attrs={"class": "filter-number", "autocomplete": "off", **attrs})


class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class ArtifactFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        if cleaned.get("max_price") is not None and not cleaned.get("price_unit"):
            self.add_error("max_price", "Choose the unit this price ceiling is in.")
        return cleaned


class ArtifactFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Name or description",
        method="filter_text",
        max_length=MAX_TEXT_LENGTH,
        widget=forms.SearchInput(attrs={"placeholder": "e.g. flux, long context"}),
    )
    sort = django_filters.ChoiceFilter(
        label="Sort by", choices=SORT_CHOICES, method="filter_sort", empty_label=None
    )
    kind = django_filters.MultipleChoiceFilter(
        label="Kind",
        choices=ArtifactKind.choices,
        method="filter_any_of",
        validators=[_at_most(len(ArtifactKind.choices), "kinds")],
    )
    vendor = django_filters.ChoiceFilter(
        label="Vendor", choices=[], method="filter_any_of", empty_label="Any vendor"
    )
    pricing_model = django_filters.MultipleChoiceFilter(
        label="Pricing",
        choices=PricingModel.choices,
        method="filter_any_of",
        validators=[_at_most(len(PricingModel.choices), "pricing models")],
    )
    has_free_tier = django_filters.BooleanFilter(label="Has a free tier")
    open_weights = django_filters.BooleanFilter(label="Open weights")
    input = django_filters.MultipleChoiceFilter(
        label="Accepts",
        choices=Modality.choices,
        method="filter_input",
        validators=[_at_most(len(Modality.choices), "input modalities")],
    )
    output = django_filters.MultipleChoiceFilter(
        label="Produces",
        choices=Modality.choices,
        method="filter_output",
        validators=[_at_most(len(Modality.choices), "output modalities")],
    )
    tag = django_filters.MultipleChoiceFilter(
        label="Capabilities",
        choices=[],
        method="filter_tags",
        validators=[_at_most(MAX_TAGS, "capability tags")],
    )
    price_unit = django_filters.ChoiceFilter(
        label="Priced per",
        choices=[(unit, ceiling_unit_label(unit)) for unit in PriceUnit.values],
        empty_label="Any unit",
    )
    max_price = django_filters.NumberFilter(
        label="At most (US$)",
        method="filter_max_price",
        min_value=0,
        max_digits=16,
        decimal_places=8,
        widget=_number_input(inputmode="decimal", placeholder="e.g. 0.5"),
    )
    min_rank = IntegerFilter(
        label="Minimum UnfragileRank",
        field_name="rank",
        lookup_expr="gte",
        min_value=0,
        max_value=100,
        widget=_number_input(inputmode="numeric", placeholder="0 to 100"),
    )
    min_context = IntegerFilter(
        label="Minimum context (tokens)",
        field_name="context_length",
        lookup_expr="gte",
        min_value=0,
        max_value=MAX_CONTEXT,
        widget=_number_input(inputmode="numeric", placeholder="e.g. 128000"),
    )

    class Meta:
        model = Artifact
        fields = []
        form = ArtifactFilterForm

    def __init__(
        self, data=None, queryset=None, *, snapshot: BrowseSnapshot | None = None, **kwargs
    ):
        if queryset is None:
            queryset = Artifact.objects.published().select_related("vendor")
        super().__init__(data, queryset.order_by(*DEFAULT_ORDERING), **kwargs)
        self.snapshot = snapshot or browse_snapshot_get()
        # Only vendors and tags that would find something are offered. Callables, because
        # forms deep-copy plain choices on every instance (thousands of vendors at scale).
        snapshot = self.snapshot
        self.filters["vendor"].extra["choices"] = lambda: snapshot.vendors
        self.filters["tag"].extra["choices"] = lambda: snapshot.tag_choices
        for name, filter_ in self.filters.items():
            # Error containers always exist, so HTMX can swap messages in and out.
            filter_.extra.setdefault("widget", filter_.field_class.widget())
            filter_.extra["widget"].attrs.setdefault("aria-describedby", f"err-{name}")

    def filter_text(self, queryset, name, value):
        for term in value.split()[:MAX_TEXT_TERMS]:
            queryset = queryset.filter(Q(name__icontains=term) | Q(summary__icontains=term))
        return queryset

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*SORT_ORDERINGS[value])

    def filter_any_of(self, queryset, name, value):
        return queryset.filter(_facet_condition(name, value))

    def filter_input(self, queryset, name, value):
        for modality in value:
            queryset = queryset.with_input(modality)
        return queryset

    def filter_output(self, queryset, name, value):
        for modality in value:
            queryset = queryset.with_output(modality)
        return queryset

    def filter_tags(self, queryset, name, value):
        # All selected tags must be present: each one narrows the results.
        for slug in value:
            queryset = queryset.filter(pk__in=_published_capabilities_tagged(slug))
        return queryset

    def filter_max_price(self, queryset, name, value):
        unit = self.form.cleaned_data.get("price_unit")
        if not unit:
            return queryset
        scale = CEILING_SCALE.get(unit, (Decimal(1), ""))[0]
        return queryset.filter(price_unit=unit, starting_price__lte=value / scale)

    def matching(self, *, ignoring: str = "") -> np.ndarray:
        """Which snapshot artifacts the valid filters keep (all but `ignoring`)."""
        masks = [mask for name, mask in self._masks.items() if name != ignoring]
        return functools.reduce(operator.and_, masks, self.snapshot.everything())

    def ordered_ids(self) -> np.ndarray:
        """The results' ids in the chosen order: what `qs` returns, from the snapshot."""
        sort = self._cleaned.get("sort") or DEFAULT_SORT
        return self.snapshot.ordered_ids(self.matching(), sort)

    @property
    def _cleaned(self) -> dict:
        """The valid fields' values ({} for an unbound filterset, which filters nothing)."""
        self.form.is_valid()
        return getattr(self.form, "cleaned_data", {})

    @functools.cached_property
    def _masks(self) -> dict[str, np.ndarray]:
        """One mask per valid, non-empty filter; the SQL-only ones share one query."""
        snapshot, masks, in_sql = self.snapshot, {}, {}
        for name, value in self._cleaned.items():
            if name == "sort" or value in EMPTY_VALUES:
                continue
            if name in SQL_FILTERS:
                in_sql[name] = value
            elif name in OR_FACETS:
                masks[name] = snapshot.any_of(name, value if isinstance(value, list) else [value])
            elif name in ("has_free_tier", "open_weights"):
                masks[name] = getattr(snapshot, name) == value
            elif name in ("input", "output"):
                masks[name] = snapshot.having_modalities(f"{name}s", value)
            elif name == "tag":
                masks[name] = functools.reduce(operator.and_, map(snapshot.tagged, value))
            elif name == "price_unit":
                masks[name] = snapshot.priced_in(value)
            elif name == "min_rank":
                masks[name] = snapshot.rank >= value
            elif name == "min_context":
                masks[name] = snapshot.context_length >= value
            else:
                raise AssertionError(f"The snapshot does not know the filter {name!r}.")
        if in_sql:
            queryset = Artifact.objects.published().order_by()
            for name, value in in_sql.items():
                queryset = self.filters[name].filter(queryset, value)
            masks["sql"] = snapshot.with_ids(queryset.values_list("pk", flat=True))
        return masks

    @property
    def active_params(self) -> dict[str, list[str]]:
        """The non-empty parameters this filter understands, for clean shareable URLs."""
        return {
            name: values
            for name in self.filters
            if (values := [v for v in self.data.getlist(name) if v.strip()])
        }


@dataclass(slots=True)
class FacetOption:
    param: str
    value: str
    label: str
    count: int
    selected: bool

    @property
    def dom_id(self) -> str:
        return f"f-{self.param}-{self.value}"


@dataclass(frozen=True)
class Facets:
    """Counts beside each filter value (docs/browse.md says how each one is counted)."""

    kind: list[FacetOption]
    vendor: list[FacetOption]
    pricing_model: list[FacetOption]
    has_free_tier: FacetOption
    open_weights: FacetOption
    input: list[FacetOption]
    output: list[FacetOption]
    tag: list[FacetOption]

    def counted_options(self) -> list[FacetOption]:
        """Every option shown with a count beside it: all but the vendors, whose counts are
        part of their <option> text."""
        return [
            *self.kind,
            *self.pricing_model,
            self.has_free_tier,
            self.open_weights,
            *self.input,
            *self.output,
            *self.tag,
        ]


def artifact_facets_count(*, filterset: ArtifactFilter) -> Facets:
    """Counts from the browse snapshot: array operations, no query."""
    filterset.form.is_valid()  # fills cleaned_data with the fields that are valid
    data = filterset.form.data
    snapshot = filterset.snapshot
    everything = filterset.matching()
    # OR fields: every other filter applied, the field's own selection set aside.
    coded = {
        name: snapshot.value_counts(name, filterset.matching(ignoring=name)) for name in OR_FACETS
    }
    counts: dict[str, dict[str, int]] = {
        name: dict(zip(snapshot.labels[name], coded[name].tolist(), strict=True))
        for name in ("kind", "pricing_model")
    }
    for flag_name in ("has_free_tier", "open_weights"):
        column = getattr(snapshot, flag_name)
        counts[flag_name] = {"true": int(np.count_nonzero(column & everything))}
    counts["input"] = snapshot.modality_counts("inputs", everything)
    counts["output"] = snapshot.modality_counts("outputs", everything)
    counts["tag"] = snapshot.tag_counts(everything)

    def options(param: str) -> list[FacetOption]:
        selected = set(data.getlist(param))
        return [
            FacetOption(
                param=param,
                value=str(value),
                label=str(label),
                count=counts[param].get(value, 0),
                selected=value in selected,
            )
            for value, label in filterset.form.fields[param].choices
            if value != ""  # the "any" entry of a single-choice field
        ]

    def flag(param: str) -> FacetOption:
        return FacetOption(
            param=param,
            value="true",
            label=str(filterset.filters[param].label),
            count=counts[param]["true"],
            selected=filterset.form[param].value() is True,
        )

    return Facets(
        kind=options("kind"),
        vendor=vendors_shown(
            vendors=snapshot.vendors, counts=coded["vendor"], selected=data.get("vendor", "")
        ),
        pricing_model=options("pricing_model"),
        has_free_tier=flag("has_free_tier"),
        open_weights=flag("open_weights"),
        input=options("input"),
        output=options("output"),
        tag=options("tag"),
    )


def vendors_shown(
    *, vendors: list[tuple[str, str]], counts: np.ndarray, selected: str
) -> list[FacetOption]:
    """The vendor options worth offering: vendors with results under the other filters, at
    most VENDORS_SHOWN of them (those with the most results), and the selected vendor
    whatever its count; in the vendors' (name) order. `counts` is aligned with `vendors`.
    A catalog of thousands of vendors would otherwise send thousands of options with every
    page and every filter change."""
    counts = np.asarray(counts)
    chosen = [i for i, (slug, _) in enumerate(vendors) if slug == selected]
    with_results = np.setdiff1d(np.flatnonzero(counts), chosen)  # in name order
    # Stable: among equal counts the earlier name wins.
    busiest = with_results[np.argsort(-counts[with_results], kind="stable")[:VENDORS_SHOWN]]
    return [
        FacetOption("vendor", vendors[i][0], vendors[i][1], int(counts[i]), i in chosen)
        for i in sorted({*busiest.tolist(), *chosen})
    ]


def artifacts_in_order(*, ids: Iterable[int]) -> list[Artifact]:
    """The published artifacts of `ids`, for cards, in the order given: one query."""
    ids = [int(i) for i in ids]
    found = Artifact.objects.published().for_cards().in_bulk(ids)
    return [found[i] for i in ids if i in found]


def artifacts_top_tags_attach(*, artifacts: list[Artifact], limit: int = TOP_TAGS_PER_CARD):
    """Set `top_tags` on each artifact: its most used tags across published capabilities,
    for all the artifacts in one query."""
    if not artifacts:
        return
    rows = (
        Capability.tags.through.objects.filter(
            capability__artifact__in=[a.pk for a in artifacts],
            capability__status=Status.PUBLISHED,
        )
        .values("capability__artifact_id", "tag__slug", "tag__name")
        .annotate(uses=Count("pk"))
        .order_by("capability__artifact_id", "-uses", "tag__name")
    )
    by_artifact: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        tags = by_artifact[row["capability__artifact_id"]]
        if len(tags) < limit:
            tags.append({"slug": row["tag__slug"], "name": row["tag__name"]})
    for artifact in artifacts:
        artifact.top_tags = by_artifact.get(artifact.pk, [])
