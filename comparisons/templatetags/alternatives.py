"""Why an artifact is listed as another's alternative, in one short line."""

from django import template

register = template.Library()


def alternative_basis_text(
    *, together: int | None, shared_total: int | None, simulated: bool = False
) -> str:
    """ "Matched together in 12 searches" (match-graph evidence wins; "12 simulated
    searches" while the history is only simulated), else "Shares 3 capability tags"; ""
    when neither is known. Counts are plain integers."""
    if together:
        searches = f"search{'es' if together != 1 else ''}"
        kind = "simulated " if simulated else ""
        return f"Matched together in {together:,} {kind}{searches}"
    if shared_total:
        return f"Shares {shared_total:,} capability tag{'s' if shared_total != 1 else ''}"
    return ""


@register.filter
def alternative_basis(artifact) -> str:
    """`{{ other|alternative_basis }}` for an artifact from the alternatives selectors."""
    return alternative_basis_text(
        together=getattr(artifact, "together", None),
        shared_total=getattr(artifact, "shared_total", None),
        simulated=getattr(artifact, "together_simulated", False),
    )
