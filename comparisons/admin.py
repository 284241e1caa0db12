from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from catalog.admin import HistoryAdmin
from catalog.markup import markdown_render
from catalog.models import Artifact
from comparisons.compare.pairs import compare_path, pair_load
from comparisons.compare.verdict import verdict_build
from comparisons.models import (
    ChoiceEvent,
    ComparisonOverride,
    Intent,
    Match,
    PairEvidence,
    SearchEvent,
)


def generated_verdict_get(*, first: Artifact | None, second: Artifact | None) -> str:
    """The verdict the comparison page generates for this pair right now, or "" when the
    page does not exist (an artifact missing or unpublished, or the same one twice)."""
    if first is None or second is None:
        return ""
    loaded = pair_load(first=first.slug, second=second.slug)
    if loaded is None:
        return ""
    return verdict_build(
        a=loaded.facts("a"),
        b=loaded.facts("b"),
        evidence=loaded.evidence,
    ).text


def _same_text(first: str, second: str) -> bool:
    return " ".join(first.split()) == " ".join(second.split())


class ComparisonOverrideForm(forms.ModelForm):
    class Meta:
        model = ComparisonOverride
        fields = ["artifact_a", "artifact_b", "verdict", "approved", "featured", "noindex"]
        help_texts = {
            "artifact_b": "Order does not matter: the pair is stored with the lower slug first, "
            "as in its URL.",
            "verdict": "Markdown. Starts from the generated verdict: edit it to write your own. "
            "Left as generated (or emptied), the page keeps generating it from the data.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        if not (instance.pk and instance.verdict.strip()):
            first = instance.artifact_a if instance.artifact_a_id else None
            second = instance.artifact_b if instance.artifact_b_id else None
            if first is None and second is None:
                first, second = self._initial_artifacts()
                if first is not None and second is not None:
                    # Read by the page's read-only "generated verdict" before any save.
                    instance.artifact_a, instance.artifact_b = first, second
            self.generated = generated_verdict_get(first=first, second=second)
            if self.generated and not self.is_bound:
                self.initial["verdict"] = self.generated
        else:
            self.generated = ""

    def _initial_artifacts(self) -> tuple[Artifact | None, Artifact | None]:
        """The pair posted, or named in the add page's address (the public page's "Edit"
        link)."""
        source = self.data if self.is_bound else self.initial
        ids = [source.get(self.add_prefix("artifact_a")), source.get(self.add_prefix("artifact_b"))]
        try:
            numbers = [int(i) for i in ids]  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return None, None
        found = Artifact.objects.in_bulk(numbers)
        return found.get(numbers[0]), found.get(numbers[1])

    def clean_verdict(self) -> str:
        verdict = self.cleaned_data.get("verdict", "")
        # Saved unchanged, the generated text would freeze: keep generating it instead.
        if self.generated and _same_text(verdict, self.generated):
            return ""
        return verdict

    def clean(self):
        cleaned = super().clean()
        a, b = cleaned.get("artifact_a"), cleaned.get("artifact_b")  # type: ignore[union-attr]
        if a and b:
            if a == b:
                raise forms.ValidationError("Pick two different artifacts.")
            # Canonical order before the uniqueness check, so B-vs-A can't duplicate A-vs-B.
            if a.slug > b.slug:
                cleaned["artifact_a"], cleaned["artifact_b"] = b, a  # type: ignore[index]
        return cleaned


@admin.register(ComparisonOverride)
class ComparisonOverrideAdmin(HistoryAdmin):
    form = ComparisonOverrideForm
    list_display = ["__str__", "has_verdict", "approved", "featured", "noindex", "updated_at"]
    list_filter = ["approved", "featured", "noindex"]
    list_select_related = ["artifact_a", "artifact_b"]
    search_fields = ["artifact_a__name", "artifact_b__name", "verdict"]
    # Picked by typing; "Edit" on a public comparison page fills both.
    autocomplete_fields = ["artifact_a", "artifact_b"]
    readonly_fields = ["generated_verdict", "verdict_preview"]
    fieldsets = [
        (None, {"fields": [("artifact_a", "artifact_b")]}),
        ("Verdict", {"fields": ["generated_verdict", "verdict", "verdict_preview"]}),
        ("Listing", {"fields": [("approved", "featured", "noindex")]}),
    ]

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).select_related("artifact_a", "artifact_b")

    @admin.display(description="Generated verdict (now)")
    def generated_verdict(self, obj: ComparisonOverride) -> str:
        first = obj.artifact_a if obj.artifact_a_id else None
        second = obj.artifact_b if obj.artifact_b_id else None
        text = generated_verdict_get(first=first, second=second)
        return text or "Shown once both artifacts are chosen and published."

    @admin.display(description="Preview (as saved)")
    def verdict_preview(self, obj: ComparisonOverride) -> str:
        if not obj.verdict.strip():
            return "No own verdict saved: the page shows the generated one."
        return format_html('<div class="verdict-preview">{}</div>', markdown_render(obj.verdict))

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
    # Intents are never deleted here: their searches are the match graph's evidence, which
    # only a rebuild may take back (the home page's evidence pool is kept until one:
    # comparisons/compare/pairs.py). Marking one as spam stops it counting.
    list_display = ["text", "search_count", "last_result_count", "is_spam", "last_seen"]
    list_filter = ["is_spam", ZeroResultFilter]
    search_fields = ["text", "example_query"]
    ordering = ["-search_count", "text"]
    fields = [
        "text", "example_query", "is_spam", "search_count", "last_result_count", "first_seen",
        "last_seen",
    ]  # fmt: skip
    readonly_fields = [f for f in fields if f != "is_spam"]  # type: ignore[misc]
    actions = ["mark_spam", "mark_not_spam", "rebuild_match_graph"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
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
