from django.urls import path

from comparisons.views import artifact, catalog, home

urlpatterns = [
    path("", home.home, name="home"),
    path("artifacts/", catalog.artifact_list, name="artifact_list"),
    path("artifacts/<slug:slug>/", artifact.artifact_detail, name="artifact_detail"),
]
