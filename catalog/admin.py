from collections.abc import Callable
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect, ManyToManyRawIdWidget
from django.db import models
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from catalog import services
from catalog.display import admin_value, number_two_decimals, price_admin_text, prices_admin_lines
from catalog.models import (
    PRICE_VARIES,
    SCORE_COMPONENTS,
    SCORE_INTERVALS,
    Artifact,
    Capability,
    Evaluation,
    EvaluationAlias,
    RankWeights,
    Status,
    Tag,
    UsageFact,
    Vendor,
)
from catalog.ranking import COMPONENT_LABELS
from catalog.selectors import artifact_coverage_get

# Every registered score component (catalog.ranking.REGISTRY) and its interval, if any.
SCORED_FIELDS = (*SCORE_COMPONENTS, *SCORE_INTERVALS)


def _two_decimals(field: str, description: str) -> Callable:
    """A read-only admin column or field showing a float `field` with two decimals."""

    @admin.display(description=description, ordering=field)
    def show(self, obj) -> str:
        return number_two_decimals(getattr(obj, field))

    show.__name__ = f"{field}_2dp"
    return show


class TwoDecimalHistoryHelper(HistoricalRecordContextHelper):
    """History diffs with two decimals for floats (0.41 -> 0.43, not 0.4093360343955374)."""

    def prepare_delta_change_value(self, change, value):
        return admin_value(super().prepare_delta_change_value(change, value))


class ValidAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete for one required choice, rendered as valid HTML: a required
    <select> must start with an option whose value is empty (the Nu HTML Checker fails it
    otherwise, and an option's text must not be empty), which Django's widget writes only
    for optional fields; it reads "---------", as Django's plain select does. The script
    that names these widgets for screen readers is static/js/admin_autocomplete.js (loaded
    by admin/base_site.html)."""

    def optgroups(self, name, value, attr=None):
        groups = super().optgroups(name, value, attr)
        if self.is_required:
            options = groups[0][1]
            for index, option in enumerate(options, start=1):
                option["index"] = str(index)
            empty_label = self.choices.field.empty_label or "---------"
            options.insert(0, self.create_option(name, "", empty_label, False, 0))
        return groups


class HistoryAdmin(SimpleHistoryAdmin):
    """The admin every curated model uses: django-simple-history, numbers readable, and
    `autocomplete_fields` (the editors' way to pick artifacts, vendors and tags) valid."""

    def get_historical_record_context_helper(self, request, historical_record):
        return TwoDecimalHistoryHelper(self.model, historical_record)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = ValidAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class _LabelledRows(forms.BaseInlineFormSet):
    """Each row's inputs named after their capability: a table's column headers are not
    labels, so screen readers (and axe) need "Status of Reads PDFs"."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        title = form.instance.title if form.instance.pk else "a new capability"
        for name, field in form.fields.items():
            if field.widget.is_hidden:
                continue
            label = "Delete" if name == "DELETE" else str(field.label or name)
            field.widget.attrs.setdefault("aria-label", f"{label} of {title}")


class CapabilityInline(admin.TabularInline):
    """Compact rows on the artifact page: the title links to the capability's own page,
    where every field is edited; status and position change here."""

    model = Capability
    extra = 0
    ordering = ["position", "id"]
    fields = ["capability_title", "tag_names", "status", "position"]
    readonly_fields = ["capability_title", "tag_names"]
    template = "admin/catalog/capability_rows.html"

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        return type("LabelledCapabilityRows", (_LabelledRows, formset), {})

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        # Added from the capability form, which has room for the description and tags.
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Capability]:
        return super().get_queryset(request).prefetch_related("tags")

    @admin.display(description="Title")
    def capability_title(self, obj: Capability) -> str:
        url = reverse("admin:catalog_capability_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.title)

    @admin.display(description="Tags")
    def tag_names(self, obj: Capability) -> str:
        return ", ".join(tag.name for tag in obj.tags.all()) or "no tags"


@admin.register(Vendor)
class VendorAdmin(HistoryAdmin):
    list_display = ["name", "slug", "homepage", "artifact_count"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Vendor]:
        # Ordered again: the count's GROUP BY drops the model's ordering, and the
        # autocomplete view pages this queryset (an unordered page warns, and may repeat rows).
        queryset = super().get_queryset(request).annotate(artifact_count=Count("artifacts"))
        return queryset.order_by("name", "pk")

    @admin.display(description="Artifacts", ordering="artifact_count")
    def artifact_count(self, obj: Vendor) -> int:
        return obj.artifact_count  # type: ignore[attr-defined]


@admin.register(Tag)
class TagAdmin(HistoryAdmin):
    list_display = ["name", "slug", "capability_count"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Tag]:
        # Ordered again, as vendors are (the autocomplete view pages it).
        queryset = super().get_queryset(request).annotate(capability_count=Count("capabilities"))
        return queryset.order_by("name", "pk")

    @admin.display(description="Capabilities", ordering="capability_count")
    def capability_count(self, obj: Tag) -> int:
        return obj.capability_count  # type: ignore[attr-defined]


@admin.register(Artifact)
class ArtifactAdmin(HistoryAdmin):
    # The columns an editor scans; the rest (matches, components) is on the change page.
    list_display = [
        "name",
        "vendor",
        "kind",
        "status",
        "rank",
        "pricing_model",
        "price_display",
        "needs_review",
        "updated_on",
    ]
    list_filter = [
        "status",
        "kind",
        "pricing_model",
        "has_free_tier",
        "open_weights",
        "needs_review",
        "prices_unclear",
        "delisted_at",
        "delisting_kept",
        "vendor",
    ]
    list_select_related = ["vendor"]
    search_fields = ["name", "slug", "summary", "vendor__name", "external_id"]
    autocomplete_fields = ["vendor"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = (
        *(f"{field}_2dp" for field in SCORED_FIELDS),
        "rank",
        "rank_low",
        "rank_high",
        "rank_provisional",
        "score_evidence",
        "data_coverage",
        "times_matched",
        "score_computed_at",
        "curated_fields",
        "prices_read",
        "price_reads_as",
        "created_at",
        "updated_at",
    )
    inlines = [CapabilityInline]
    actions = ["publish", "unpublish", "archive", "recompute_score", "recompute_all_scores"]
    save_on_top = True
    # Plain address inputs: the admin's default repeats each address above its input.
    formfield_overrides = {models.URLField: {"widget": forms.URLInput(attrs={"size": 40})}}
    fieldsets = [
        (None, {"fields": [("name", "slug"), ("vendor", "kind", "status"), "summary"]}),
        ("Links", {"fields": [("homepage", "docs_url"), ("license", "open_weights")]}),
        (
            "Pricing",
            {
                "fields": [
                    ("pricing_model", "has_free_tier"),
                    ("starting_price", "price_unit", "price_reads_as"),
                    ("input_price", "output_price"),
                    ("cache_read_price", "web_search_price"),
                    "prices_read",
                    "prices_unclear",
                ]
            },
        ),
        (
            "Technical (model facts)",
            {
                "classes": ["collapse"],
                "fields": [
                    ("context_length", "max_output_tokens"),
                    ("input_modalities", "output_modalities"),
                    ("release_date", "knowledge_cutoff", "last_reviewed_at"),
                    "weights_url",
                    ("supports_tools", "supports_structured_output"),
                    ("supports_reasoning", "supports_web_search"),
                    "job",
                ],
            },
        ),
        (
            "Popularity inputs",
            {"classes": ["collapse"], "fields": [("stars", "downloads", "likes", "integrations")]},
        ),
        (
            "Import",
            {
                "classes": ["collapse"],
                "fields": [
                    "external_source",
                    "external_id",
                    "needs_review",
                    ("delisted_at", "delisting_kept"),
                    "curated_fields",
                ],
            },
        ),
        (
            "Data coverage (not part of the rank)",
            {"classes": ["collapse"], "fields": ["data_coverage"]},
        ),
        (
            "Score (derived, read-only)",
            {
                "classes": ["collapse"],
                "fields": [
                    ("rank", "rank_low", "rank_high", "rank_provisional"),
                    ("times_matched", "score_computed_at"),
                    tuple(f"{field}_2dp" for field in SCORE_COMPONENTS),
                    tuple(f"{field}_2dp" for field in SCORE_INTERVALS),
                    "score_evidence",
                    ("created_at", "updated_at"),
                ],
            },
        ),
    ]

    @admin.display(description="Data coverage")
    def data_coverage(self, obj: Artifact) -> str:
        if obj.pk is None:
            return "no data"
        items = artifact_coverage_get(artifact=obj, today=timezone.localdate())
        passed = sum(item.passed for item in items)
        missing = [(item.label,) for item in items if not item.passed]
        summary = f"{passed} of {len(items)} items"
        if not missing:
            return summary
        return summary + format_html_join("", "<br>missing: {}", missing)

    @admin.display(description="Starting price", ordering="starting_price")
    def price_display(self, obj: Artifact) -> str:
        return price_admin_text(
            amount=obj.starting_price, unit=obj.price_unit, varies=obj.price_varies
        )

    @admin.display(description="Visitors read")
    def price_reads_as(self, obj: Artifact) -> str:
        return price_admin_text(
            amount=obj.starting_price, unit=obj.price_unit, varies=obj.price_varies
        )

    @admin.display(description="Every imported price")
    def prices_read(self, obj: Artifact) -> str:
        lines = prices_admin_lines(prices=obj.prices or {}, varies_marker=PRICE_VARIES)
        if not lines:
            return "none imported"
        return format_html_join("", "<div>{}</div>", ((line,) for line in lines))

    @admin.display(description="Updated", ordering="updated_at")
    def updated_on(self, obj: Artifact) -> str:
        return timezone.localdate(obj.updated_at).isoformat()

    def changelist_view(self, request, extra_context=None):
        # Every key column fits at 1280 px once the navigation sidebar steps aside (the
        # breadcrumbs still lead everywhere); the filters stay.
        extra_context = {**(extra_context or {}), "is_nav_sidebar_enabled": False}
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "capability_add_url": reverse("admin:catalog_capability_add")
            + "?"
            + urlencode({"artifact": object_id}),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if change:
            services.artifact_mark_curated(artifact=obj, fields=form.changed_data)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change and any(formset.has_changed() for formset in formsets):
            services.artifacts_mark_capabilities_curated(artifact_ids=[form.instance.pk])
            services.artifact_history_note(
                artifact=form.instance,
                user=request.user,
                reason=_capability_rows_reason(formsets),
            )

    def _set_status(self, request: HttpRequest, queryset: QuerySet, status: str, verb: str):
        count = services.artifacts_set_status(artifacts=queryset, status=status)
        self.message_user(request, f"{count} artifact(s) {verb}.", messages.SUCCESS)

    @admin.action(description="Publish selected artifacts", permissions=["change"])
    def publish(self, request, queryset):
        self._set_status(request, queryset, Status.PUBLISHED, "published")

    @admin.action(
        description="Unpublish selected artifacts (back to draft)", permissions=["change"]
    )
    def unpublish(self, request, queryset):
        self._set_status(request, queryset, Status.DRAFT, "unpublished")

    @admin.action(description="Archive selected artifacts", permissions=["change"])
    def archive(self, request, queryset):
        self._set_status(request, queryset, Status.ARCHIVED, "archived")

    @admin.action(description="Recompute score of selected artifacts", permissions=["change"])
    def recompute_score(self, request, queryset):
        count = services.artifact_scores_recompute(
            artifact_ids=list(queryset.values_list("id", flat=True))
        )
        self.message_user(
            request, f"Recomputed the score of {count} artifact(s).", messages.SUCCESS
        )

    @admin.action(
        description="Recompute every artifact's score (in the background)",
        permissions=["change"],
    )
    def recompute_all_scores(self, request, queryset):
        from django.urls import reverse
        from django.utils.html import format_html

        from jobs.services import JobAlreadyActive, task_run_start

        try:
            run = task_run_start(kind="scores_recompute", requested_by=request.user)
        except JobAlreadyActive as active:
            self.message_user(request, f"Not started: {active}.", messages.WARNING)
            return
        self.message_user(
            request,
            format_html(
                'Score recompute queued: follow it in <a href="{}">background jobs</a> '
                "(imports start there too).",
                reverse("admin:jobs_taskrun_change", args=[run.pk]),
            ),
        )


def _capability_rows_reason(formsets) -> str:
    """What the compact capability rows changed, in words for the artifact's history."""
    parts = []
    for formset in formsets:
        if formset.model is not Capability:
            continue
        for capability_form in formset.forms:
            title = capability_form.instance.title
            if capability_form in formset.deleted_forms:
                parts.append(f"deleted capability “{title}”")
            elif capability_form.has_changed():
                fields = ", ".join(capability_form.changed_data)
                parts.append(f"changed capability “{title}” ({fields})")
    reason = "; ".join(parts) or "changed capabilities"
    return reason[:1].upper() + reason[1:]


class CapabilityAdminForm(forms.ModelForm):
    """The capability form, with its "same job as" links (a field the default form leaves
    out because the links have their own table): ids with a lookup, as for the artifact."""

    same_job_as = forms.ModelMultipleChoiceField(
        queryset=Capability.objects.all(),
        required=False,
        label="Same job as",
        help_text=Capability._meta.get_field("same_job_as").help_text,
    )

    # No Meta: the admin builds the form for Capability with the fields it shows.

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["same_job_as"]
        field.widget = ManyToManyRawIdWidget(
            Capability._meta.get_field("same_job_as").remote_field, admin.site
        )

    def clean_same_job_as(self):
        linked = self.cleaned_data["same_job_as"]
        artifact = self.cleaned_data.get("artifact")
        for other in linked:
            if self.instance.pk and other.pk == self.instance.pk:
                raise forms.ValidationError("A capability answers its own job: link others.")
            if artifact is not None and other.artifact_id == artifact.pk:
                raise forms.ValidationError(
                    f"“{other.title}” is a capability of the same artifact: link capabilities "
                    "of other artifacts."
                )
        return linked


@admin.register(Capability)
class CapabilityAdmin(HistoryAdmin):
    form = CapabilityAdminForm
    list_display = [
        "title",
        "artifact",
        "position",
        "status",
        "times_matched",
        "match_success_rate_2dp",
    ]
    list_filter = ["status", "artifact__kind", "tags"]
    list_select_related = ["artifact"]
    search_fields = ["title", "description", "artifact__name"]
    autocomplete_fields = ["artifact", "tags"]
    readonly_fields = [
        "same_job_links", "times_matched", "match_success_rate_2dp", "created_at", "updated_at",
    ]  # fmt: skip

    match_success_rate_2dp = _two_decimals("match_success_rate", "Match success rate")

    @admin.display(description="linked as the same job")
    def same_job_links(self, obj: Capability) -> str:
        linked = obj.same_job_as.select_related("artifact").order_by("artifact__name", "title")
        if not obj.pk or not linked:
            return "-"
        return format_html_join(
            ", ",
            "{}: {} (#{})",
            ((c.artifact.name, c.title, c.pk) for c in linked),
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.artifacts_mark_capabilities_curated(artifact_ids=[obj.artifact_id])

    def save_related(self, request, form, formsets, change):
        # After the tags are saved, so the artifact's history sees the finished capability.
        super().save_related(request, form, formsets, change)
        capability = form.instance
        if change:
            fields = ", ".join(form.changed_data) or "nothing"
            reason = f"Changed capability “{capability.title}” ({fields})"
        else:
            reason = f"Added capability “{capability.title}”"
        services.artifact_history_note(
            artifact=capability.artifact, user=request.user, reason=reason
        )

    def delete_model(self, request, obj):
        artifact, title = obj.artifact, obj.title
        super().delete_model(request, obj)
        services.artifacts_mark_capabilities_curated(artifact_ids=[artifact.pk])
        services.artifact_history_note(
            artifact=artifact, user=request.user, reason=f"Deleted capability “{title}”"
        )

    def delete_queryset(self, request, queryset):
        titles: dict[int, list[str]] = {}
        for artifact_id, title in queryset.values_list("artifact_id", "title"):
            titles.setdefault(artifact_id, []).append(title)
        super().delete_queryset(request, queryset)
        services.artifacts_mark_capabilities_curated(artifact_ids=list(titles))
        for artifact in Artifact.objects.filter(pk__in=titles):
            deleted = ", ".join(f"“{title}”" for title in titles[artifact.pk])
            services.artifact_history_note(
                artifact=artifact, user=request.user, reason=f"Deleted capabilities {deleted}"
            )

    def response_add(self, request, obj, post_url_continue=None) -> HttpResponse:
        # Added from an artifact's page (its "Add a capability" link, which names the
        # artifact in the address): plain "Save" goes back to that artifact's page.
        from_artifact = request.GET.get("artifact") == str(obj.artifact_id)
        plain_save = not {"_continue", "_addanother", "_popup"} & set(request.POST)
        if from_artifact and plain_save:
            self.message_user(
                request, f"Capability “{obj.title}” added to {obj.artifact}.", messages.SUCCESS
            )
            return HttpResponseRedirect(
                reverse("admin:catalog_artifact_change", args=[obj.artifact_id])
            )
        return super().response_add(request, obj, post_url_continue)


class TwoDecimalInput(forms.NumberInput):
    """A weight's input showing two decimals (0.30000000000000004 reads 0.30)."""

    def format_value(self, value):
        if value in (None, ""):
            return None
        try:
            return number_two_decimals(float(value))
        except (TypeError, ValueError):
            return super().format_value(value)


@admin.register(RankWeights)
class RankWeightsAdmin(HistoryAdmin):
    list_display = ["kind", *SCORE_COMPONENTS]
    list_editable = list(SCORE_COMPONENTS)
    formfield_overrides = {models.FloatField: {"widget": TwoDecimalInput(attrs={"step": "0.01"})}}

    def get_changelist_form(self, request, **kwargs):
        form = super().get_changelist_form(request, **kwargs)

        class LabelledWeights(form):  # type: ignore[misc, valid-type]
            # One row per kind: each input says which weight of which kind it is.
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                kind = self.instance.get_kind_display() if self.instance.pk else "new kind"
                for name, field in self.fields.items():
                    label = str(field.label or name)
                    field.widget.attrs["aria-label"] = f"{label} weight for {kind}"

        return LabelledWeights


# One two-decimal read-only column per registered component and interval end.
for _field in SCORED_FIELDS:
    _component, _, _end = _field.rpartition("_")
    _label = (
        f"{COMPONENT_LABELS[_component]} ({'95% low' if _end == 'low' else '95% high'})"
        if _field in SCORE_INTERVALS
        else COMPONENT_LABELS[_field]
    )
    setattr(ArtifactAdmin, f"{_field}_2dp", _two_decimals(_field, _label))


@admin.register(EvaluationAlias)
class EvaluationAliasAdmin(HistoryAdmin):
    """Editors correct how leaderboard keys link to artifacts: an alias wins over the
    automatic match; an alias without an artifact keeps a key linked to nothing. Saving or
    deleting one relinks every stored rating and recomputes the scores."""

    list_display = ["key", "source", "artifact", "note", "updated_at"]
    list_filter = ["source"]
    list_select_related = ["artifact"]
    search_fields = ["key", "artifact__name", "note"]
    autocomplete_fields = ["artifact"]

    def _relink(self, request: HttpRequest) -> None:
        result = services.evaluations_link()
        self.message_user(
            request,
            f"Relinked the ratings: {len(result.matched)} keys matched, "
            f"{result.changed} link(s) changed.",
            messages.SUCCESS,
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._relink(request)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self._relink(request)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        self._relink(request)


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    """Leaderboard entries as imported (read-only: links are corrected through aliases)."""

    list_display = ["key", "board", "category", "rating", "position", "artifact", "published_on"]
    list_filter = ["source", "board", "category", ("artifact", admin.EmptyFieldListFilter)]
    list_select_related = ["artifact"]
    search_fields = ["key", "artifact__name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(UsageFact)
class UsageFactAdmin(HistoryAdmin):
    """Published usage figures (each with its source URL and date): adoption signals.
    Saving one recomputes the scores."""

    list_display = ["artifact", "metric", "value", "as_of", "source_url"]
    list_filter = ["metric"]
    list_select_related = ["artifact"]
    search_fields = ["artifact__name", "source_url"]
    autocomplete_fields = ["artifact"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.artifact_scores_recompute(artifact_ids=[obj.artifact_id])

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        services.artifact_scores_recompute(artifact_ids=[obj.artifact_id])
