"""The audit trail as a reader wants it: who changed which record, when, and each field's old
and new value, with foreign keys and choices shown by name. Built on django-simple-history's
historical tables in a fixed number of queries, whatever the number of changes."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Bookkeeping fields that say nothing to a reader.
HIDDEN_FIELDS = {"id", "version", "project_ptr"}

KIND_LABELS = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}


@dataclass
class Change:
    date: object
    user: object
    kind: str
    model_name: str
    label: str
    fields: list = field(default_factory=list)  # [(field name, old text, new text)]
    reason: str = ""

    @property
    def kind_label(self):
        return KIND_LABELS.get(self.kind, self.kind)


def tracked_fields(history_model):
    """The model fields a historical row copies (not those its history excludes), less
    bookkeeping and the figures the model keeps beside the record (its ``KEPT_FIELDS``: read
    from other records, not edited)."""
    model = history_model.instance_type
    copied = {f.name for f in history_model._meta.fields}
    hidden = HIDDEN_FIELDS | set(getattr(model, "KEPT_FIELDS", ()))
    return [
        f
        for f in model._meta.concrete_fields
        if f.name in copied and f.name not in hidden and not f.name.endswith("_ptr")
    ]


def m2m_relations(history_model):
    """[(field, through history model, target attname)] for the m2m fields tracked by history."""
    model = history_model.instance_type
    result = []
    for rel in history_model._meta.related_objects:
        through = rel.related_model
        prefix = f"{history_model.__name__}_"
        if not through.__name__.startswith(prefix):
            continue
        m2m = model._meta.get_field(through.__name__[len(prefix) :])
        target = next(
            f
            for f in through._meta.concrete_fields
            if f.is_relation
            and f.related_model is m2m.related_model
            and f.name != model._meta.model_name
        )
        result.append((m2m, through, target.attname))
    return result


class _Names:
    """Resolves foreign-key ids to names, one query per related model."""

    def __init__(self):
        self.wanted = defaultdict(set)
        self.names = {}

    def want(self, model, pk):
        if pk is not None:
            self.wanted[model].add(pk)

    def load(self):
        for model, pks in self.wanted.items():
            for obj in model._base_manager.filter(pk__in=pks):
                self.names[(model, obj.pk)] = str(obj)

    def name(self, model, pk):
        if pk is None:
            return ""
        return self.names.get((model, pk), f"#{pk}")


def _text(f, value, names):
    if value is None or value == "":
        return ""
    if f.is_relation:
        return names.name(f.related_model, value)
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(f, models.BooleanField):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, datetime.datetime):
        return local_minute(value)
    return str(value)


def local_minute(value):
    """A stored time as the reader's clock shows it, to the minute."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{value:%Y-%m-%d %H:%M}"


def _label(record):
    """A record's name without touching its relations (no query per row)."""
    for attribute in ("name", "title", "content", "indicator"):
        value = getattr(record, attribute, None)
        if value:
            return str(value)
    month = getattr(record, "month", None)
    if month:
        return f"{month:%Y-%m}"
    patrolled_at = getattr(record, "patrolled_at", None)
    if patrolled_at:
        return local_minute(patrolled_at)
    return f"#{getattr(record, record.instance_type._meta.pk.attname)}"


def changes(*history_querysets, skip_first=False):
    """Every change recorded in the given historical querysets, newest first. With
    ``skip_first``, each object's oldest row is only the baseline the next rows are compared
    with."""
    rows, m2m_values = [], {}
    names = _Names()
    for queryset in history_querysets:
        history_model = queryset.model
        fields = tracked_fields(history_model)
        records = list(queryset.select_related("history_user").order_by("history_date", "pk"))
        for record in records:
            for f in fields:
                if f.is_relation:
                    names.want(f.related_model, getattr(record, f.attname))
        relations = m2m_relations(history_model)
        ids = [r.pk for r in records]
        for m2m, through, target in relations:
            values = defaultdict(set)
            for history_id, pk in through.objects.filter(history_id__in=ids).values_list(
                "history_id", target
            ):
                values[history_id].add(pk)
                names.want(m2m.related_model, pk)
            m2m_values[(history_model, m2m.name)] = values
        rows.append((history_model, fields, relations, records))
    names.load()

    result = []
    for history_model, fields, relations, records in rows:
        pk_name = history_model.instance_type._meta.pk.attname
        previous = {}
        for record in records:
            key = getattr(record, pk_name)
            before = previous.get(key)
            previous[key] = record
            if skip_first and before is None:
                continue
            diffs = []
            for f in fields:
                new = getattr(record, f.attname)
                old = getattr(before, f.attname) if before is not None else None
                if before is None and new in (None, ""):
                    continue
                if before is None or old != new:
                    if record.history_type == "-":
                        continue
                    diffs.append((f.verbose_name, _text(f, old, names), _text(f, new, names)))
            for m2m, _through, _target in relations:
                values = m2m_values[(history_model, m2m.name)]
                new = values.get(record.pk, set())
                old = values.get(before.pk, set()) if before is not None else set()
                if new != old:
                    diffs.append(
                        (
                            m2m.verbose_name,
                            "、".join(sorted(names.name(m2m.related_model, pk) for pk in old)),
                            "、".join(sorted(names.name(m2m.related_model, pk) for pk in new)),
                        )
                    )
            if record.history_type == "~" and not diffs:
                continue  # a save that changed nothing a reader can see
            if before is None and record.history_type == "~":
                record_kind = "~"
            else:
                record_kind = record.history_type
            result.append(
                Change(
                    date=record.history_date,
                    user=record.history_user,
                    kind=record_kind,
                    model_name=history_model.instance_type._meta.verbose_name,
                    label=_label(record),
                    fields=diffs,
                    reason=record.history_change_reason or "",
                )
            )
    result.sort(key=lambda c: c.date, reverse=True)
    return result


def changes_since(instance, version):
    """What other people changed on ``instance`` after the ``version`` a user started from,
    oldest first: used to explain a refused save."""
    queryset = instance.history.filter(version__gte=version)
    return list(reversed(changes(queryset, skip_first=True)))
