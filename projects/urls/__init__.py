from django.urls import include, path

from projects.views import (
    attention,
    channels,
    dashboard,
    edits,
    history,
    imports,
    interception,
    photos,
    pipes,
    plan_edits,
    sewers,
    works,
)

app_name = "projects"

urlpatterns = [
    path("", dashboard.DashboardView.as_view(), name="dashboard"),
    path("attention/", attention.AttentionListView.as_view(), name="attention"),
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
    path("pipes/segments/", sewers.SegmentPriorityView.as_view(), name="segment-priority"),
    path(
        "pipes/segments/maintenance/",
        sewers.SegmentMaintenanceView.as_view(),
        name="segment-maintenance",
    ),
    path("pipes/segments/<int:pk>/", sewers.SegmentDetailView.as_view(), name="segment-detail"),
]

# Bulk import of samples and of inspections with defects (projects.views.imports).
urlpatterns += [
    path("imports/", imports.ImportIndexView.as_view(), name="import-index"),
    path("imports/batches/<int:pk>/", imports.ImportBatchView.as_view(), name="import-batch"),
    path("imports/<str:kind>/", imports.ImportUploadView.as_view(), name="import-upload"),
    path(
        "imports/<str:kind>/template.<str:file_format>",
        imports.ImportTemplateView.as_view(),
        name="import-template",
    ),
    path(
        "imports/<str:kind>/<str:token>/",
        imports.ImportPreviewView.as_view(),
        name="import-preview",
    ),
    path(
        "imports/<str:kind>/<str:token>/confirm/",
        imports.ImportConfirmView.as_view(),
        name="import-confirm",
    ),
]

# Channels and their plans written in the site, by administrators (projects.views.plan_edits).
urlpatterns += [
    path("channels/new/", plan_edits.ChannelCreateView.as_view(), name="channel-create"),
    path("channels/<int:pk>/edit/", plan_edits.ChannelUpdateView.as_view(), name="channel-update"),
    path("channels/<int:pk>/plan/", plan_edits.PlanEditView.as_view(), name="plan-edit"),
]

# Photos, for logged-in users only (projects.views.photos).
urlpatterns += [
    path("photos/<int:pk>/", photos.PhotoView.as_view(), name="photo"),
    path("photos/<int:pk>/thumbnail/", photos.ThumbnailView.as_view(), name="photo-thumbnail"),
]

# Daily operations, one URL module per area.
urlpatterns += [
    path("", include("projects.urls.patrols")),
    path("", include("projects.urls.complaints")),
    path("", include("projects.urls.assessment")),
    path("", include("projects.urls.lookups")),
    path("", include("projects.urls.jobs")),
    path("", include("projects.urls.chiefs")),
    path("", include("projects.urls.outfalls")),
    path("", include("projects.urls.map")),
]
