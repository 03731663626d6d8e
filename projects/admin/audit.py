"""History and optimistic locking in the admin.

- ``HistoryAdmin``: django-simple-history's admin (a history page per record: who, when, what)
  for every model with history. A save that loses a race to another one (django-concurrency's
  ``RecordModifiedError``) is refused with the form's own conflict message, never a 500.
  ``ReadOnlyHistory``: its versions are shown, never restored.
- ``VersionedAdminForm`` / ``VersionedInlineForm``: the site's ``VersionedForm`` for the admin;
  a save based on a stale version is refused and the error lists each change made in between.
- ``VersionedFields``: adds the hidden ``expected_version`` to an admin's or inline's fields and
  keeps the raw ``version`` out of its form.
- ``save_in_bulk``: bulk changes through ``bulk_update_with_history``, with one history row per
  record by the acting user, the version bumped and many-to-many values copied.
"""

from concurrency.exceptions import RecordModifiedError
from django.contrib import messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import PermissionDenied
from django.db import router, transaction
from django.http import HttpResponseRedirect
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.manager import SIMPLE_HISTORY_REVERSE_ATTR_NAME
from simple_history.models import HistoricalRecords
from simple_history.template_utils import HistoricalRecordContextHelper
from simple_history.utils import (
    bulk_update_with_history,
    get_app_model_primary_key_name,
    get_history_model_for_model,
)

from projects.admin.base import AdminForm, ErrorsBesideFields
from projects.forms.edits import VersionedForm
from projects.services.history import HIDDEN_FIELDS

EXPECTED_VERSION = "expected_version"


# --- forms ---------------------------------------------------------------------------------


def user_name(user):
    if user is None:
        return gettext("an unknown user")
    return user.get_full_name() or user.get_username()


def conflict_lines(changes):
    """“field: old → new (user, time)” for each field of each change (``history.Change``)."""
    for change in changes:
        when = date_format(timezone.localtime(change.date), "SHORT_DATETIME_FORMAT")
        for name, old, new in change.fields:
            yield gettext("%(field)s: %(old)s → %(new)s (%(user)s, %(date)s)") % {
                "field": name,
                "old": old or "—",
                "new": new or "—",
                "user": user_name(change.user),
                "date": when,
            }


class VersionedAdminForm(ErrorsBesideFields, VersionedForm):
    """``VersionedForm`` for the admin. A refused save says, under the form's message, what
    changed since the user opened the page, one line per field. The hidden version is
    bookkeeping: it never counts as a change of the form."""

    # An inline row that the user did not change is not saved at all (the formset skips it),
    # so someone else's change to it is no conflict. See ``VersionedInlineForm``.
    unchanged_passes = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and hasattr(self.instance, SIMPLE_HISTORY_REVERSE_ATTR_NAME):
            # The history page's "revert" form: an old version replaces the current one, so
            # the user starts from the current version, not from the old one's number.
            self.fields[EXPECTED_VERSION].initial = self.current_version()

    def current_version(self):
        return (
            type(self.instance)
            ._base_manager.filter(pk=self.instance.pk)
            .values_list("version", flat=True)
            .first()
        )

    @property
    def changed_data(self):
        return [name for name in super().changed_data if name != EXPECTED_VERSION]

    def refuse_stale(self, expected, current):
        if self.unchanged_passes and not self.has_changed():
            return
        super().refuse_stale(expected, current)
        for line in conflict_lines(self.conflicts):
            self.add_error(None, line)


class VersionedInlineForm(VersionedAdminForm):
    """A row of an inline: refused only when the user changed it."""

    unchanged_passes = True


# --- admins --------------------------------------------------------------------------------


