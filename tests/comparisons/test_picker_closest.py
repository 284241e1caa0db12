"""The compare picker's "Did you mean…?" for a name that is not in the catalog."""

import pytest

from comparisons.compare.picker import name_words, names_closest
from tests.factories import ArtifactFactory

NAMES = ["FLUX.1 [pro]", "FLUX.1 [schnell]", "FLUX.1 [pro] Ultra", "Qwen3.5-Flash", "GPT-5"]


def test_words_are_lowercase_letters_and_digits():
    assert name_words("FLUX.1 [pro]") == ["flux", "1", "pro"]
    assert name_words(" -- ") == []


def test_names_holding_every_word_come_first_shortest_first():
    assert names_closest(term="flux pro", names=NAMES, limit=5) == [
        "FLUX.1 [pro]",
        "FLUX.1 [pro] Ultra",
    ]


def test_misspellings_find_names_alike():
    assert names_closest(term="qwen flsh", names=NAMES, limit=1) == ["Qwen3.5-Flash"]
    assert names_closest(term="gpt5", names=NAMES, limit=1) == ["GPT-5"]


def test_nothing_close_offers_nothing_and_the_limit_holds():
    assert names_closest(term="xyzzy", names=NAMES, limit=5) == []
    assert names_closest(term="", names=NAMES, limit=5) == []
    assert names_closest(term="flux", names=NAMES, limit=2) == ["FLUX.1 [pro]", "FLUX.1 [schnell]"]


@pytest.mark.django_db
def test_picker_answers_flux_pro_with_flux_1_pro(client):
    ArtifactFactory(slug="flux-1-pro", name="FLUX.1 [pro]")
    ArtifactFactory(slug="qwen3-5-flash", name="Qwen3.5-Flash")
    response = client.get("/compare/pick/", {"a": "flux pro", "b": "Qwen3.5-Flash"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "is not in the catalog" in body
    assert "Did you mean <a href=" in body
    assert ">FLUX.1 [pro]</a>?" in body


@pytest.mark.django_db
def test_picker_says_when_nothing_is_close(client):
    ArtifactFactory(slug="flux-1-pro", name="FLUX.1 [pro]")
    response = client.get("/compare/pick/", {"a": "xyzzy", "b": "FLUX.1 [pro]"})
    assert response.status_code == 400
    assert "Nothing in the catalog has a name close to it" in response.content.decode()
