"""Files in storage follow their records: a file replaced or cleared on a record (a task's
evidence, a photo's image and its thumbnail) is deleted from storage once the change is
committed, and so are the files of a deleted record. A rolled-back change keeps them: the rows
that name them are back."""

from functools import partial

from django.db import models, transaction
from django.db.models.signals import post_delete, pre_save


def file_fields(model, names=None):
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.FileField) and (names is None or field.name in names)
    ]


def delete_files(files):
    """Delete each ``(storage, name)``; one already gone is no error."""
    for storage, name in files:
        storage.delete(name)


def delete_on_commit(files):
    """Delete ``[(storage, name)]`` once the current transaction commits (at once outside
    one)."""
    files = list(files)
    if files:
        transaction.on_commit(partial(delete_files, files))


def discard_new_files(instance, stored):
    """Delete the files an unsaved change of ``instance`` has already written (a save refused
    after its uploads were stored): those it names that ``stored``, the record as it was
    loaded, does not."""
    files = []
    for field in file_fields(type(instance)):
        new = getattr(instance, field.attname)
        old = getattr(stored, field.attname)
        if new and getattr(new, "_committed", True) and new.name != (old.name if old else ""):
            files.append((field.storage, new.name))
    delete_files(files)


def _replaced_files(sender, instance, raw=False, update_fields=None, **kwargs):
    """Before a record is saved: the stored files it no longer names, deleted on commit."""
    if raw or instance._state.adding or instance.pk is None:
        return
    fields = file_fields(sender, update_fields)
    if not fields:
        return
    stored = (
        sender._base_manager.filter(pk=instance.pk)
        .values_list(*(field.attname for field in fields))
        .first()
    )
    if stored is None:
        return
    delete_on_commit(
        (field.storage, old)
        for field, old in zip(fields, stored, strict=True)
        if old and old != (getattr(instance, field.attname).name or "")
    )


def _deleted_files(sender, instance, **kwargs):
    """After a record is deleted: its stored files, deleted on commit."""
    delete_on_commit(
        (field.storage, getattr(instance, field.attname).name)
        for field in file_fields(sender)
        if getattr(instance, field.attname) and getattr(instance, field.attname)._committed
    )


def follow_files(model):
    """Delete the files ``model``'s records replace, clear or leave behind when deleted."""
    label = model._meta.label_lower
    pre_save.connect(_replaced_files, sender=model, dispatch_uid=f"replaced_files:{label}")
    post_delete.connect(_deleted_files, sender=model, dispatch_uid=f"deleted_files:{label}")
