"""The Celery application for background jobs (``projects.services.jobs``).

Workers run on any machine that has the code, the settings and the same database, uploads
store and broker: ``celery -A waterworks worker``. The broker is the setting
``CELERY_BROKER_URL`` (Redis or RabbitMQ); without it the site runs its jobs in threads of its
own process and no worker is needed.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "waterworks.settings")

app = Celery("waterworks")
app.config_from_object("django.conf:settings", namespace="CELERY")
# The task lives in projects.services.jobs.
app.autodiscover_tasks(lambda: ["projects.services"], related_name="jobs")
