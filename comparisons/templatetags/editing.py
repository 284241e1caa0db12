"""The artifact page's "Edit" link for editors (comparisons/editing.py decides who sees it)."""

from django import template

from catalog.models import Artifact
from comparisons.editing import artifact_edit_url_get

register = template.Library()


@register.simple_tag(takes_context=True)
def artifact_edit_url(context, artifact: Artifact) -> str:
    """The artifact's admin change page for an editor allowed to change it, else ""."""
    return artifact_edit_url_get(request=context.get("request"), artifact=artifact)
