from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Water remediation programme")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from projects.photos import connect_signals

        connect_signals()
