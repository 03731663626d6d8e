from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Water remediation programme")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from projects.services.photos import connect_signals
        from projects.web import session_limits

        connect_signals()
        # A login's start, for its absolute time limit (the site's login and the admin's).
        session_limits.connect_signals()
