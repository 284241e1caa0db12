from django.contrib.sitemaps import views as sitemaps
from django.urls import path

from comparisons.browse import views as browse
from comparisons.compare import picker
from comparisons.compare import views as compare
from comparisons.pages import artifact, home, methodology
from comparisons.pages.sitemaps import SITEMAPS, sitemap_section
from comparisons.search import views as search

urlpatterns = [
    path("", home.home, name="home"),
    path("artifacts/", browse.artifact_list, name="artifact_list"),
    path("artifacts/<slug:slug>/", artifact.artifact_detail, name="artifact_detail"),
    path("compare/", compare.compare_index, name="compare_index"),
    # Before "compare/<str:pair>/", which would otherwise take "pick" for a pair.
    path("compare/pick/", picker.compare_pick, name="compare_pick"),
    path("compare/pick/suggest/", picker.compare_suggest, name="compare_suggest"),
    path("compare/<str:pair>/", compare.compare, name="compare"),
    path("methodology/", methodology.methodology, name="methodology"),
    path("search/", search.search, name="search"),
    path("search/choose/<slug:slug>/", search.search_choose, name="search_choose"),
    path("robots.txt", methodology.robots_txt, name="robots_txt"),
    path(
        "sitemap.xml",
        sitemaps.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path("sitemap-<slug:section>.xml", sitemap_section, name="sitemap_section"),
]
