"""URLs of the assessment pages, included by projects.urls into the ``projects`` namespace."""

from django.urls import path
from django.views.generic import RedirectView

urlpatterns = [
    path("assessments/", RedirectView.as_view(pattern_name="projects:dashboard"), name="assessment-list"),  # placeholder: replace
    path("reports/month/", RedirectView.as_view(pattern_name="projects:dashboard"), name="month-report"),  # placeholder: replace
]
