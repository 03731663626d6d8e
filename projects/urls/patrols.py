"""URLs of the patrols pages, included by projects.urls into the ``projects`` namespace."""

from django.urls import path

from projects.views import patrols

urlpatterns = [
    path("stations/", patrols.StationListView.as_view(), name="station-list"),
    path("stations/<int:pk>/", patrols.StationDetailView.as_view(), name="station-detail"),
    path("patrols/", patrols.PatrolListView.as_view(), name="patrol-list"),
    path("patrols/new/", patrols.PatrolCreateView.as_view(), name="patrol-create"),
    path("patrols/<int:pk>/", patrols.PatrolDetailView.as_view(), name="patrol-detail"),
]