class VersionedFields:
    """For a ModelAdmin or an inline whose form is a ``VersionedAdminForm``: render the hidden
    ``expected_version`` (at the end of the first fieldset) where existing records can be
    changed, and leave ``version`` out."""

    exclude = ["version"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if (
            obj is None  # an add page: only new records (an inline's parent is new too)
            or not self.has_change_permission(request, obj)
            or EXPECTED_VERSION in flatten_fieldsets(fieldsets)
        ):
            return fieldsets
        (name, options), *rest = fieldsets
        first = (name, {**options, "fields": [*options["fields"], EXPECTED_VERSION]})
        return [first, *rest]


class ReadableChanges(HistoricalRecordContextHelper):
    """The history page's changes as a reader wants them: choices by their label, an empty
    value as a dash."""

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if value is None or value == "":
            return "—"
        if field.choices and not field.many_to_many:
            return dict(field.flatchoices).get(value, value)
        return super().prepare_delta_change_value(change, value)


class HistoryAdmin(SimpleHistoryAdmin):
    """The admin of a model with history. Its form shows a constraint's message beside the
    field concerned (``base.AdminForm``)."""

    form = AdminForm

    lost_race_message = _(
        "Someone else saved this record while you were saving it, so nothing was saved. "
        "Open the page again to see their changes."
    )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return self.refusing_lost_races(
            super().changeform_view, request, object_id, form_url, extra_context
        )

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # django-simple-history saves a valid POST from anyone who may *view* the record;
        # reverting is a change, so it needs the change permission.
        if request.method == "POST":
            obj = self.get_object(request, unquote(object_id))
            if not self.has_change_permission(request, obj):
                raise PermissionDenied

        def view(*args):
            with transaction.atomic(using=router.db_for_write(self.model)):
                return super(HistoryAdmin, self).history_form_view(*args)

        return self.refusing_lost_races(view, request, object_id, version_id, extra_context)

    def refusing_lost_races(self, view, request, *args):
        """Run ``view`` (in a transaction). When another save of the same record (or of one of
        its inline rows) commits between our validation and our write, the write raises
        ``RecordModifiedError`` and is rolled back; validating again then refuses the form
        with the usual list of changes. Should that fail too, say so rather than fail."""
        try:
            return view(request, *args)
        except RecordModifiedError:
            if request.method != "POST":
                raise
        try:
            return view(request, *args)
        except RecordModifiedError:
            self.message_user(request, self.lost_race_message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableChanges(self.model, historical_record)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        """As django-simple-history does it, without the bookkeeping fields (``version``)."""
        previous = None
        for current in historical_records:
            if previous is not None:
                delta = previous.diff_against(
                    current,
                    excluded_fields=HIDDEN_FIELDS & {f.name for f in current.tracked_fields},
                    foreign_keys_are_objs=foreign_keys_are_objs,
                )
                helper = self.get_historical_record_context_helper(request, previous)
                previous.history_delta_changes = helper.context_for_delta_changes(delta)
            previous = current


class ReadOnlyHistory:
    """For a ``HistoryAdmin`` whose records are read in their history, never restored from it
    (user accounts; complaint steps, whose time the complaint's page moves without a history
    row): a version's page has no revert button, and a posted revert saves nothing and shows
    the version again with ``no_revert_message``."""

    no_revert_message = _(
        "An earlier version is shown, not restored. Change the record on its own page; "
        "nothing was saved."
    )

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            self.message_user(request, self.no_revert_message, messages.ERROR)
            request.method = "GET"
        return super().history_form_view(request, object_id, version_id, extra_context)


# --- bulk changes --------------------------------------------------------------------------


def copy_m2m_history(model, objs, history_date):
    """``bulk_history_create`` records no many-to-many values: copy them into the history rows
    just written at ``history_date``, or the next diff would show them all removed. One query
    per tracked many-to-many field."""
    history_model = get_history_model_for_model(model)
    if not history_model._history_m2m_fields:
        return
    pk_name = get_app_model_primary_key_name(model)
    pks = [obj.pk for obj in objs]
    records = {
        getattr(record, pk_name): record
        for record in history_model.objects.filter(
            history_date=history_date, history_type="~", **{f"{pk_name}__in": pks}
        )
    }
    for field in history_model._history_m2m_fields:
        through_history = HistoricalRecords.m2m_models[field]
        through = field.remote_field.through
        source = through._meta.get_field(field.m2m_field_name()).attname
        attnames = [f.attname for f in through._meta.concrete_fields]
        through_history.objects.bulk_create(
            through_history(
                history=records[getattr(row, source)],
                **{attname: getattr(row, attname) for attname in attnames},
            )
            for row in through.objects.filter(**{f"{source}__in": pks})
            if getattr(row, source) in records
        )


def save_in_bulk(request, model, objs, fields, reason):
    """Write ``fields`` of ``objs`` (instances of ``model``, changed in memory) in bulk through
    django-simple-history: one history row per object with the acting user and ``reason``, the
    version of a versioned model bumped (so forms opened before are refused), and one admin log
    entry per object. Returns the number of rows written."""
    if not objs:
        return 0
    fields = list(fields)
    concurrency = getattr(model, "_concurrencymeta", None)
    if concurrency is not None:
        version = concurrency.field
        for obj in objs:
            setattr(obj, version.attname, version._get_next_version(obj))
        fields.append(version.name)
    when = timezone.now()
    count = bulk_update_with_history(
        objs,
        model,
        fields,
        default_user=request.user,
        default_change_reason=str(reason)[:100],
        default_date=when,
    )
    copy_m2m_history(model, objs, when)
    with translation.override(None):  # stored untranslated, as the admin stores field names
        labels = [
            str(model._meta.get_field(name).verbose_name)
            for name in fields
            if name not in HIDDEN_FIELDS
        ]
    LogEntry.objects.log_actions(
        user_id=request.user.pk,
        queryset=objs,
        action_flag=CHANGE,
        change_message=[{"changed": {"fields": labels}}],
    )
    return count
