"""URL-walk rules for the background jobs' pages (see tests/test_urls.py, AREA_RULES): the user
who started the job and administrators see it; anyone else gets 404. Restarting takes a POST
(a job that was not interrupted: back to its page); a file is only a finished work ledger's
(an import's job has none: 404)."""

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
    restart = table((LOGIN, LOGIN), (405, 404), (405, 302), (405, 404), (405, 302))
    no_file = table((LOGIN, LOGIN), (404, 405), (404, 405), (404, 405), (404, 405))
    return {
        "projects:job": [Case("", reverse("projects:job", args=[t.job.pk]), starter)],
        "projects:job-status": [Case("", reverse("projects:job-status", args=[t.job.pk]), starter)],
        "projects:job-restart": [
            Case("", reverse("projects:job-restart", args=[t.job.pk]), restart),
        ],
        "projects:job-file": [
            Case("an import's job", reverse("projects:job-file", args=[t.job.pk]), no_file),
        ],
    }
