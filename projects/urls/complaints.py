"""URLs of the complaints pages, included by projects.urls into the ``projects`` namespace."""

from django.urls import path

from projects.views import complaint_reports, complaints

urlpatterns = [
    path("complaints/", complaints.ComplaintBoardView.as_view(), name="complaint-board"),
    path("complaints/all/", complaints.ComplaintListView.as_view(), name="complaint-list"),
    path(
        "complaints/new/", complaint_reports.ComplaintCreateView.as_view(), name="complaint-create"
    ),
    path("complaints/<int:pk>/", complaints.ComplaintDetailView.as_view(), name="complaint-detail"),
    path(
        "complaints/<int:pk>/dispatch/",
        complaints.DispatchView.as_view(),
        name="complaint-dispatch",
    ),
    path("complaints/<int:pk>/handle/", complaints.HandleView.as_view(), name="complaint-handle"),
    path(
        "complaints/<int:pk>/evaluate/",
        complaints.EvaluateView.as_view(),
        name="complaint-evaluate",
    ),
    path(
        "complaints/<int:pk>/reports/new/",
        complaint_reports.AddReportView.as_view(),
        name="complaint-add-report",
    ),
    path("complaints/<int:pk>/assess/", complaints.AssessView.as_view(), name="complaint-assess"),
]
