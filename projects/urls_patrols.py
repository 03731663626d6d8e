"""URLs of the patrols pages, included by projects.urls into the ``projects`` namespace."""

urlpatterns = []
