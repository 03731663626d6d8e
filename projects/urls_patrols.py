"""URLs of the patrols pages, included by projects.urls into the ``projects`` namespace."""

from django.urls import path
from django.views.generic import RedirectView

urlpatterns = [
    path("stations/", RedirectView.as_view(pattern_name="projects:dashboard"), name="station-list"),  # placeholder: replace
]
