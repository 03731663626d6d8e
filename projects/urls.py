from django.urls import path

from .views import channels, dashboard, interception, pipes, works

app_name = "projects"

urlpatterns = [
    path("", dashboard.DashboardView.as_view(), name="dashboard"),
    path("channels/", channels.ChannelListView.as_view(), name="channel-list"),
    path("channels/<int:pk>/", channels.ChannelDetailView.as_view(), name="channel-detail"),
    path("interception/", interception.BatchListView.as_view(), name="batch-list"),
    path("interception/<int:pk>/", interception.BatchDetailView.as_view(), name="batch-detail"),
    path("pipes/", pipes.PipeNetworkView.as_view(), name="pipes"),
    path("projects/", works.ProjectListView.as_view(), name="project-list"),
    path("projects/<int:pk>/", works.ProjectDetailView.as_view(), name="project-detail"),
]
