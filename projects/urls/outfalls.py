"""URLs of the outfall and treatment plant pages, included by projects.urls into the
``projects`` namespace."""

from django.urls import path

from projects.views import outfalls

urlpatterns = [
    path("outfalls/", outfalls.OutfallListView.as_view(), name="outfall-list"),
    path("outfalls/new/", outfalls.OutfallCreateView.as_view(), name="outfall-create"),
    path("outfalls/<int:pk>/", outfalls.OutfallDetailView.as_view(), name="outfall-detail"),
    path("outfalls/<int:pk>/edit/", outfalls.OutfallUpdateView.as_view(), name="outfall-update"),
    path("plants/<int:pk>/", outfalls.PlantDetailView.as_view(), name="plant-detail"),
]
