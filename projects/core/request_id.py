"""A request id on every request and every log line it causes.

``RequestIdMiddleware`` takes the proxy's ``X-Request-ID`` when it looks like one (letters,
digits, dashes; at most 64 characters) or makes a new one, answers with it in ``X-Request-ID``,
and keeps it for the log lines written while the request runs (``RequestIdFilter`` adds
``request_id`` to each record). The error pages show it, so a user can quote it to the
administrator, who finds the matching log line and error mail."""

import contextvars
import logging
import re
import uuid

_current = contextvars.ContextVar("request_id", default="-")
_ACCEPTABLE = re.compile(r"[A-Za-z0-9-]{8,64}")


def current_request_id():
    return _current.get()


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = given if _ACCEPTABLE.fullmatch(given) else uuid.uuid4().hex
        request.request_id = request_id
        token = _current.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response.headers.setdefault("X-Request-ID", request_id)
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        request = getattr(record, "request", None)
        record.request_id = getattr(request, "request_id", None) or _current.get()
        return True
