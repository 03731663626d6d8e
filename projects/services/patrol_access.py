"""Who may record patrols, in the style of ``projects.services.access``. Everyone logged in reads
every
station and patrol; recording one is scoped:

- an administrator (permission ``edit_any_unit``) records on every active post;
- a user with ``add_patrolrecord`` whose unit (``Profile.unit``) is a municipal station records
  on that station's posts only;
- anyone else (a viewer, a user with no unit): 403.

A finding may open a problem on the channel's plan (``add_problem``) or a work order
(``add_complaint`` and ``add_complaintstep``). Views call ``patrol_scope_of(request)`` and
``post_for_patrol``: 404 for a post that does not exist, 403 for one the user may not record on.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property

from projects.models import PatrolPost
from projects.services.access import unit_id_of


class PatrolScope:
    """What one user may record; computed once per request."""

    def __init__(self, user):
        self.user = user
        self.any_unit = user.has_perm("projects.edit_any_unit")
        self.can_add = user.has_perm("projects.add_patrolrecord")
        self.can_open_problem = user.has_perm("projects.add_problem")
        self.can_open_work_order = user.has_perm("projects.add_complaint") and user.has_perm(
            "projects.add_complaintstep"
        )

    @cached_property
    def unit_id(self):
        """The user's unit, looked up only for those who could record (no query otherwise)."""
        if not self.can_add or self.any_unit:
            return None
        return unit_id_of(self.user)

    @property
    def may_record(self):
        """May record patrols on at least some posts (the form's page opens)."""
        return self.can_add and (self.any_unit or self.unit_id is not None)

    def may_record_for(self, station_id):
        if not self.can_add:
            return False
        return self.any_unit or (self.unit_id is not None and self.unit_id == station_id)

    def may_record_on(self, post):
        return self.may_record_for(post.station_id)

    def posts(self):
        """The active posts the user may record on, with their station."""
        posts = PatrolPost.objects.filter(active=True).select_related("station")
        if self.any_unit:
            return posts
        if not self.can_add or self.unit_id is None:
            return posts.none()
        return posts.filter(station_id=self.unit_id)


def patrol_scope_of(request):
    if not hasattr(request, "_patrol_scope"):
        request._patrol_scope = PatrolScope(request.user)
    return request._patrol_scope


def post_for_patrol(request, pk):
    """The post ``pk`` if the user may record a patrol on it: 404 when there is no such post,
    403 when it is not the user's to record on."""
    post = get_object_or_404(PatrolPost.objects.select_related("station"), pk=pk)
    if not patrol_scope_of(request).may_record_on(post):
        raise PermissionDenied
    return post
