"""The compare picker: choose two artifacts by name or slug and land on their comparison.

Works as a plain GET form; HTMX only fills the suggestions. Anything a visitor types is
resolved here, and whatever cannot be resolved comes back as the picker page with a message
and a 400, never an error page.
"""

import difflib
import re

from django import forms
from django.core.exceptions import TooManyFieldsSent
from django.db.models import Q
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from catalog.models import Artifact
from comparisons.htmx import HtmxHttpRequest
from config.jinja2 import component_render

MAX_INPUT = 200
SUGGESTIONS = 8
CANDIDATES = 5


class PickForm(forms.Form):
    a = forms.CharField(max_length=MAX_INPUT, required=False)
    b = forms.CharField(max_length=MAX_INPUT, required=False)


def _published():
    return Artifact.objects.published().select_related("vendor")


def _artifacts_suggest(*, term: str, limit: int) -> list[Artifact]:
    """Published artifacts whose name, slug or vendor starts to match `term`, best first."""
    match = Q(name__icontains=term) | Q(vendor__name__icontains=term)
    if slug := slugify(term):
        match |= Q(slug__startswith=slug)
    # Suggestions leave out what the source stopped listing (unless an editor kept it).
    return list(_published().listed().filter(match).order_by("-rank", "name", "pk")[:limit])


# Near-miss matching looks at no more names than this (the fuzzy pass runs in Python).
FUZZY_POOL = 2000
# How alike a name must be to be offered (difflib ratio, 0..1).
FUZZY_CUTOFF = 0.5
_WORD = re.compile(r"[a-z0-9]+")


def name_words(text: str) -> list[str]:
    """Lowercase runs of letters and digits: "FLUX.1 [pro]" -> ["flux", "1", "pro"]."""
    return _WORD.findall(text.lower())


def names_closest(*, term: str, names: list[str], limit: int) -> list[str]:
    """The names nearest to `term`, best first, at most `limit`: names holding every word
    of the term first (shortest first: "flux pro" -> "FLUX.1 [pro]" before "FLUX.1 [pro]
    Ultra"), then names alike by spelling (difflib ratio at least FUZZY_CUTOFF on their
    words). Pure; `names` in the caller's order of preference breaks ties."""
    words = name_words(term)
    if not words:
        return []
    joined = " ".join(words)
    holding, alike = [], []
    for position, name in enumerate(names):
        own = name_words(name)
        if all(any(w.startswith(word) for w in own) for word in words):
            holding.append((len(own), position, name))
            continue
        ratio = difflib.SequenceMatcher(None, joined, " ".join(own)).ratio()
        if ratio >= FUZZY_CUTOFF:
            alike.append((-ratio, position, name))
    ranked = [name for *_, name in sorted(holding)] + [name for *_, name in sorted(alike)]
    return ranked[:limit]


def _artifacts_closest(*, term: str, limit: int) -> list[Artifact]:
    """Published, listed artifacts whose names come closest to `term` (2 queries): a pool of
    candidates sharing a word's first three letters with it, ranked by names_closest."""
    words = name_words(term)
    if not words:
        return []
    match = Q()
    for word in words:
        match |= Q(name__icontains=word[:3]) | Q(slug__icontains=word[:3])
    # Near misses are suggestions too: without what the source stopped listing.
    pool = list(
        _published()
        .listed()
        .filter(match)
        .order_by("-rank", "name", "pk")
        .values_list("pk", "name")[:FUZZY_POOL]
    )
    by_name: dict[str, int] = {}
    for pk, name in pool:
        by_name.setdefault(name, pk)
    chosen = names_closest(term=term, names=list(by_name), limit=limit)
    found = _published().in_bulk([by_name[name] for name in chosen])
    return [found[by_name[name]] for name in chosen if by_name[name] in found]


def _artifact_find(text: str) -> Artifact | None:
    """The one published artifact `text` names: its slug first, else its exact name."""
    artifact = _published().filter(slug=text.lower()).first()
    if artifact is not None:
        return artifact
    named = list(_published().filter(name__iexact=text)[:2])
    return named[0] if len(named) == 1 else None


