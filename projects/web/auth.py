"""Login throttling (django-axes): after ``AXES_FAILURE_LIMIT`` wrong passwords for one user
name from one address, that user name is locked *for that address* for ``AXES_COOLOFF_TIME``;
colleagues behind the same office NAT address, and the same user from elsewhere, still log in.
An administrator unlocks a user from the user list (action 解除登录锁定) or the 登录尝试 list."""

from axes.backends import AxesStandaloneBackend
from django.conf import settings


class LoginThrottleBackend(AxesStandaloneBackend):
    """Axes' check, for logins that come with a request (the login form, the admin's). Code
    that authenticates without one (a management command, the test client) is not a person at
    a login page and is not throttled."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_ip(request):
    """The client's address: ``REMOTE_ADDR``, or, behind ``TRUSTED_PROXY_COUNT`` reverse
    proxies that append to X-Forwarded-For, the address the outermost of them saw."""
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [hop for hop in hops if hop]
        if len(hops) >= count:
            return hops[-count]
    return request.META.get("REMOTE_ADDR")
