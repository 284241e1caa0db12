"""The "Edit" links on public pages, for logged-in editors only.

The public pages are cached for anonymous visitors only while nothing in them depends on
the visitor (comparisons/caching/pages.py): reading `request.user` would touch the session
and mark every response `Vary: Cookie`. So a request without a session cookie is answered
"" before the user is looked at.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from catalog.models import Artifact
from comparisons.models import ComparisonOverride


def _editor_may(request: HttpRequest | None, permission: str) -> bool:
    if request is None or settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    user = request.user
    return bool(user.is_active and user.is_staff and user.has_perm(permission))


def artifact_edit_url_get(*, request: HttpRequest | None, artifact: Artifact) -> str:
    """The artifact's admin change page for an editor allowed to change it, else ""."""
    if not _editor_may(request, "catalog.change_artifact"):
        return ""
    return reverse("admin:catalog_artifact_change", args=[artifact.pk])


def comparison_edit_url_get(
    *, request: HttpRequest | None, a: Artifact, b: Artifact, override: ComparisonOverride | None
) -> str:
    """The pair's override in admin (its change page, or the add page with both artifacts
    chosen) for an editor allowed to edit overrides, else ""."""
    if override is not None:
        if not _editor_may(request, "comparisons.change_comparisonoverride"):
            return ""
        return reverse("admin:comparisons_comparisonoverride_change", args=[override.pk])
    if not _editor_may(request, "comparisons.add_comparisonoverride"):
        return ""
    query = urlencode({"artifact_a": a.pk, "artifact_b": b.pk})
    return f"{reverse('admin:comparisons_comparisonoverride_add')}?{query}"
