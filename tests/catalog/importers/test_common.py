"""Reading sources safely and the small pure helpers every importer uses."""

import io
from decimal import Decimal
from urllib.error import HTTPError, URLError

import pytest

from catalog.importers import common
from catalog.importers.common import (
    ImportReport,
    ImportSourceError,
    RecordError,
    artifact_slug,
    json_parse,
    price_decimal,
    price_plain,
    price_stored,
    source_read,
    tag_key,
    tag_slug,
    text_clean,
    text_shorten,
)


def test_a_file_is_read_whole(tmp_path):
    path = tmp_path / "models.json"
    path.write_bytes(b'{"data": []}')
    assert source_read(source=str(path)) == b'{"data": []}'


def test_a_file_over_the_cap_is_refused(tmp_path):
    path = tmp_path / "big.json"
    path.write_bytes(b"[" + b"1," * 100 + b"1]")
    with pytest.raises(ImportSourceError, match="larger than the 100-byte cap"):
        source_read(source=str(path), max_bytes=100)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("/nonexistent/models.json", "no such file"),
        ("http://openrouter.ai/api/v1/models", "only https:// URLs"),
        ("ftp://example.com/models.json", "only https:// URLs"),
        ("https:///models.json", "only https:// URLs"),
    ],
)
def test_unusable_sources_say_why_in_one_line(source, message):
    with pytest.raises(ImportSourceError, match=message) as caught:
        source_read(source=source)
    assert "\n" not in str(caught.value)


def test_a_directory_is_not_a_source(tmp_path):
    with pytest.raises(ImportSourceError, match="not a file"):
        source_read(source=str(tmp_path))


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b'{"data": [{"id": "a/b", "name": "A: B"', "truncated"),
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b"<html>rate limited</html>", "not valid JSON"),
        (b'{"price": NaN}', "NaN is not a JSON number"),
        (b"[" * 100_000 + b"]" * 100_000, "not valid JSON"),
    ],
)
def test_json_errors_become_one_line(raw, message):
    with pytest.raises(ImportSourceError, match=message) as caught:
        json_parse(raw=raw, label="models.json")
    assert "\n" not in str(caught.value)


def test_json_with_a_byte_order_mark_is_fine():
    assert json_parse(raw=b'\xef\xbb\xbf{"data": []}', label="x") == {"data": []}


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Open Source", "open-source"),
        ("OpenSource", "open source"),
        ("AI Agents", "ai-agents"),
        ("CI/CD", "cicd"),
        ("\uff26\uff55\uff4c\uff4c\uff0d\uff33\uff54\uff41\uff43\uff4b", "full-stack"),
    ],
)
def test_tags_match_regardless_of_case_and_punctuation(a, b):
    assert tag_key(a) == tag_key(b)


def test_different_tags_stay_different():
    assert tag_key("AI Agent") != tag_key("AI Agents")
    assert tag_slug("AI") != tag_slug("AI 开发工具")
    assert tag_slug("中文资源") != tag_slug("技能库")
    assert tag_slug("中文资源").startswith("tag-")


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Qwen3.5-Flash", "qwen3-5-flash"),
        ("FLUX.2 Pro", "flux-2-pro"),
        ("Command R+ (08-2024)", "command-r-plus-08-2024"),
        ("Cats vs Dogs", "cats-versus-dogs"),
        ("GPT-4o vs-mini", "gpt-4o-versus-mini"),
    ],
)
def test_artifact_slugs_are_url_safe_and_never_look_like_a_comparison(name, slug):
    assert artifact_slug(name, fallback="x/y") == slug


def test_a_name_without_latin_letters_falls_back_to_the_id():
    assert artifact_slug("技能库", fallback="lab/skills-1") == "lab-skills-1"


def test_text_is_cleaned_and_checked():
    assert text_clean("  hi\x00 ", what="name") == "hi"
    assert text_clean(None, what="name") == ""
    with pytest.raises(RecordError, match="name is int, not text"):
        text_clean(3, what="name")
    with pytest.raises(RecordError, match="longer than 5"):
        text_clean("toolong", what="name", max_length=5)
    assert text_shorten("one two three", limit=9) == "one two…"


def test_prices_keep_tiny_charges_non_zero():
    assert price_decimal("0.000000065", what="prompt") == Decimal("0.000000065")
    assert price_decimal(0.5, what="prompt") == Decimal("0.5")
    assert price_stored(Decimal("0.00000732421875")) == Decimal("0.000007324219")
    assert price_stored(Decimal("1e-15")) == Decimal("1e-12")
    assert price_plain(Decimal("6.5E-8")) == "0.000000065"
    assert price_plain(Decimal("20.00")) == "20"


@pytest.mark.parametrize("value", ["cheap", "NaN", "Infinity", True, None, [1], "1e9"])
def test_bad_prices_are_record_errors(value):
    with pytest.raises(RecordError):
        price_decimal(value, what="prompt")


def test_report_lines_say_what_a_dry_run_would_do():
    report = ImportReport(source="openrouter", dry_run=True, created=2, unchanged=1)
    report.counts["capabilities created"] = 5
    report.skipped.append(("x/y", "no name"))
    lines = report.lines()
    assert lines[0] == (
        "openrouter: 2 would be created, 0 would be updated, 1 unchanged, 1 skipped "
        "(dry run: nothing was written)"
    )
    assert "5 capabilities would be created" in lines[1]
    assert lines[-1] == "  skipped x/y: no name"


class _Response(io.BytesIO):
    """What urlopen returns, for tests that must not touch the network."""

    def __init__(self, body: bytes, headers: dict):
        super().__init__(body)
        self.headers = headers


@pytest.mark.parametrize(
    ("body", "headers", "message"),
    [
        (b"[1]" * 50, {"Content-Length": "150"}, "larger than the 100-byte cap"),
        (b"[1]" * 50, {}, "larger than the 100-byte cap"),  # no or lying Content-Length
    ],
)
def test_a_url_is_read_with_a_timeout_and_the_same_cap(monkeypatch, body, headers, message):
    calls = []

    def fake_urlopen(request, timeout):
        calls.append((request.full_url, timeout))
        return _Response(body, headers)

    monkeypatch.setattr(common, "urlopen", fake_urlopen)
    with pytest.raises(ImportSourceError, match=message):
        source_read(source="https://example.test/api/v1/models", max_bytes=100)
    assert calls == [("https://example.test/api/v1/models", common.FETCH_TIMEOUT_SECONDS)]


def test_a_url_within_the_cap_is_returned(monkeypatch):
    monkeypatch.setattr(common, "urlopen", lambda request, timeout: _Response(b"[]", {}))
    assert source_read(source="https://example.test/models") == b"[]"


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (HTTPError("https://example.test/m", 503, "busy", None, None), "answered HTTP 503"),
        (URLError("name not known"), "could not be fetched: name not known"),
        (TimeoutError("timed out"), "could not be fetched: timed out"),
    ],
)
def test_fetch_failures_are_one_line(monkeypatch, error, message):
    def failing(request, timeout):
        raise error

    monkeypatch.setattr(common, "urlopen", failing)
    with pytest.raises(ImportSourceError, match=message):
        source_read(source="https://example.test/m")