def comparison_url(*, first: str, second: str) -> str:
    """The canonical comparison address: slugs in sorted order."""
    return reverse("compare", args=["-vs-".join(sorted([first, second]))])


def _pick_url(*, a: str, b: str) -> str:
    query = QueryDict(mutable=True)
    query.update({"a": a, "b": b})
    return f"{reverse('compare_pick')}?{query.urlencode()}"


def _picker_page(request, *, status: int = 200, message: str = "", **context) -> HttpResponse:
    context.setdefault("fixed", None)
    return render(request, "compare/picker.html", {"message": message, **context}, status=status)


# The element a catalog card's "Compare with…" loads its picker into (artifact_card.html).
CARD_TARGET_PREFIX = "compare-with-"


@require_GET
@vary_on_headers("HX-Request", "HX-Target")
def compare_pick(request: HtmxHttpRequest) -> HttpResponse:
    try:
        data = request.GET
    except TooManyFieldsSent:
        return _picker_page(request, status=400, message="That address carries too much to read.")
    form = PickForm(data)
    if not form.is_valid():
        return _picker_page(
            request, status=400, message=f"Type a name of at most {MAX_INPUT} characters."
        )
    texts = {key: form.cleaned_data[key].strip() for key in ("a", "b")}
    given = [key for key in ("a", "b") if texts[key]]
    if not given:
        return _picker_page(request)

    found = {key: _artifact_find(texts[key]) for key in given}
    for key in given:
        if found[key] is None:
            other = next((texts[k] for k in given if k != key), "")
            near = _artifacts_suggest(term=texts[key], limit=CANDIDATES) or _artifacts_closest(
                term=texts[key], limit=CANDIDATES
            )
            candidates = [
                (candidate, _pick_url(**{key: candidate.slug, ("b" if key == "a" else "a"): other}))
                for candidate in near
            ]
            return _picker_page(
                request,
                status=400,
                message=f"“{texts[key]}” is not in the catalog. "
                "Pick one of the suggestions or type its exact name.",
                candidates=candidates,
                not_found=True,
                a_value=texts["a"],
                b_value=texts["b"],
            )

    if len(given) == 1:
        fixed = found[given[0]]
        target = (request.htmx.target or "") if request.htmx else ""
        if target.startswith(CARD_TARGET_PREFIX) and not request.htmx.history_restore_request:
            # A catalog card opening its "Compare with…": only the form, for that card.
            picker_id = f"compare-{fixed.slug}"  # type: ignore[union-attr]
            return HttpResponse(
                component_render(
                    "compare_picker",
                    {"picker_id": picker_id, "fixed": fixed, "a_value": "", "b_value": ""},
                )
            )
        # One artifact chosen (the "compare with…" link without JavaScript): ask for the other.
        return _picker_page(request, fixed=fixed)

    first, second = found["a"], found["b"]
    if first.pk == second.pk:  # type: ignore[union-attr]
        return _picker_page(
            request,
            status=400,
            message=f"Pick a different artifact to compare {first.name} with.",  # type: ignore[union-attr]
            fixed=first,
        )
    return redirect(comparison_url(first=first.slug, second=second.slug))  # type: ignore[union-attr]


@require_GET
@vary_on_headers("HX-Request", "HX-Trigger-Name")
def compare_suggest(request: HtmxHttpRequest) -> HttpResponse:
    """Suggestions for the picker's <datalist>, read from whichever input asked."""
    name = request.htmx.trigger_name if request.htmx.trigger_name in ("a", "b") else "q"
    try:
        form = PickForm({"a": request.GET.get(name, "")})
    except TooManyFieldsSent:
        form = PickForm({"a": ""})
    term = form.cleaned_data["a"].strip() if form.is_valid() else ""
    suggestions = _artifacts_suggest(term=term, limit=SUGGESTIONS) if term else []
    return render(request, "compare/picker.html#suggestions", {"suggestions": suggestions})
