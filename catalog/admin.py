from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from catalog import services
from catalog.models import Artifact, Capability, RankWeights, Status, Tag, Vendor
from catalog.pricing import price_format

DERIVED_ARTIFACT_FIELDS = (
    "adoption",
    "quality",
    "ecosystem",
    "match_graph",
    "freshness",
    "rank",
    "times_matched",
    "score_computed_at",
    "curated_fields",
    "prices",
    "created_at",
    "updated_at",
)


class CapabilityInline(admin.StackedInline):
    model = Capability
    extra = 0
    ordering = ["position", "id"]
    autocomplete_fields = ["tags"]
    readonly_fields = ["times_matched", "match_success_rate"]
    fields = [
        ("title", "position", "status"),
        "description",
        ("unique", "vs_alternatives"),
        ("best_for", "limitations"),
        ("input_types", "output_types"),
        "tags",
        ("times_matched", "match_success_rate"),
    ]
    show_change_link = True


@admin.register(Vendor)
class VendorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "homepage", "artifact_count"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Vendor]:
        return super().get_queryset(request).annotate(artifact_count=Count("artifacts"))

    @admin.display(description="Artifacts", ordering="artifact_count")
    def artifact_count(self, obj: Vendor) -> int:
        return obj.artifact_count


@admin.register(Tag)
class TagAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "capability_count"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Tag]:
        return super().get_queryset(request).annotate(capability_count=Count("capabilities"))

    @admin.display(description="Capabilities", ordering="capability_count")
    def capability_count(self, obj: Tag) -> int:
        return obj.capability_count


@admin.register(Artifact)
class ArtifactAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "vendor",
        "kind",
        "status",
        "rank",
        "times_matched",
        "pricing_model",
        "price_display",
        "needs_review",
        "updated_at",
    ]
    list_filter = [
        "status",
        "kind",
        "pricing_model",
        "has_free_tier",
        "open_weights",
        "needs_review",
        "vendor",
    ]
    list_select_related = ["vendor"]
    search_fields = ["name", "slug", "summary", "vendor__name", "external_id"]
    autocomplete_fields = ["vendor"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = DERIVED_ARTIFACT_FIELDS
    inlines = [CapabilityInline]
    actions = ["publish", "unpublish", "archive", "recompute_score"]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["name", "slug", "vendor", "kind", "status", "summary"]}),
        ("Links", {"fields": ["homepage", "docs_url", "license", "open_weights"]}),
        (
            "Pricing",
            {
                "fields": [
                    "pricing_model",
                    "has_free_tier",
                    ("starting_price", "price_unit"),
                    "prices",
                ]
            },
        ),
        (
            "Technical",
            {
                "fields": [
                    "context_length",
                    ("input_modalities", "output_modalities"),
                    ("release_date", "last_reviewed_at"),
                ]
            },
        ),
        ("Popularity inputs", {"fields": [("stars", "downloads", "likes", "integrations")]}),
        (
            "Import",
            {
                "classes": ["collapse"],
                "fields": ["external_source", "external_id", "needs_review", "curated_fields"],
            },
        ),
        (
            "Score (derived, read-only)",
            {
                "fields": [
                    ("rank", "times_matched"),
                    ("adoption", "quality", "ecosystem", "match_graph", "freshness"),
                    "score_computed_at",
                    ("created_at", "updated_at"),
                ]
            },
        ),
    ]

    @admin.display(description="Starting price", ordering="starting_price")
    def price_display(self, obj: Artifact) -> str:
        return price_format(
            amount=obj.starting_price,
            unit=obj.price_unit,
            pricing_model=obj.pricing_model,
            varies=obj.price_varies,
        ).headline

    def save_model(self, request, obj, form, change):
        if change:
            services.artifact_mark_curated(artifact=obj, fields=form.changed_data)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change and any(formset.has_changed() for formset in formsets):
            services.artifacts_mark_capabilities_curated(artifact_ids=[form.instance.pk])

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


@admin.register(Capability)
class CapabilityAdmin(SimpleHistoryAdmin):
    list_display = [
        "title",
        "artifact",
        "position",
        "status",
        "times_matched",
        "match_success_rate",
    ]
    list_filter = ["status", "artifact__kind", "tags"]
    list_select_related = ["artifact"]
    search_fields = ["title", "description", "artifact__name"]
    autocomplete_fields = ["artifact", "tags"]
    readonly_fields = ["times_matched", "match_success_rate", "created_at", "updated_at"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.artifacts_mark_capabilities_curated(artifact_ids=[obj.artifact_id])

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        services.artifacts_mark_capabilities_curated(artifact_ids=[obj.artifact_id])

    def delete_queryset(self, request, queryset):
        artifact_ids = list(queryset.values_list("artifact_id", flat=True))
        super().delete_queryset(request, queryset)
        services.artifacts_mark_capabilities_curated(artifact_ids=artifact_ids)


@admin.register(RankWeights)
class RankWeightsAdmin(SimpleHistoryAdmin):
    list_display = ["kind", "adoption", "quality", "ecosystem", "match_graph", "freshness"]
    list_editable = ["adoption", "quality", "ecosystem", "match_graph", "freshness"]
