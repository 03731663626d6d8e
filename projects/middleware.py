import logging

from django.conf import settings
from django.utils import translation

from projects.views import errors

logger = logging.getLogger(__name__)


class DefaultLanguageMiddleware:
    """Simplified Chinese for everyone unless they chose otherwise with the language switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language header, so an English
    browser would see English first; the bureau's interface speaks Chinese first. The choice
    made with the switch (Django's ``set_language`` view) is kept in the language cookie."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response


class DatabaseOutageMiddleware:
    """A view that cannot reach the database answers 503 with the outage page (a short wait,
    not a failure of the site) instead of a 500 or Django's bare error text. Errors raised
    outside a view reach handler500, which does the same (projects.views.errors)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not errors.is_database_outage(exception):
            return None
        logger.error(
            "Database unavailable: %s %s",
            request.method,
            request.path,
            exc_info=exception,
        )
        return errors.service_unavailable(request)
