"""Browsing the catalog: the FilterSet behind /artifacts/ and the counts shown beside each filter.

Every filter is declared once in comparisons/browse/declarations.py; the FilterSet below is
built from those declarations, and so are the snapshot's columns and the facet counts.

Every public input is hostile: each field validates its own value (choices, ranges, lengths,
how many values a repeated parameter may carry), and an invalid field is left out of the
filtering while the others still apply (docs/browse.md). An empty value ("?kind=") means
"not chosen", on every filter.

The FilterSet states what each filter means, in SQL (`qs`). The page itself is answered
from the browse snapshot (comparisons/browse/snapshot.py), which evaluates the same cleaned values
in memory: results, their order and every facet count without a query, plus one query for
the filters only SQL can answer (text, price ceiling), one for the page's artifacts and one
for the tags on its cards. Tests hold the two paths to the same answers.
"""

import functools
import operator
import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import django_filters
import numpy as np
from django import forms
from django.core.validators import EMPTY_VALUES
from django.db.models import Count, QuerySet
from django.http import QueryDict
from django.utils.choices import CallableChoiceIterator
from django.utils.safestring import SafeString

from catalog.models import Artifact, Capability, Status
from comparisons.browse.declarations import (
    CATALOG_FILTERS,
    FILTERS_BY_NAME,
    GROUPS,
    MAX_TAGS,
    AllFeatures,
    AllModalities,
    AllTags,
    AnyOf,
    CatalogFilter,
    Flag,
    SqlOnly,
)
from comparisons.browse.snapshot import BrowseSnapshot, browse_snapshot_get
from comparisons.browse.sorting import DEFAULT_ORDERING, DEFAULT_SORT, SORT_CHOICES, SORT_ORDERINGS

__all__ = ["MAX_TAGS", "ArtifactFilter", "artifact_facets_count", "vendors_shown"]

TOP_TAGS_PER_CARD = 3
VENDORS_SHOWN = 100


def _without_empty_values(data: QueryDict | None) -> QueryDict | None:
    """`data` less its blank values: "?kind=&vendor=" chooses nothing, like no parameter."""
    if data is None:
        return None
    kept = QueryDict(mutable=True)
    for name, values in data.lists():
        if non_blank := [v for v in values if v.strip()]:
            kept.setlist(name, non_blank)
    return kept


# Rendered filter widgets kept per process (WidgetMemoisedBoundField), oldest dropped first:
# a few hundred distinct values cover the choices; free text fills the rest.
WIDGETS_KEPT = 1024
_widgets_rendered: dict[tuple, SafeString] = {}


class WidgetMemoisedBoundField(forms.BoundField):
    """A filter field whose widget HTML is rendered once per process for each value it
    shows. The filter form's widgets cost a third of a full catalog page's time through
    Django's widget templates, and what they render depends only on what the key holds:
    the field (made from a declaration, never changed at run time), its value, whether it
    is in error, and its choices. Fields whose choices come from the catalog (callables
    over the browse snapshot) are rendered every time."""

    def __str__(self) -> SafeString:
        choices = getattr(self.field, "choices", ())
        if isinstance(choices, CallableChoiceIterator):
            return super().__str__()
        value = self.value()
        key = (
            self.html_name,
            self.auto_id,
            self.form.is_bound,
            bool(self.errors),
            repr(list(value) if isinstance(value, (list, tuple)) else value),
            repr(list(choices)),
        )
        html = _widgets_rendered.get(key)
        if html is None:
            html = _widgets_rendered[key] = super().__str__()
            if len(_widgets_rendered) > WIDGETS_KEPT:
                _widgets_rendered.pop(next(iter(_widgets_rendered)), None)
        return html


class ArtifactFilterForm(forms.Form):
    bound_field_class = WidgetMemoisedBoundField

    def __init__(self, *args, **kwargs):
        # The form class's fields are made for it alone (`_filters_prepared`) and no form
        # changes them, so the per-instance deep copy of every field, a third of a catalog
        # fragment's time, would copy what nobody changes.
        self.base_fields = {}  # type: ignore[misc]
        super().__init__(*args, **kwargs)
        self.fields = type(self).base_fields

    def clean(self):
        cleaned = super().clean()
        for declared in CATALOG_FILTERS:
            if not isinstance(declared, SqlOnly) or cleaned.get(declared.name) in EMPTY_VALUES:  # type: ignore[union-attr]
                continue
            if not all(cleaned.get(other) for other in declared.requires):  # type: ignore[union-attr]
                self.add_error(declared.name, declared.requires_message)
        return cleaned


