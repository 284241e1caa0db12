"""Parsed constraints on a small OpenRouter-shaped catalog imported for real, and the chips
that show them; runs on SQLite and on PostgreSQL."""

import json

import pytest
from django.core.management import call_command

from comparisons.search.service import search_run

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/131.0"


def _model(model_id, name, modality, prompt, completion="0", params=(), extra=None):
    left, right = modality.split("->")
    record = {
        "id": model_id,
        "name": name,
        "created": 1760000000,
        "description": f"{name}, a model.",
        "context_length": 128000,
        "architecture": {
            "input_modalities": left.split("+"),
            "output_modalities": right.split("+"),
        },
        "pricing": {"prompt": prompt, "completion": completion},
        "supported_parameters": list(params),
    }
    return record | (extra or {})


MODELS = [
    # Image generators describe images in their own words: the trap for "photo" queries.
    _model("acme/painter", "Painter", "text->image", "0.000001", extra={
        "description": "Generates a photo or picture from a prompt, describe what you want.",
        "pricing": {"prompt": "0.000001", "completion": "0", "image_output": "0.04"}}),
    _model("acme/painter-pro", "Painter Pro", "text+image->image", "0.000002", extra={
        "description": "Edits a photo and describes scenes as pictures.",
        "pricing": {"prompt": "0.000002", "completion": "0", "image_output": "0.08"}}),
    _model("acme/seer", "Seer", "text+image->text", "0.0000005", "0.000002"),
    # Speech both ways: "turn text into natural speech" is only one of them.
    _model("acme/voice", "Voice", "text->speech", "0.000015"),
    _model("acme/ear", "Ear", "audio->transcription", "0.000001", extra={
        "description": "Turns natural speech into text, and text into notes."}),
    # Rerankers mention cheap, high volume, code: the trap for text queries.
    _model("acme/rerank", "Sorter", "text->rerank", "0.0000001", extra={
        "description": "Cheap reranking at high volume for chat and code search completion."}),
    _model("acme/chat-mini", "Chatter Mini", "text->text", "0.0000001", "0.0000004",
           params=("tools",)),
    _model("acme/chat-max", "Chatter Max", "text->text", "0.000003", "0.000015",
           params=("tools", "reasoning")),
]  # fmt: skip


@pytest.fixture
def catalog(db, tmp_path):
    source = tmp_path / "models.json"
    source.write_text(json.dumps({"data": MODELS}))
    call_command("import_openrouter", str(source), publish=True, verbosity=0)


def _top(query: str, n: int = 5, **kwargs):
    return [r.artifact for r in search_run(query=query, **kwargs).results[:n]]


def test_the_issue_examples_find_the_job(catalog):
    photo = _top("describe what is in a photo")
    assert photo[0].name == "Seer"
    assert all("image" in a.input_modalities and "text" in a.output_modalities for a in photo)

    invoice = _top("read text from a scanned invoice")
    assert [a.name for a in invoice] == ["Seer"]

    cheap = _top("cheap model for high volume chat")
    # Per input plus output token: 0.5 µ$ + 2 µ$ for Seer, 3 µ$ + 15 µ$ for Max.
    assert [a.name for a in cheap] == ["Chatter Mini", "Seer", "Chatter Max"]

    code = _top("code completion model for programming")
    assert "Sorter" not in {a.name for a in code}
    assert all(a.output_modalities == ["text"] for a in code)

    speech = _top("turn text into natural speech")
    assert [a.name for a in speech] == ["Voice"]


def test_dropping_a_constraint_widens_the_search(catalog):
    outcome = search_run(query="turn text into natural speech", drop=["output:audio"])
    assert outcome.constraints == []
    assert [c.label for c in outcome.dropped] == ["Output: audio"]
    assert "Ear" in {r.artifact.name for r in outcome.results}
    # An unknown key drops nothing.
    assert [c.key for c in search_run(query="tts", drop=["output:video"]).constraints] == [
        "output:audio"
    ]


def test_nothing_meets_every_constraint_so_they_only_order(catalog):
    outcome = search_run(query="reasoning agent that generates images")
    assert not outcome.constraints_filtered
    top = [r.artifact for r in outcome.results]
    # The output is never contradicted while a result has it.
    assert {a.name for a in top[:2]} == {"Painter", "Painter Pro"}


def test_chips_are_plain_links_to_the_search_without_them(catalog, client):
    response = client.get("/search/", {"q": "describe what is in a photo"})
    body = response.content.decode()
    assert response.status_code == 200
    assert (
        'href="/search/?q=describe+what+is+in+a+photo&amp;drop=input%3Aimage"' in body
        and ">Input: image<" in body
    )
    assert 'href="/search/?q=describe+what+is+in+a+photo&amp;drop=output%3Atext"' in body
    assert "Results that meet:" in body

    dropped = client.get(
        "/search/", {"q": "describe what is in a photo", "drop": ["output:text", "input:image"]}
    )
    body = dropped.content.decode()
    assert dropped.status_code == 200
    assert "All conditions removed:" in body
    # The restore link keeps the other drop, and the form carries both to the next filter.
    assert 'href="/search/?q=describe+what+is+in+a+photo&amp;drop=input%3Aimage"' in body
    assert '<input type="hidden" name="drop" value="output:text">' in body

    # A filter keeps its place in the chip links.
    filtered = client.get("/search/", {"q": "tts", "kind": "model"}).content.decode()
    assert 'href="/search/?q=tts&amp;kind=model&amp;drop=output%3Aaudio"' in filtered


