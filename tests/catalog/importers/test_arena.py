"""LMArena leaderboards: the pure parser (shape, positions, intervals) and the rules that
link leaderboard keys to catalog models."""

import random
from datetime import date

import pytest

from catalog.importers.arena import (
    EntryKey,
    ModelFacts,
    board_and_date_from_name,
    board_parse,
    date_token_matches,
    key_undated,
    links_compute,
    name_normalise,
    position_among,
)
from catalog.importers.common import ImportSourceError
from tests.catalog.importers.sources import fixture_load

DAY = date(2025, 12, 11)
TEXT = "lmarena-leaderboard-text-2025-12-11.json"


def _rating(rating: float, spread: float = 5.0) -> dict:
    return {"rating": rating, "rating_q025": rating - spread, "rating_q975": rating + spread}


@pytest.mark.parametrize(
    "payload",
    [[], {}, None, "text", {"coding": {"a": _rating(1)}}, {"full": []}, {"full": {}},
     {"full": {"a": _rating(1)}, "coding": []}, {"full": {"a": {"score": 1}}}],
)  # fmt: skip
def test_a_wrong_shape_is_refused_whole_with_the_expected_shape_named(payload):
    with pytest.raises(ImportSourceError) as error:
        board_parse(payload=payload, board="text", published_on=DAY)
    assert str(error.value).startswith(
        'expected {category: {model_key: {"rating", "rating_q025", "rating_q975"}}} '
        'with a "full" category, got '
    )


def test_positions_run_from_last_0_to_first_1_with_ties_half():
    assert position_among(value=10, others=[1, 2, 3]) == 1.0
    assert position_among(value=0, others=[1, 2, 3]) == 0.0
    assert position_among(value=2, others=[1, 2, 3]) == 0.5  # 1 below, 1 equal
    assert position_among(value=2.5, others=[1, 2, 3]) == pytest.approx(2 / 3)
    assert position_among(value=5, others=[]) == 0.5


def test_the_fixture_parses_kept_categories_with_intervals_and_skips_bad_entries():
    parsed = board_parse(payload=fixture_load(TEXT), board="text", published_on=DAY)
    keys = {(e.category, e.key) for e in parsed.entries}
    assert ("full", "gemini-2.5-pro") in keys and ("coding", "deepseek-v3") in keys
    assert not any(category == "math" for category, _ in keys)  # not a kept category
    assert parsed.skipped == [("full/broken", "rating or its interval is not a number")]
    top = next(e for e in parsed.entries if e.key == "gemini-2.5-pro" and e.category == "full")
    assert (top.position, top.board_size) == (1.0, 8)
    # 1455 is above all 7 others' ratings: the interval's low end is still first.
    assert (top.position_low, top.position_high) == (1.0, 1.0)
    haiku = next(e for e in parsed.entries if e.key == "claude-3-5-haiku-20241022")
    # 1257 beats 1200 only: 1/7; its interval 1253..1261 stays between 1200 and 1283.
    assert haiku.position == pytest.approx(1 / 7)
    assert (haiku.position_low, haiku.position_high) == (pytest.approx(1 / 7),) * 2


def test_positions_do_not_depend_on_the_order_of_the_file():
    payload = fixture_load(TEXT)
    shuffled = {category: dict(random.Random(7).sample(list(models.items()), len(models)))
                for category, models in reversed(payload.items())}  # fmt: skip
    first = board_parse(payload=payload, board="text", published_on=DAY)
    second = board_parse(payload=shuffled, board="text", published_on=DAY)
    assert sorted(first.entries, key=repr) == sorted(second.entries, key=repr)


def test_an_interval_that_does_not_hold_its_rating_is_skipped():
    payload = {"full": {"a": _rating(10), "b": {"rating": 5, "rating_q025": 6, "rating_q975": 7}}}
    parsed = board_parse(payload=payload, board="image", published_on=DAY)
    assert [e.key for e in parsed.entries] == ["a"]
    assert parsed.skipped == [("full/b", "the 95% interval does not hold the rating")]


def test_board_and_date_come_from_the_file_name():
    assert board_and_date_from_name(path=f"/x/{TEXT}") == ("text", DAY)
    with pytest.raises(ImportSourceError):
        board_and_date_from_name(path="/x/ratings.json")


# --- linking -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "normal"),
    [("Gemini 2.5 Pro", "gemini-2-5-pro"), ("gemini-2.5-pro", "gemini-2-5-pro"),
     ("Command R+ (08-2024)", "command-r-plus-08-2024"), ("GPT-4o mini", "gpt-4o-mini")],
)  # fmt: skip
def test_names_normalise_alike(text, normal):
    assert name_normalise(text) == normal


