"""URL-walk rules for the background jobs' pages (see tests/test_urls.py, AREA_RULES): the user
who started the job and administrators see it; anyone else gets 404."""

from django.urls import reverse

from projects.models import Job


def setup(cls):
    cls.job = Job.objects.create(
        kind=Job.Kind.IMPORT,
        user=cls.editor_a,
        status=Job.Status.RUNNING,
        step="写入记录",
        done=10,
        total=40,
        params={"name": "samples.csv"},
    )


def rules(t):
    from tests.test_urls import LOGIN, Case, table

    starter = table((LOGIN, LOGIN), (404, 405), (200, 405), (404, 405), (200, 405))
    return {
        "projects:job": [Case("", reverse("projects:job", args=[t.job.pk]), starter)],
        "projects:job-status": [Case("", reverse("projects:job-status", args=[t.job.pk]), starter)],
    }