class BaseArtifactFilter(django_filters.FilterSet):
    class Meta:
        model = Artifact
        fields: list[str] = []
        form = ArtifactFilterForm

    def __init__(
        self, data=None, queryset=None, *, snapshot: BrowseSnapshot | None = None, **kwargs
    ):
        if queryset is None:
            queryset = Artifact.objects.published().select_related("vendor")
        # Fresh filters from the declarations instead of django-filter's deep copy of the
        # class's (several milliseconds per request): nothing to copy from, then our own.
        self.base_filters: dict[str, django_filters.Filter] = {}
        super().__init__(
            _without_empty_values(data), queryset.order_by(*DEFAULT_ORDERING), **kwargs
        )
        self.snapshot = snapshot or browse_snapshot_get()
        self.filters, self._form_class = _filters_prepared(self.snapshot)
        # Combined masks and their positions, per filter left out ("" for none).
        self._matching: dict[str, np.ndarray] = {}
        self._positions: dict[str, np.ndarray] = {}

    def get_form_class(self) -> type[forms.Form]:
        return self._form_class

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        """What django-filter does, without asking each filter for its `parent` filterset:
        the filters are shared by the filtersets of a thread (`_filters_prepared`)."""
        for name, value in self.form.cleaned_data.items():
            if value in EMPTY_VALUES:
                continue
            if name == "sort":
                queryset = self.filter_sort(queryset, name, value)
            else:
                queryset = self.filter_declared(queryset, name, value)
        return queryset

    def filter_declared(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        if value in EMPTY_VALUES:
            return queryset
        return FILTERS_BY_NAME[name].sql(queryset, value, cleaned=self.form.cleaned_data)

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*SORT_ORDERINGS[value])

    def matching(self, *, ignoring: str = "") -> np.ndarray:
        """Which snapshot artifacts the valid filters keep (all but `ignoring`): a mask
        aligned with the snapshot's columns."""
        if ignoring not in self._masks:
            ignoring = ""  # the same artifacts: reuse what was combined already
        found = self._matching.get(ignoring)
        if found is None:
            masks = [mask for name, mask in self._masks.items() if name != ignoring]
            found = functools.reduce(operator.and_, masks, self.snapshot.everything())
            self._matching[ignoring] = found
        return found

    def matching_positions(self, *, ignoring: str = "") -> np.ndarray:
        """`matching(ignoring=...)` as positions into the snapshot's columns (int64 array,
        ascending). Counting over positions costs a fraction of numpy's boolean indexing
        of every row, and one list serves every count of the same artifacts."""
        if ignoring not in self._masks:
            ignoring = ""
        found = self._positions.get(ignoring)
        if found is None:
            found = self._positions[ignoring] = np.flatnonzero(self.matching(ignoring=ignoring))
        return found

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
        masks, in_sql = {}, {}
        for name, value in self._cleaned.items():
            if name == "sort" or value in EMPTY_VALUES:
                continue
            mask = FILTERS_BY_NAME[name].mask(self.snapshot, value)
            if mask is None:
                in_sql[name] = value
            else:
                masks[name] = mask
        if in_sql:
            queryset = Artifact.objects.published().order_by()
            for name, value in in_sql.items():
                queryset = FILTERS_BY_NAME[name].sql(queryset, value, cleaned=self._cleaned)
            masks["sql"] = self.snapshot.with_ids(queryset.values_list("pk", flat=True))
        return masks

    @property
    def active_params(self) -> dict[str, list[str]]:
        """The parameters this filter understands, for clean shareable URLs (blank values
        were already dropped when the filter was bound)."""
        return {name: self.data.getlist(name) for name in self.filters if name in self.data}


# This thread's filters and form class, with the snapshot they offer choices from.
_prepared = threading.local()


def _filters_prepared(
    snapshot: BrowseSnapshot,
) -> tuple[dict[str, django_filters.Filter], type[forms.Form]]:
    """The filters and the form class of a filterset over `snapshot`, made once per thread
    and snapshot: fresh filters from the declarations, each field made, choices offered
    from the snapshot. Making them took about 1.5 ms of a 9.5 ms catalog request, and
    nothing in them depends on the request: each form holds its own data, errors and
    bound fields, and the filterset filters without their `parent` (`filter_queryset`).
    Per thread all the same: django-filter does not promise that a filter is safe to
    share between threads."""
    kept = getattr(_prepared, "entry", None)
    if kept is not None and kept[0] is snapshot:
        return kept[1], kept[2]
    filters = _form_filters()
    for name, filter_ in filters.items():
        # What django-filter's metaclass and __init__ do for the class's own filters.
        filter_.field_name = filter_.field_name or name
        filter_.model = Artifact
    # Only vendors and tags that would find something are offered. Callables, because
    # forms deep-copy plain choices on every instance (thousands of vendors at scale).
    for declared in CATALOG_FILTERS:
        if isinstance(declared, AnyOf) and declared.choices is None:
            filters[declared.name].extra["choices"] = functools.partial(
                snapshot.labels.__getitem__, declared.name
            )
    filters["tag"].extra["choices"] = lambda: snapshot.tag_choices
    for name, filter_ in filters.items():
        # Error containers always exist, so HTMX can swap messages in and out.
        filter_.extra.setdefault("widget", filter_.field_class.widget())
        filter_.extra["widget"].attrs.setdefault("aria-describedby", f"err-{name}")
    form_class = type(
        "ArtifactFilterForm",
        (ArtifactFilterForm,),
        {name: filter_.field for name, filter_ in filters.items()},
    )
    _prepared.entry = (snapshot, filters, form_class)
    return filters, form_class


