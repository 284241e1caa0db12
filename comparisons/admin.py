from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from comparisons.compare.pairs import compare_path
from comparisons.models import (
    ChoiceEvent,
    ComparisonOverride,
    Intent,
    Match,
    PairEvidence,
    SearchEvent,
)


class ComparisonOverrideForm(forms.ModelForm):
    class Meta:
        model = ComparisonOverride
        fields = ["artifact_a", "artifact_b", "verdict", "approved", "featured", "noindex"]
        help_texts = {
            "artifact_b": "Order does not matter: the pair is stored with the lower slug first, "
            "as in its URL."
        }

    def clean(self):
        cleaned = super().clean()
        a, b = cleaned.get("artifact_a"), cleaned.get("artifact_b")
        if a and b:
            if a == b:
                raise forms.ValidationError("Pick two different artifacts.")
            # Canonical order before the uniqueness check, so B-vs-A can't duplicate A-vs-B.
            if a.slug > b.slug:
                cleaned["artifact_a"], cleaned["artifact_b"] = b, a
        return cleaned


@admin.register(ComparisonOverride)
class ComparisonOverrideAdmin(SimpleHistoryAdmin):
    form = ComparisonOverrideForm
    list_display = ["__str__", "has_verdict", "approved", "featured", "noindex", "updated_at"]
    list_filter = ["approved", "featured", "noindex"]
    list_select_related = ["artifact_a", "artifact_b"]
    search_fields = ["artifact_a__name", "artifact_b__name", "verdict"]
    autocomplete_fields = ["artifact_a", "artifact_b"]

    @admin.display(boolean=True, description="own verdict")
    def has_verdict(self, obj: ComparisonOverride) -> bool:
        return bool(obj.verdict.strip())

    def view_on_site(self, obj: ComparisonOverride) -> str | None:
        if not (obj.artifact_a.is_published and obj.artifact_b.is_published):
            return None  # the page would answer 404
        return compare_path(first=obj.artifact_a.slug, second=obj.artifact_b.slug)


# ---- search evidence and the match graph ----------------------------------------------
# Evidence is recorded by the site and derived rows by the rebuild: editors read them and
# may only mark intents as spam. Nothing here is added or edited by hand.


class _ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ZeroResultFilter(admin.SimpleListFilter):
    title = "results"
    parameter_name = "results"

    def lookups(self, request, model_admin):
        return [("none", "Zero results (worth a new capability?)"), ("some", "Some results")]

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.filter(last_result_count=0, search_count__gt=0)
        if self.value() == "some":
            return queryset.filter(last_result_count__gt=0)
        return queryset


@admin.register(Intent)
class IntentAdmin(admin.ModelAdmin):
    list_display = ["text", "search_count", "last_result_count", "is_spam", "last_seen"]
    list_filter = ["is_spam", ZeroResultFilter]
    search_fields = ["text", "example_query"]
    ordering = ["-search_count", "text"]
    fields = [
        "text", "example_query", "is_spam", "search_count", "last_result_count", "first_seen",
        "last_seen",
    ]  # fmt: skip
    readonly_fields = [f for f in fields if f != "is_spam"]
    actions = ["mark_spam", "mark_not_spam", "rebuild_match_graph"]

    def has_add_permission(self, request):
        return False

    @admin.action(
        description="Mark as spam (stops counting at the next rebuild)", permissions=["change"]
    )
    def mark_spam(self, request, queryset):
        count = queryset.update(is_spam=True)
        self.message_user(
            request, f"Marked {count} intent(s) as spam. Rebuild the match graph to apply."
        )

    @admin.action(description="Mark as not spam", permissions=["change"])
    def mark_not_spam(self, request, queryset):
        count = queryset.update(is_spam=False)
        self.message_user(request, f"{count} intent(s) count again from the next rebuild.")

    @admin.action(description="Rebuild the match graph (all intents)", permissions=["change"])
    def rebuild_match_graph(self, request, queryset):
        from jobs.services import JobAlreadyActive, task_run_start

        try:
            run = task_run_start(kind="match_graph_full", requested_by=request.user)
        except JobAlreadyActive as active:
            self.message_user(request, f"Not started: {active}.", messages.WARNING)
            return
        run.refresh_from_db()
        if run.state == run.State.SUCCEEDED:  # DJANGO_TASK_BACKEND=immediate
            self.message_user(request, run.summary)
        else:
            self.message_user(
                request,
                format_html(
                    'Match graph rebuild queued: follow it in <a href="{}">background jobs</a>.',
                    reverse("admin:jobs_taskrun_change", args=[run.pk]),
                ),
            )


@admin.register(SearchEvent)
class SearchEventAdmin(_ReadOnlyAdmin):
    list_display = ["intent", "created_at", "result_count", "simulated"]
    list_filter = ["is_simulated", "created_at"]
    list_select_related = ["intent"]
    search_fields = ["intent__text"]
    date_hierarchy = "created_at"
    exclude = ["matched_capabilities"]
    readonly_fields = ["intent", "created_at", "client_key", "result_count", "is_simulated"]

    @admin.display(description="origin", ordering="is_simulated")
    def simulated(self, obj):
        return "Simulated (demo replay)" if obj.is_simulated else "Real search"


@admin.register(ChoiceEvent)
class ChoiceEventAdmin(_ReadOnlyAdmin):
    list_display = ["intent", "artifact", "created_at", "simulated"]
    list_filter = ["is_simulated"]
    list_select_related = ["intent", "artifact"]
    search_fields = ["intent__text", "artifact__name"]

    @admin.display(description="origin", ordering="is_simulated")
    def simulated(self, obj):
        return "Simulated (demo replay)" if obj.is_simulated else "Real choice"


@admin.register(Match)
class MatchAdmin(_ReadOnlyAdmin):
    list_display = [
        "intent",
        "capability",
        "artifact",
        "times_matched",
        "times_chosen",
        "last_seen",
    ]
    list_select_related = ["intent", "capability__artifact"]
    search_fields = ["intent__text", "capability__title", "capability__artifact__name"]
    ordering = ["-times_matched"]

    @admin.display(ordering="capability__artifact__name")
    def artifact(self, obj):
        return obj.capability.artifact


@admin.register(PairEvidence)
class PairEvidenceAdmin(_ReadOnlyAdmin):
    list_display = ["artifact_a", "artifact_b", "intent", "times_both_matched"]
    list_select_related = ["artifact_a", "artifact_b", "intent"]
    search_fields = ["artifact_a__name", "artifact_b__name", "intent__text"]
    ordering = ["-times_both_matched"]