@pytest.mark.parametrize(
    ("key", "undated"),
    [("claude-3-5-haiku-20241022", ("claude-3-5-haiku", "20241022")),
     ("gpt-4o-2024-05-13", ("gpt-4o", "2024-05-13")), ("grok-4-0709", ("grok-4", "0709")),
     ("qwen3-235b-a22b-instruct-2507", ("qwen3-235b-a22b", "2507")),
     ("gemini-2.5-pro", ("gemini-2-5-pro", "")), ("model-9999", ("model-9999", ""))],
)  # fmt: skip
def test_a_trailing_date_and_instruct_are_removed(key, undated):
    assert key_undated(key) == undated


def test_date_tokens_match_only_the_release_date():
    released = date(2024, 10, 22)
    assert date_token_matches(token="20241022", released=released)
    assert not date_token_matches(token="20241023", released=released)
    assert not date_token_matches(token="", released=released)
    assert not date_token_matches(token="20241022", released=None)


MODELS = [
    ModelFacts(1, "gpt-4o", "GPT-4o", date(2024, 5, 13)),
    ModelFacts(2, "command-r-plus", "Command R+ (08-2024)", date(2024, 8, 30)),
    ModelFacts(3, "deepseek-v3", "DeepSeek-V3", date(2024, 12, 26)),
    ModelFacts(4, "nova", "Nova", None),
    ModelFacts(5, "nova-2", "Nova", None),
    ModelFacts(6, "gpt-5", "GPT-5", date(2025, 8, 7)),
]


def _links(keys, aliases=None):
    entries = [EntryKey("text", "full", key) for key in keys]
    result = links_compute(entries=entries, models=MODELS, aliases=aliases or {})
    return result, {e.key: result.links[e] for e in entries}


def test_exact_names_beat_slugs_and_slugs_beat_dated_keys():
    result, links = _links(["command-r-plus", "command-r-plus-08-2024", "deepseek-v3",
                            "deepseek-v3-0324"])  # fmt: skip
    assert links == {"command-r-plus": None, "command-r-plus-08-2024": 2, "deepseek-v3": 3,
                     "deepseek-v3-0324": None}  # fmt: skip
    assert result.matched["command-r-plus-08-2024"] == ("command-r-plus", "name")
    assert result.superseded == {"command-r-plus": "command-r-plus",
                                 "deepseek-v3-0324": "deepseek-v3"}  # fmt: skip


def test_several_dated_keys_are_settled_by_the_release_date():
    result, links = _links(["gpt-4o-2024-08-06", "gpt-4o-2024-05-13"])
    assert links == {"gpt-4o-2024-08-06": None, "gpt-4o-2024-05-13": 1}
    assert result.matched == {"gpt-4o-2024-05-13": ("gpt-4o", "dated")}


def test_several_dated_keys_without_the_release_date_are_ambiguous_not_guessed():
    result, links = _links(["gpt-4o-2024-08-06", "gpt-4o-2024-11-20"])
    assert set(links.values()) == {None}
    assert result.ambiguous_models == {"gpt-4o": ("gpt-4o-2024-08-06", "gpt-4o-2024-11-20")}


def test_a_key_fitting_two_models_is_ambiguous_not_guessed():
    result, links = _links(["nova"])
    assert links == {"nova": None}
    assert result.ambiguous_keys == {"nova": ("nova", "nova-2")}


def test_unknown_keys_are_listed_as_unmatched():
    result, links = _links(["gpt-5-high", "mystery"])
    assert links == {"gpt-5-high": None, "mystery": None}
    assert result.unmatched == {"gpt-5-high", "mystery"}
    assert "  unmatched: gpt-5-high, mystery" in result.lines()


def test_an_editor_alias_wins_and_an_empty_alias_blocks():
    result, links = _links(
        ["gpt-5-high", "deepseek-v3"], aliases={"gpt-5-high": 6, "deepseek-v3": None}
    )
    assert links == {"gpt-5-high": 6, "deepseek-v3": None}
    assert result.matched == {"gpt-5-high": ("gpt-5", "alias")}
    assert "deepseek-v3" not in result.unmatched


def test_an_alias_beats_an_automatic_match_for_the_same_model():
    _, links = _links(["deepseek-v3", "deepseek-v3-0324"], aliases={"deepseek-v3-0324": 3})
    assert links == {"deepseek-v3": None, "deepseek-v3-0324": 3}


def test_linking_does_not_depend_on_the_order_of_keys_or_models():
    keys = ["gpt-4o-2024-08-06", "gpt-4o-2024-05-13", "command-r-plus", "command-r-plus-08-2024",
            "nova", "deepseek-v3-0324", "deepseek-v3"]  # fmt: skip
    _, expected = _links(keys)
    for seed in range(5):
        rng = random.Random(seed)
        shuffled = rng.sample(keys, len(keys))
        models = rng.sample(MODELS, len(MODELS))
        entries = [EntryKey("text", "full", key) for key in shuffled]
        result = links_compute(entries=entries, models=models, aliases={})
        assert {e.key: result.links[e] for e in entries} == expected
