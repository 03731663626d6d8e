"""A background job's page (``projects.services.jobs``): how far it has got, then its result
or why it failed; and the same as JSON, which the page's script polls to move the bar. A job
cut short (``Job.interrupted``) is shown as failed, with a button that starts it again. A
finished work ledger's file is downloaded from here, never from a public address.

Only the user who started the job, or an administrator, sees it (404 for anyone else); a
month's work ledger every logged-in user, as the month report."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from projects.models import Job
from projects.services import jobs, ledger_files

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def visible_job(request, pk):
    job = get_object_or_404(Job.objects.select_related("user"), pk=pk)
    if not jobs.may_see(request.user, job):
        raise Http404
    return job


def result_link(job):
    """Where the job's result is seen: the import batch's page, the ledger's file."""
    if job.status != Job.Status.SUCCEEDED:
        return ""
    if job.result.get("batch"):
        return reverse("projects:import-batch", args=[job.result["batch"]])
    if job.kind == Job.Kind.LEDGER and job.result.get("file"):
        return reverse("projects:job-file", args=[job.pk])
    return ""


def shown_message(job):
    """The job's message; for an interrupted one, what happened, in the reader's language."""
    if not job.interrupted:
        return job.message
    if job.kind == Job.Kind.ALERTS:
        return _(
            "The work was cut short before it finished (the process running it stopped): "
            "some digests may have been sent. Start it again to send them all."
        )
    return _(
        "The work was cut short before it finished (the process running it stopped), so "
        "nothing was written. Start it again."
    )


def shown_status(job):
    status = job.shown_status
    return status, Job.Status(status).label


class JobView(LoginRequiredMixin, TemplateView):
    template_name = "projects/jobs/detail.html"

    def get_context_data(self, **kwargs):
        job = visible_job(self.request, kwargs["pk"])
        status, status_label = shown_status(job)
        ledger_gone = (
            job.kind == Job.Kind.LEDGER
            and job.status == Job.Status.SUCCEEDED
            and not job.result.get("file")
        )
        return super().get_context_data(
            job=job,
            status=status,
            status_label=status_label,
            job_message=shown_message(job),
            result_url=result_link(job),
            ledger_gone=ledger_gone,
            ledger_url=(
                f"{reverse('projects:month-ledger')}?month={job.params['month']}"
                if job.kind == Job.Kind.LEDGER
                else ""
            ),
            back_url=job.params.get("back_url", "") if status == Job.Status.FAILED else "",
            **kwargs,
        )


class JobStatusView(LoginRequiredMixin, View):
    def get(self, request, pk):
        job = visible_job(request, pk)
        status, status_label = shown_status(job)
        return JsonResponse(
            {
                "status": status,
                "status_label": status_label,
                "step": job.step,
                "done": job.done,
                "total": job.total,
                "percent": job.percent,
                "finished": job.finished,
                "interrupted": job.interrupted,
                "message": shown_message(job),
                "result_url": result_link(job),
            }
        )


class JobRestartView(LoginRequiredMixin, View):
    """Start an interrupted job again (POST); its page says so."""

    def post(self, request, pk):
        job = visible_job(request, pk)
        if jobs.restart(job):
            messages.success(request, _("The job has been started again."))
        elif not job.finished:
            messages.info(request, _("The job is running again already."))
        else:
            messages.info(request, _("The job was not interrupted: there is nothing to restart."))
        return redirect("projects:job", pk=job.pk)


class JobFileView(LoginRequiredMixin, View):
    """A finished work ledger's file, as a download (404 once it has been deleted)."""

    def get(self, request, pk):
        job = visible_job(request, pk)
        if job.kind != Job.Kind.LEDGER:
            raise Http404
        file = ledger_files.open_file(job)
        if file is None:
            raise Http404
        return FileResponse(
            file, as_attachment=True, filename=job.result.get("filename"), content_type=XLSX
        )
