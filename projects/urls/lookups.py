"""The search boxes' lookup URL (projects.views.lookups), included by projects.urls into the
``projects`` namespace."""

from django.urls import path

from projects.views import lookups

urlpatterns = [
    path("lookup/<slug:kind>/", lookups.LookupView.as_view(), name="lookup"),
]
