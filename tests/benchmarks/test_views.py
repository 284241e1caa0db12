"""The benchmark-only floor view: routed only when DJANGO_BENCH_VIEWS is set."""

from django.test import RequestFactory

from benchmarks.views import floor


def test_floor_is_not_routed_by_default(client, db):
    assert client.get("/_bench/floor").status_code == 404


def test_floor_answers_with_nothing_to_do(rf: RequestFactory):
    response = floor(rf.get("/_bench/floor"))
    assert response.status_code == 200
    assert response.content == b"ok"
    assert floor(rf.post("/_bench/floor")).status_code == 405
