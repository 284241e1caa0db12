from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from comparisons.models import ComparisonOverride


@admin.register(ComparisonOverride)
class ComparisonOverrideAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "approved", "featured", "noindex", "updated_at"]
    list_filter = ["approved", "featured", "noindex"]
    list_select_related = ["artifact_a", "artifact_b"]
    search_fields = ["artifact_a__name", "artifact_b__name", "verdict"]
    autocomplete_fields = ["artifact_a", "artifact_b"]
