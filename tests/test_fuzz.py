"""Random requests to every public URL: never a 5xx, never a traceback.

Hypothesis builds paths from the site's real URL prefixes plus hostile text, random
query strings, headers and methods. The demo catalog is loaded so that valid slugs
are in play as well as garbage ones.
"""

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

PREFIXES = [
    "/",
    "/artifacts/",
    "/artifacts/qwen3-5-flash/",
    "/artifacts/{}/",
    "/compare/",
    "/compare/flux-1-pro-vs-qwen3-5-flash/",
    "/compare/qwen3-5-flash-vs-flux-1-pro/",
    "/compare/{}-vs-{}/",
    "/compare/{}/",
    "/compare/pick/",
    "/search/",
    "/methodology/",
    "/sitemap.xml",
    "/sitemap-artifacts.xml",
    "/sitemap-comparisons.xml",
    "/sitemap-{}.xml",
    "/robots.txt",
    "/healthz",
    "/{}",
]
HOSTILE = [
    "", " ", "\x00", "%00", "..", "../../etc/passwd", "-vs-", "a-vs-a", "x" * 2000, "😀",
    "שלום", "' OR 1=1 --", '"', "<script>", "c++", "gpt-4o", "NEAR(", "*", "%", "%%", "\\",
]  # fmt: skip

text = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=60))
query_value = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40), st.integers().map(str))
query_key = st.one_of(
    st.sampled_from(
        ["q", "page", "kind", "vendor", "sort", "min_rank", "max_price", "price_unit", "tag",
         "has_free_tier", "open_weights", "input", "output", "min_context", "side", "all", "a",
         "b", "only", "filter", "p"]
    ),
    st.text(max_size=10),
)  # fmt: skip


@st.composite
def requests(draw):
    template = draw(st.sampled_from(PREFIXES))
    path = template.format(*[draw(text) for _ in range(template.count("{}"))])
    query = draw(st.lists(st.tuples(query_key, query_value), max_size=6))
    headers = {}
    if draw(st.booleans()):
        headers["HTTP_HX_REQUEST"] = draw(st.sampled_from(["true", "false", "", "1"]))
    if draw(st.booleans()):
        headers["HTTP_USER_AGENT"] = draw(
            st.one_of(st.sampled_from(["Googlebot/2.1", "curl/8"]), text)
        )
    method = draw(st.sampled_from(["get", "head", "post", "put", "delete"]))
    return method, path, query, headers


def _safe_header_value(value: str) -> bool:
    return all(32 <= ord(ch) < 127 for ch in value)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(request=requests())
def test_random_requests_never_fail(demo_catalog, request):
    method, path, query, headers = request
    headers = {k: v for k, v in headers.items() if _safe_header_value(v)}
    client = Client()
    call = getattr(client, method)
    if method == "get" or method == "head":
        response = call(path, dict(query), **headers)
    else:
        response = call(path, data=dict(query), **headers)
    assert response.status_code < 500, (method, path, query, headers)
    body = response.content.decode(errors="replace") if method != "head" else ""
    assert "Traceback" not in body
