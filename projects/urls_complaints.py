"""URLs of the complaints pages, included by projects.urls into the ``projects`` namespace."""

from django.urls import path
from django.views.generic import RedirectView

urlpatterns = [
    path("complaints/", RedirectView.as_view(pattern_name="projects:dashboard"), name="complaint-board"),  # placeholder: replace
]
