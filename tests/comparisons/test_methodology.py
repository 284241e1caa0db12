"""The methodology page reads weights and the checklist from the data, not the template."""

import pytest

from catalog.models import RankWeights
from catalog.ranking import FRESHNESS_HALF_LIFE_DAYS

pytestmark = pytest.mark.django_db


def test_formula_weights_and_no_data_rule(client):
    response = client.get("/methodology/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "rank = round(100" in body
    assert "no data" in body
    assert f"halves every {FRESHNESS_HALF_LIFE_DAYS} days" in body
    assert "A summary of at least 60 characters" in body  # from catalog.ranking
    assert 'id="verdict"' in body


def test_weights_come_from_the_rank_weights_rows(client):
    RankWeights.objects.update_or_create(
        kind="model",
        defaults={
            "adoption": 0.5,
            "quality": 0.5,
            "ecosystem": 0,
            "match_graph": 0,
            "freshness": 0,
        },
    )
    body = client.get("/methodology/").content.decode()
    row = body.split('<th scope="row">Model')[1].split("</tr>")[0]
    assert row.count("<td>50%</td>") == 2 and row.count("<td>0%</td>") == 3
    assert "changed by editors" in row
    # A kind without a row shows the published defaults from catalog.ranking.
    app = body.split('<th scope="row">App')[1].split("</tr>")[0]
    assert app.split("<td>")[1].startswith("30%")  # adoption, from catalog.ranking.REGISTRY
    assert "changed by editors" not in app


def test_the_page_reads_the_registry_and_the_sources_dates(client, django_assert_max_num_queries):
    from datetime import date

    from catalog.models import Evaluation
    from catalog.ranking import REGISTRY

    Evaluation.objects.create(
        source="lmarena", board="text", category="full", key="m", rating=1, rating_low=0,
        rating_high=2, position=0.5, position_low=0.4, position_high=0.6, board_size=3,
        published_on=date(2025, 12, 11),
    )  # fmt: skip
    with django_assert_max_num_queries(1):
        body = client.get("/methodology/").content.decode()
    for component in REGISTRY:
        assert component.methodology in body.replace("&#x27;", "'")
    assert "<td>LMArena text arena</td><td>2025-12-11</td>" in body
    assert "<td>LMArena image arena</td><td>no data imported</td>" in body
    assert "renormalised" in body and "provisional" in body
    assert "Data coverage (not part of the rank)" in body