@pytest.mark.parametrize(
    "drop",
    [["<script>"], ["output"], ["x" * 80 + ":y"], [f"output:a{i}" for i in range(13)]],
)
def test_a_malformed_drop_is_a_clear_400(db, client, drop):
    response = client.get("/search/", {"q": "tts", "drop": drop})
    assert response.status_code == 400
    assert "search condition" in response.content.decode()


def test_twelve_drops_are_fine(db, client):
    response = client.get("/search/", {"q": "tts", "drop": [f"output:a{i}" for i in range(12)]})
    assert response.status_code == 200


def test_a_family_name_finds_every_member_beyond_the_supplement_limit(db, tmp_path, monkeypatch):
    """A family name ("llama model") finds the family's members even when the supplement
    (the first SUPPLEMENT_LIMIT artifacts meeting the constraints, by rank) holds none."""
    from comparisons.search import facts

    models = [
        _model(f"acme/other-{n}", f"Other Model {n}", "text->text", "0.000001") for n in range(4)
    ] + [
        _model("meta/llama-3-8b", "Meta: Llama 3 8B", "text->text", "0.000001"),
        _model("meta/llama-4-scout", "Meta: Llama 4 Scout", "text->text", "0.000001"),
    ]
    source = tmp_path / "models.json"
    source.write_text(json.dumps({"data": models}))
    call_command("import_openrouter", str(source), publish=True, verbosity=0)
    from catalog.models import Artifact

    Artifact.objects.filter(name__startswith="Other").update(rank=90)
    Artifact.objects.filter(name__startswith="Llama").update(rank=10)
    monkeypatch.setattr(facts, "SUPPLEMENT_LIMIT", 2)

    names = sorted(a.name for a in _top("llama model", n=10))

    assert names == ["Llama 3 8B", "Llama 4 Scout"]


def test_version_numbers_and_hyphens_match_alike_on_both_backends(db):
    """PostgreSQL's parser keeps "2.5" and "low-latency" whole; FTS5 and the query's terms
    split them. Both backends must find the capability that says them (the other ties on
    the remaining words and would win on its name)."""
    from tests.factories import ArtifactFactory, CapabilityFactory

    zed = ArtifactFactory(name="Zed", slug="zed")
    able = ArtifactFactory(name="Able", slug="able")
    CapabilityFactory(
        artifact=zed, title="Streaming", description="Release 2.5 brings low-latency streaming."
    )
    CapabilityFactory(
        artifact=able, title="Streaming", description="Release notes and fast streaming."
    )

    assert [a.name for a in _top("release 2.5", n=2)] == ["Zed", "Able"]
    assert [a.name for a in _top("low-latency streaming", n=2)] == ["Zed", "Able"]


def test_free_that_nothing_meets_puts_the_cheapest_first(db, tmp_path):
    """No image generator is free: the cheapest, by its price per output image token,
    comes first whatever its words say."""

    def painter(slug, name, price, description):
        pricing = {"prompt": "0.000001", "completion": "0", "image_output": price}
        return _model(f"acme/{slug}", name, "text->image", "0.000001",
                      extra={"pricing": pricing, "description": description})  # fmt: skip

    models = [
        painter("dear", "Dear Painter", "0.00004", "Free image generator: generate images."),
        painter("cheap", "Cheap Painter", "0.000004", "Pictures from a prompt."),
        painter("mid", "Mid Painter", "0.00001", "Pictures from a prompt."),
    ]
    source = tmp_path / "models.json"
    source.write_text(json.dumps({"data": models}))
    call_command("import_openrouter", str(source), publish=True, verbosity=0)

    outcome = search_run(query="free image generator")
    assert [c.key for c in outcome.constraints] == ["output:image", "price:free"]
    assert [r.artifact.name for r in outcome.results[:3]] == [
        "Cheap Painter",
        "Mid Painter",
        "Dear Painter",
    ]


def test_a_family_name_finds_its_makers_models_and_a_version_narrows_it(db, tmp_path):
    """ "mistral" finds Mistral's "Ministral 3 8B" (its maker's name, not its own, says
    Mistral); "llama 3" finds Llama 3, not Llama 4."""
    models = [
        _model("mistralai/mistral-small-3", "Mistral: Mistral Small 3", "text+image->text", "1e-6"),
        _model("mistralai/mistral-medium-3", "Mistral: Mistral Medium 3", "text->text", "1e-6"),
        _model("mistralai/ministral-8b", "Mistral: Ministral 3 8B", "text+image->text", "1e-7"),
        _model("acme/gadget-3", "Acme: Gadget 3", "text+image->text", "1e-7"),
        _model("meta/llama-3-8b", "Meta: Llama 3 8B", "text->text", "0.000001"),
        _model("meta/llama-4-scout", "Meta: Llama 4 Scout", "text->text", "0.000001"),
    ]
    source = tmp_path / "models.json"
    source.write_text(json.dumps({"data": models}))
    call_command("import_openrouter", str(source), publish=True, verbosity=0)

    mistral = sorted(a.name for a in _top("mistral models that can see images", n=10))
    assert mistral == ["Ministral 3 8B", "Mistral Small 3"]
    assert [a.name for a in _top("llama 3", n=10)] == ["Llama 3 8B"]
