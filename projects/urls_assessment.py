"""URLs of the assessment pages, included by projects.urls into the ``projects`` namespace."""

urlpatterns = []
