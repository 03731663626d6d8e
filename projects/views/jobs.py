"""A background job's page (``projects.services.jobs``): how far it has got, then its result
or why it failed; and the same as JSON, which the page's script polls to move the bar.

Only the user who started the job, or an administrator, sees it (404 for anyone else)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import TemplateView, View

from projects.models import Job
from projects.services import jobs


def visible_job(request, pk):
    job = get_object_or_404(Job.objects.select_related("user"), pk=pk)
    if not jobs.may_see(request.user, job):
        raise Http404
    return job


def result_link(job):
    """Where the job's result is seen: the import batch's page."""
    if job.status == Job.Status.SUCCEEDED and job.result.get("batch"):
        return reverse("projects:import-batch", args=[job.result["batch"]])
    return ""


class JobView(LoginRequiredMixin, TemplateView):
    template_name = "projects/jobs/detail.html"

    def get_context_data(self, **kwargs):
        job = visible_job(self.request, kwargs["pk"])
        return super().get_context_data(
            job=job,
            result_url=result_link(job),
            back_url=job.params.get("back_url", "") if job.status == Job.Status.FAILED else "",
            **kwargs,
        )


class JobStatusView(LoginRequiredMixin, View):
    def get(self, request, pk):
        job = visible_job(request, pk)
        return JsonResponse(
            {
                "status": job.status,
                "status_label": job.get_status_display(),
                "step": job.step,
                "done": job.done,
                "total": job.total,
                "percent": job.percent,
                "finished": job.finished,
                "message": job.message,
                "result_url": result_link(job),
            }
        )
