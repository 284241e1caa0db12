from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from config.health import healthz

admin.site.site_header = "Unfragile editors"
admin.site.site_title = "Unfragile editors"
admin.site.index_title = "Catalog curation"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("", include("comparisons.urls")),
]

if settings.BENCH_VIEWS:
    from benchmarks.views import floor

    urlpatterns.insert(0, path("_bench/floor", floor, name="bench_floor"))
