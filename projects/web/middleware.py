import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.db import DatabaseError
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.functional import empty

from projects.views import errors
from projects.web import session_limits

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


def loaded_user(request):
    """The request's user if something has loaded it already, else None."""
    user = getattr(request, "user", None)
    wrapped = getattr(user, "_wrapped", user)
    return None if wrapped is empty else wrapped


class PrivatePagesMiddleware:
    """A page for a logged-in user is kept by no browser cache or proxy: the back button after
    logging out, or the next user of a shared computer, does not show it again. Responses that
    set their own caching (a photo) are only made private. Static files are served before
    this middleware (WhiteNoise) and stay cacheable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Only a user the request has already loaded: asking would read the database, which
        # an outage page must not do (projects.views.errors).
        user = loaded_user(request)
        if user is not None and user.is_authenticated:
            if response.has_header("Cache-Control"):
                patch_cache_control(response, private=True)
            else:
                add_never_cache_headers(response)
        return response


class SessionLimitMiddleware:
    """Ends a login after SESSION_IDLE_HOURS idle or SESSION_MAX_HOURS in all, with a message
    on the login page the user is then sent to (projects.web.session_limits)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            self.check(request)
        except DatabaseError as error:
            if not errors.is_database_outage(error):
                raise
            # The view meets the same outage and answers with the outage page.
        response = self.get_response(request)
        self.mark(request, response)
        return response

    def check(self, request):
        marked = bool(request.COOKIES.get(session_limits.MARKER_COOKIE))
        if request.user.is_authenticated:
            state = session_limits.check(request.session)
            if state == "refresh":
                session_limits.refresh(request.session)
            elif state == "expired":
                logout(request)
                messages.warning(request, session_limits.expired_message())
        elif marked:
            # Logged in on this browser, not logged out, and no session any more: it expired.
            messages.warning(request, session_limits.expired_message())

    def mark(self, request, response):
        marked = bool(request.COOKIES.get(session_limits.MARKER_COOKIE))
        user = loaded_user(request)
        if user is None:
            return  # not known without a query (an outage): leave the marker as it is
        authenticated = user.is_authenticated
        if authenticated and not marked:
            response.set_cookie(
                session_limits.MARKER_COOKIE,
                "1",
                max_age=session_limits.max_seconds() + session_limits.idle_seconds(),
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite=settings.SESSION_COOKIE_SAMESITE,
            )
        elif marked and user is not None and not authenticated:
            response.delete_cookie(
                session_limits.MARKER_COOKIE, samesite=settings.SESSION_COOKIE_SAMESITE
            )
