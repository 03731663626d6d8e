"""URLs of the complaints pages, included by projects.urls into the ``projects`` namespace."""

urlpatterns = []
