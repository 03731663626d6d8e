"""The pages a refusal or a failure shows: 400, 403 (and a refused form, CSRF), 404, 500 and
503 when the database cannot be reached. Each is a page of the site, in the user's language,
with the navigation and a way back.

The 500 and 503 pages never touch the database: they show the user only when the request had
already loaded it, and leave out what needs a query (permissions, messages kept in the
session). Wired in waterworks/urls.py (handler400 …), settings.CSRF_FAILURE_VIEW and
projects.web.middleware.DatabaseOutageMiddleware."""

import logging
import sys

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import DisallowedHost
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.functional import empty
from django.utils.http import url_has_allowed_host_and_scheme

logger = logging.getLogger(__name__)

# How long a client is asked to wait before trying again while the database is away.
RETRY_AFTER_SECONDS = 30

# The last resort, should even the plain page fail to render: still Chinese, still a way
# back, never a bare "Server Error (500)".
BARE_PAGE = (
    '<!DOCTYPE html><html lang="zh-hans"><head><meta charset="utf-8">'
    "<title>{title}</title></head><body><h1>{title}</h1><p>{text}</p>"
    '<p><a href="/">返回总览</a></p></body></html>'
)
BARE_500 = BARE_PAGE.format(title="服务器出错", text="处理您的请求时出错，问题已记录。请稍后重试。")
BARE_503 = BARE_PAGE.format(title="服务暂时不可用", text="数据库暂时无法连接，请稍后刷新本页。")


def is_database_outage(exception):
    """True for the errors a database that is down, restarting or locked raises."""
    return isinstance(exception, OperationalError | InterfaceError)


def back_url(request):
    """The page the user came from, when it is a page of this site (not this one)."""
    referer = request.META.get("HTTP_REFERER", "")
    try:
        host = request.get_host()
    except DisallowedHost:
        return ""
    if not referer or referer == request.build_absolute_uri():
        return ""
    if not url_has_allowed_host_and_scheme(referer, {host}, require_https=request.is_secure()):
        return ""
    return referer


def known_user(request):
    """The request's user if the request has already loaded it, else an anonymous user:
    loading it would read the session and the user from the database."""
    user = getattr(request, "user", None)
    if user is None:
        return AnonymousUser()
    wrapped = getattr(user, "_wrapped", user)
    return AnonymousUser() if wrapped is empty else wrapped


def error_page(request, template_name, status, *, safe=False, **context):
    context = {"show_navigation": True, "back_url": back_url(request), **context}
    if safe:
        # Nothing that reads the database: the user only if already loaded, no permission
        # lookups, no messages from the session.
        context.update(user=known_user(request), perms={}, messages=())
    return render(request, template_name, context, status=status)


def bad_request(request, exception):
    return error_page(request, "400.html", 400)


def permission_denied(request, exception):
    return error_page(request, "403.html", 403)


def csrf_failure(request, reason=""):
    """A form refused because its security token was missing or out of date."""
    return error_page(request, "403_csrf.html", 403, no_cookie="cookie" in reason.lower())


def page_not_found(request, exception):
    return error_page(request, "404.html", 404)


def safe_error_page(request, template_name, status, bare):
    try:
        return error_page(request, template_name, status, safe=True)
    except Exception:
        logger.exception("The %s page could not be rendered", status)
        return HttpResponse(bare, status=status)


def service_unavailable(request):
    """The database cannot be reached: a short wait, not a failure of the site."""
    response = safe_error_page(request, "503.html", 503, BARE_503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request):
    """handler500. A database outage raised outside a view (a middleware's query) arrives here
    too: it gets the 503 page like the ones projects.web.middleware catches in views."""
    if is_database_outage(sys.exc_info()[1]):
        return service_unavailable(request)
    return safe_error_page(request, "500.html", 500, BARE_500)
