from django.urls import path

from .views import channels, dashboard, edits, history, interception, pipes, works

app_name = "projects"

urlpatterns = [
    path("", dashboard.DashboardView.as_view(), name="dashboard"),
    path("channels/", channels.ChannelListView.as_view(), name="channel-list"),
    path("channels/<int:pk>/", channels.ChannelDetailView.as_view(), name="channel-detail"),
    path(
        "channels/<int:pk>/history/",
        history.ChannelHistoryView.as_view(),
        name="channel-history",
    ),
    path("tasks/<int:pk>/edit/", edits.TaskUpdateView.as_view(), name="task-update"),
    path("tasks/<int:pk>/history/", history.TaskHistoryView.as_view(), name="task-history"),
    path("tasks/<int:pk>/evidence/", edits.EvidenceView.as_view(), name="task-evidence"),
    path("interception/", interception.BatchListView.as_view(), name="batch-list"),
    path("interception/<int:pk>/", interception.BatchDetailView.as_view(), name="batch-detail"),
    path("pipes/", pipes.PipeNetworkView.as_view(), name="pipes"),
    path("projects/", works.ProjectListView.as_view(), name="project-list"),
    path("projects/<int:pk>/", works.ProjectDetailView.as_view(), name="project-detail"),
    path(
        "projects/<int:pk>/history/",
        history.ProjectHistoryView.as_view(),
        name="project-history",
    ),
    path(
        "projects/<int:pk>/reports/new/",
        edits.ReportCreateView.as_view(),
        name="report-create",
    ),
    path("reports/<int:pk>/edit/", edits.ReportUpdateView.as_view(), name="report-update"),
]
