from django.contrib.sitemaps.views import sitemap
from django.urls import path

from comparisons.sitemaps import SITEMAPS
from comparisons.views import artifact, catalog, compare, home, pages, picker, search

urlpatterns = [
    path("", home.home, name="home"),
    path("artifacts/", catalog.artifact_list, name="artifact_list"),
    path("artifacts/<slug:slug>/", artifact.artifact_detail, name="artifact_detail"),
    path("compare/", compare.compare_index, name="compare_index"),
    # Before "compare/<str:pair>/", which would otherwise take "pick" for a pair.
    path("compare/pick/", picker.compare_pick, name="compare_pick"),
    path("compare/pick/suggest/", picker.compare_suggest, name="compare_suggest"),
    path("compare/<str:pair>/", compare.compare, name="compare"),
    path("methodology/", pages.methodology, name="methodology"),
    path("search/", search.search, name="search"),
    path("search/choose/<slug:slug>/", search.search_choose, name="search_choose"),
    path("robots.txt", pages.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
]
