"""URLs of the river-chief pages, included by projects.urls into the ``projects`` namespace."""

from django.urls import path

from projects.views import chiefs

urlpatterns = [
    path("chiefs/", chiefs.RiverChiefListView.as_view(), name="chief-list"),
    path("chiefs/<int:pk>/", chiefs.RiverChiefDetailView.as_view(), name="chief-detail"),
    path(
        "chiefs/<int:pk>/inspections/new/",
        chiefs.ChiefInspectionCreateView.as_view(),
        name="chief-inspection-create",
    ),
]
