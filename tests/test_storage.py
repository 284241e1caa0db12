"""Production's static files storage: whitenoise's URLs, each made once (config/storage.py)."""

import json

import pytest

from config.storage import StaticFilesStorage


@pytest.fixture
def storage(tmp_path, settings):
    settings.STATIC_URL = "/static/"
    manifest = {"paths": {"css/site.css": "css/site.0123abcd.css"}, "version": "1.1"}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    return StaticFilesStorage(location=tmp_path, base_url="/static/")


def test_the_hashed_name_from_the_manifest(storage):
    assert storage.url("css/site.css") == "/static/css/site.0123abcd.css"


def test_a_url_is_made_once(storage):
    first = storage.url("css/site.css")
    storage.hashed_files["css/site.css"] = "css/site.changed.css"
    assert storage.url("css/site.css") == first
    # Asked with force, it is made again.
    assert storage.url("css/site.css", force=True) == "/static/css/site.changed.css"


def test_a_file_missing_from_the_manifest_raises_every_time(storage):
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("css/missing.css")
