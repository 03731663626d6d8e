"""Background jobs' pages (projects.views.jobs)."""

from django.urls import path

from projects.views import jobs

urlpatterns = [
    path("jobs/<int:pk>/", jobs.JobView.as_view(), name="job"),
    path("jobs/<int:pk>/status/", jobs.JobStatusView.as_view(), name="job-status"),
    path("jobs/<int:pk>/restart/", jobs.JobRestartView.as_view(), name="job-restart"),
    path("jobs/<int:pk>/file/", jobs.JobFileView.as_view(), name="job-file"),
]
