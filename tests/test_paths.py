"""Paths reversed once per process still follow everything a path depends on."""

import pytest
from django.urls import NoReverseMatch, clear_script_prefix, reverse, set_script_prefix

from config.paths import path_reverse


@pytest.fixture
def served_under_a_prefix():
    set_script_prefix("/unfragile/")
    yield
    clear_script_prefix()


def test_a_kept_path_is_the_one_django_reverses():
    assert path_reverse("artifact_detail", slug="gpt-4o") == "/artifacts/gpt-4o/"
    assert path_reverse("artifact_detail", slug="gpt-4o") == "/artifacts/gpt-4o/"
    assert path_reverse("artifact_detail", slug="claude") == "/artifacts/claude/"
    assert path_reverse("methodology") == reverse("methodology")


def test_a_site_served_under_a_prefix_gets_its_own_paths(served_under_a_prefix):
    path_reverse("artifact_detail", slug="gpt-4o")
    assert path_reverse("artifact_detail", slug="gpt-4o") == "/unfragile/artifacts/gpt-4o/"
    clear_script_prefix()
    assert path_reverse("artifact_detail", slug="gpt-4o") == "/artifacts/gpt-4o/"


def test_other_url_patterns_get_their_own_paths(settings):
    assert path_reverse("home") == "/"
    settings.ROOT_URLCONF = "tests.urls_elsewhere"
    assert path_reverse("home") == "/elsewhere/"


def test_an_unknown_page_raises_every_time():
    for _ in range(2):
        with pytest.raises(NoReverseMatch):
            path_reverse("no-such-page")
    with pytest.raises(NoReverseMatch):
        path_reverse("artifact_detail", slug="not a slug")
