"""URLs of the map, included by projects.urls into the ``projects`` namespace."""

from django.urls import path

from projects.views import map as views

urlpatterns = [
    path("map/", views.MapView.as_view(), name="map"),
    path("map/features/", views.MapFeaturesView.as_view(), name="map-features"),
    path("map/import/", views.GeometryImportView.as_view(), name="map-import"),
    path("map/<str:kind>/<int:pk>/", views.GeometryEditView.as_view(), name="map-edit"),
]
