"""Browsing the catalog: the FilterSet behind /artifacts/ and the counts shown beside each filter.

Every public input is hostile: each field validates its own value (choices, ranges, lengths,
how many values a repeated parameter may carry), and an invalid field is left out of the
filtering while the others still apply (docs/browse.md). The queries are fixed in number
whatever the filters: one for the vendor choices, one for the tag choices, the page and its
count, one aggregate for all scalar facet counts, one for vendor counts, one for tag counts,
and one for the tags shown on the page's cards.
"""

import functools
import operator
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

import django_filters
from django import forms
from django.core.validators import MaxLengthValidator
from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Lower

from catalog.fields import Modality, modality_lookup
from catalog.models import (
    Artifact,
    ArtifactKind,
    Capability,
    PriceUnit,
    PricingModel,
    Status,
    Tag,
    Vendor,
)
from catalog.pricing import TOKEN_SCALE, UNIT_LABELS

MAX_TEXT_LENGTH = 200
MAX_TEXT_TERMS = 8
MAX_TAGS = 10
MAX_CONTEXT = 100_000_000
TOP_TAGS_PER_CARD = 3

# Fields whose values combine with OR: picking a second kind widens the results, so each
# value's count is computed as if the field's own selection were not there.
OR_FACETS = {"kind": "kind", "pricing_model": "pricing_model", "vendor": "vendor__slug"}

# The ceiling is asked in the scale people compare token prices in (per 1M tokens).
CEILING_SCALE = TOKEN_SCALE


def ceiling_unit_label(unit: str) -> str:
    return f"per {CEILING_SCALE.get(unit, (1, UNIT_LABELS[unit]))[1]}"


SORT_CHOICES = [
    ("-rank", "Highest rank"),
    ("-times_matched", "Most matched in searches"),
    ("price", "Lowest price"),
    ("newest", "Newest"),
    ("name", "Name (A to Z)"),
]
DEFAULT_ORDERING = ("-rank", Lower("name"), "pk")

_UNIT_ORDER = Case(
    *[When(price_unit=unit, then=Value(i)) for i, unit in enumerate(PriceUnit.values)],
    default=Value(len(PriceUnit.values)),
)
SORT_ORDERINGS = {
    "-rank": DEFAULT_ORDERING,
    "-times_matched": ("-times_matched", "-rank", Lower("name"), "pk"),
    # Free first (free is free in any unit), then priced ones grouped by unit (a token is
    # never compared with a month), cheapest first; unknown prices always last.
    "price": (
        Case(
            When(starting_price__isnull=True, then=Value(2)),
            When(starting_price=0, then=Value(0)),
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
}


def _at_most(limit: int, what: str) -> MaxLengthValidator:
    return MaxLengthValidator(limit, message=f"Pick at most %(limit_value)d {what}.")


def _all(conditions) -> Q:
    return functools.reduce(operator.and_, conditions, Q())


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

    def __init__(self, data=None, queryset=None, **kwargs):
        if queryset is None:
            queryset = Artifact.objects.published().select_related("vendor")
        super().__init__(data, queryset.order_by(*DEFAULT_ORDERING), **kwargs)
        # Choices are read once here: callables would be re-queried on every iteration.
        self.filters["vendor"].extra["choices"] = vendor_choices()
        self.filters["tag"].extra["choices"] = tag_choices()
        for name, filter_ in self.filters.items():
            # Error containers always exist, so HTMX can swap messages in and out.
            filter_.extra.setdefault("widget", filter_.field_class.widget())
            filter_.extra["widget"].attrs.setdefault("aria-describedby", f"err-{name}")

    def filter_queryset(self, queryset, skip=()):
        for name, value in self.form.cleaned_data.items():
            if name not in skip:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

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

    @property
    def active_params(self) -> dict[str, list[str]]:
        """The non-empty parameters this filter understands, for clean shareable URLs."""
        return {
            name: values
            for name in self.filters
            if (values := [v for v in self.data.getlist(name) if v.strip()])
        }


def vendor_choices() -> list[tuple[str, str]]:
    has_published = Artifact.objects.published().filter(vendor=OuterRef("pk"))
    return list(
        Vendor.objects.filter(Exists(has_published)).order_by("name").values_list("slug", "name")
    )


def tag_choices() -> list[tuple[str, str]]:
    used = Capability.objects.published().filter(
        tags=OuterRef("pk"), artifact__status=Status.PUBLISHED
    )
    return list(Tag.objects.filter(Exists(used)).order_by("name").values_list("slug", "name"))


@dataclass(frozen=True)
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

    def all_options(self) -> list[FacetOption]:
        return [
            *self.kind,
            *self.vendor,
            *self.pricing_model,
            self.has_free_tier,
            self.open_weights,
            *self.input,
            *self.output,
            *self.tag,
        ]


def artifact_facets_count(*, filterset: ArtifactFilter) -> Facets:
    """Three queries: one aggregate for every scalar value, one for vendors, one for tags."""
    filterset.form.is_valid()  # fills cleaned_data with the fields that are valid
    cleaned = filterset.form.cleaned_data
    data = filterset.form.data
    chosen = {name: _facet_condition(name, cleaned.get(name)) for name in OR_FACETS}

    def others(excluded: str | None) -> Q:
        return _all(cond for name, cond in chosen.items() if name != excluded)

    # Everything but the OR fields, which each value's count re-applies selectively.
    base = filterset.filter_queryset(filterset.queryset.all(), skip=(*OR_FACETS, "sort")).order_by()

    scalar: dict[str, tuple[str, str, Q]] = {}
    for value, _ in ArtifactKind.choices:
        scalar[f"c{len(scalar)}"] = ("kind", value, Q(kind=value) & others("kind"))
    for value, _ in PricingModel.choices:
        scalar[f"c{len(scalar)}"] = (
            "pricing_model",
            value,
            Q(pricing_model=value) & others("pricing_model"),
        )
    everything = others(None)
    for field in ("has_free_tier", "open_weights"):
        scalar[f"c{len(scalar)}"] = (field, "true", Q(**{field: True}) & everything)
    for param, field in (("input", "input_modalities"), ("output", "output_modalities")):
        for value, _ in Modality.choices:
            condition = Q(**{f"{field}__contains": modality_lookup(value)})
            scalar[f"c{len(scalar)}"] = (param, value, condition & everything)
    row = base.aggregate(**{key: Count("pk", filter=cond) for key, (_, _, cond) in scalar.items()})
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for key, (param, value, _) in scalar.items():
        counts[param][value] = row[key] or 0

    counts["vendor"] = dict(
        base.filter(others("vendor"))
        .values("vendor__slug")
        .annotate(n=Count("pk"))
        .values_list("vendor__slug", "n")
    )
    results = base.filter(everything).values("pk")
    counts["tag"] = dict(
        Capability.objects.published()
        .filter(artifact__in=results, tags__isnull=False)
        .order_by()
        .values("tags__slug")
        .annotate(n=Count("artifact", distinct=True))
        .values_list("tags__slug", "n")
    )

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
            for value, label in filterset.filters[param].extra["choices"]
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
        vendor=options("vendor"),
        pricing_model=options("pricing_model"),
        has_free_tier=flag("has_free_tier"),
        open_weights=flag("open_weights"),
        input=options("input"),
        output=options("output"),
        tag=options("tag"),
    )


def artifacts_top_tags_attach(*, artifacts: list[Artifact], limit: int = TOP_TAGS_PER_CARD):
    """Set `top_tags` on each artifact: its most used tags across published capabilities,
    for all the artifacts in one query."""
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
