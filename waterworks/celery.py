"""The Celery application for background jobs (``projects.services.jobs``).

Workers run on any machine that has the code, the settings and the same database, uploads
store and broker: ``celery -A waterworks worker``. The broker is the setting
``CELERY_BROKER_URL`` (Redis or RabbitMQ); without it the site runs its jobs in threads of its
own process and no worker is needed.

Periodic work: with ``ALERTS_SEND_AT`` ("07:30", Beijing time) one ``celery -A waterworks
beat`` process queues the alert digests every day at that time (``beat_schedule``); without
it there is no periodic entry and cron or a systemd timer runs ``manage.py send_alerts``.
"""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "waterworks.settings")

app = Celery("waterworks")
app.config_from_object("django.conf:settings", namespace="CELERY")
# The tasks live in projects.services.jobs.
app.autodiscover_tasks(lambda: ["projects.services"], related_name="jobs")


def beat_schedule(send_at):
    """Celery beat's entries: the alert digests daily at ``send_at`` ("HH:MM"), or none."""
    if not send_at:
        return {}
    try:
        hour, minute = (int(part) for part in send_at.split(":"))
        if not (0 <= hour < 24 and 0 <= minute < 60):
            raise ValueError(send_at)
    except ValueError:
        raise ValueError(f"ALERTS_SEND_AT must be HH:MM, e.g. 07:30, not {send_at!r}") from None
    return {
        "send-alerts": {
            "task": "projects.send_alerts",
            "schedule": crontab(hour=hour, minute=minute),
        }
    }


@app.on_after_configure.connect
def schedule_periodic_work(sender, **kwargs):
    from django.conf import settings

    sender.conf.beat_schedule = beat_schedule(settings.ALERTS_SEND_AT)
