from django.urls import path

from comparisons.views import artifacts, home

urlpatterns = [
    path("", home.home, name="home"),
    path("artifacts/", artifacts.artifact_list, name="artifact_list"),
    path("artifacts/<slug:slug>/", artifacts.artifact_detail, name="artifact_detail"),
]
