from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Water remediation programme")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from projects.services import chief_latest, judgement_latest, patrol_latest, round_latest
        from projects.services.photos import connect_signals
        from projects.web import session_limits

        connect_signals()
        # Each post's latest patrol of each channel follows the records and the posts' channels.
        patrol_latest.connect_signals()
        # Each channel's latest black-odour judgement is flagged as judgements come and go.
        judgement_latest.connect_signals()
        # Each river chief's term keeps its last inspection as inspections and terms change.
        chief_latest.connect_signals()
        # Each channel's latest sampling round follows its samples and points.
        round_latest.connect_signals()
        # A login's start, for its absolute time limit (the site's login and the admin's).
        session_limits.connect_signals()