def _form_filters() -> dict[str, django_filters.Filter]:
    """One form filter per declaration, in declaration order, the sort after the text box
    (the order of parameters in shared URLs)."""
    filters = {declared.name: declared.form_filter() for declared in CATALOG_FILTERS}
    sort = django_filters.ChoiceFilter(
        label="Sort by", choices=SORT_CHOICES, method="filter_sort", empty_label=None
    )
    names = list(filters)
    names.insert(names.index("q") + 1, "sort")
    return {name: sort if name == "sort" else filters[name] for name in names}


ArtifactFilter = type("ArtifactFilter", (BaseArtifactFilter,), _form_filters())


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
class FilterField:
    """One declared filter as the form draws it: its bound field and, for filters with
    counts, its options (a single FacetOption for a flag)."""

    declared: CatalogFilter
    field: forms.BoundField
    options: list[FacetOption] | FacetOption | None

    @property
    def widget(self) -> str:
        return self.declared.widget

    @property
    def name(self) -> str:
        return self.declared.name


@dataclass(frozen=True)
class FilterGroup:
    """A fieldset of the filter form."""

    name: str
    legend: str
    collapsible: bool
    hint: str
    fields: list[FilterField]

    @property
    def is_open(self) -> bool:
        """Collapsible groups start open when one of their filters is set or in error."""
        return any(f.field.value() or f.field.errors for f in self.fields)

    @property
    def error_ids(self) -> str:
        return " ".join(f"err-{f.name}" for f in self.fields)


class Facets(dict[str, Any]):
    """Options and counts per filter name (docs/browse.md says how each one is counted),
    plus the form's groups. `facets.kind` in templates reads `facets["kind"]`."""

    def __init__(self, options: dict[str, Any], groups: list[FilterGroup]) -> None:
        super().__init__(options)
        self.groups = groups

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def counted_options(self) -> list[FacetOption]:
        """Every option shown with a count beside it: all but the vendors, whose counts are
        part of their <option> text."""
        counted: list[FacetOption] = []
        for name, options in self.items():
            if name == "vendor":
                continue
            counted.extend(options if isinstance(options, list) else [options])
        return counted


def artifact_facets_count(*, filterset: BaseArtifactFilter) -> Facets:
    """Counts from the browse snapshot: array operations, no query. OR filters count each
    value with the field's own selection set aside; the others count within the results."""
    filterset.form.is_valid()  # fills cleaned_data with the fields that are valid
    data = filterset.form.data
    snapshot = filterset.snapshot
    everything = filterset.matching()
    positions = filterset.matching_positions()

    def options(param: str, counts: dict[str, int]) -> list[FacetOption]:
        selected = set(data.getlist(param))
        return [
            FacetOption(
                param=param,
                value=str(value),
                label=str(label),
                count=counts.get(value, 0),
                selected=value in selected,
            )
            for value, label in filterset.form.fields[param].choices
            if value != ""  # the "any" entry of a single-choice field
        ]

    facets: dict[str, Any] = {}
    for declared in CATALOG_FILTERS:
        name = declared.name
        if isinstance(declared, AnyOf):
            coded = snapshot.value_counts(name, filterset.matching_positions(ignoring=name))
            if declared.multiple:
                values = [value for value, _ in snapshot.labels[name]]
                facets[name] = options(name, dict(zip(values, coded.tolist(), strict=True)))
            else:
                facets[name] = vendors_shown(
                    vendors=snapshot.labels[name], counts=coded, selected=data.get(name, "")
                )
        elif isinstance(declared, Flag):
            count = int(np.count_nonzero(snapshot.columns[name] & everything))
            facets[name] = FacetOption(
                param=name,
                value="true",
                label=str(filterset.filters[name].label),
                count=count,
                selected=filterset.form[name].value() is True,
            )
        elif isinstance(declared, AllModalities | AllFeatures):
            facets[name] = options(name, declared.counts(snapshot, positions))
        elif isinstance(declared, AllTags):
            facets[name] = options(name, snapshot.tag_counts(everything))

    groups: dict[str, list[FilterField]] = defaultdict(list)
    for declared in CATALOG_FILTERS:
        groups[declared.group].append(
            FilterField(declared, filterset.form[declared.name], facets.get(declared.name))
        )
    return Facets(
        facets,
        [
            FilterGroup(
                name=group,
                legend=GROUPS[group]["legend"],
                collapsible=GROUPS[group]["collapsible"],
                hint=GROUPS[group].get("hint", ""),
                fields=fields,
            )
            for group, fields in groups.items()
        ],
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
    # Most requests choose no vendor: no scan of every vendor's slug for them.
    chosen = [i for i, (slug, _) in enumerate(vendors) if slug == selected] if selected else []
    with_results = np.flatnonzero(counts)  # in name order
    if chosen:
        with_results = with_results[with_results != chosen[0]]
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
