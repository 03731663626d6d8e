"""URLs of the assessment pages and the monthly report, included by projects.urls into the
``projects`` namespace."""

from django.urls import path

from projects.views import assessment, ledger, month_report

urlpatterns = [
    path("assessments/", assessment.AssessmentListView.as_view(), name="assessment-list"),
    path(
        "assessments/items/",
        assessment.AssessmentItemListView.as_view(),
        name="assessment-items",
    ),
    path(
        "assessments/<int:pk>/",
        assessment.AssessmentDetailView.as_view(),
        name="assessment-detail",
    ),
    path(
        "assessments/<int:pk>/deductions/new/",
        assessment.DeductionCreateView.as_view(),
        name="assessment-deduction-create",
    ),
    path("reports/month/", month_report.MonthReportView.as_view(), name="month-report"),
    path(
        "reports/month/ledger.xlsx",
        ledger.MonthLedgerView.as_view(),
        name="month-ledger",
    ),
]
