# The Celery application is loaded with Django, so that the tasks use it.
from waterworks.celery import app as celery_app

__all__ = ("celery_app",)
