"""Photos: attaching uploads to a record, and the rule that an aeration or floating-island
measure needs before and after photos to be accepted. (Thumbnails: ``projects.core.images``.)"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from projects.core.stored_files import delete_files, follow_files


def photo_subject_models():
    """The records photos are attached to: measures, patrol records, complaint steps, river
    chiefs' inspections and outfalls."""
    from projects.models import ChiefInspection, ComplaintStep, Measure, Outfall, PatrolRecord

    return (Measure, PatrolRecord, ComplaintStep, ChiefInspection, Outfall)


def attach_photos(subject, files, phase, user=None, caption=""):
    """Save each uploaded file as a photo of ``subject`` (files already validated by a form).
    Returns the photos."""
    return attach_photo_sets(subject, [(phase, files)], user=user, caption=caption)


def attach_photo_sets(subject, sets, user=None, caption=""):
    """Save the uploads of each ``(phase, files)`` in ``sets`` as photos of ``subject``. If a
    save fails, the files already written are deleted before the error goes on: the
    transaction's rollback removes the rows, not the files. Returns the photos."""
    from projects.models import Photo

    content_type = ContentType.objects.get_for_model(subject)
    photos = []
    try:
        for phase, files in sets:
            for upload in files:
                photo = Photo(
                    content_type=content_type,
                    object_id=subject.pk,
                    phase=phase,
                    image=upload,
                    caption=caption,
                    uploaded_by=user,
                )
                photos.append(photo)
                photo.save()
    except BaseException:
        for photo in photos:
            delete_files(stored_files(photo))
        raise
    return photos


def phases_required_for_acceptance(measure):
    """The photo phases a measure needs before it can be accepted: before and after for the
    techniques named in ``PHOTOS_REQUIRED_FOR_TECHNIQUES`` (微孔曝气, 生态浮岛), none else."""
    names = set(settings.PHOTOS_REQUIRED_FOR_TECHNIQUES)
    technique = measure.technique if measure.technique_id else None
    if (technique and technique.name in names) or measure.name in names:
        return ("before", "after")
    return ()


def check_measure_acceptance(measure, phases):
    """Raise ValidationError when ``measure`` is being marked accepted without the photos its
    technique needs; ``phases`` is the collection of phases of the photos it will have."""
    from projects.models import Measure, Photo

    if measure.status != Measure.Status.ACCEPTED:
        return
    required = phases_required_for_acceptance(measure)
    missing = [phase for phase in required if phase not in set(phases)]
    if missing:
        labels = "、".join(str(Photo.Phase(phase).label) for phase in missing)
        raise ValidationError(
            _(
                "A %(technique)s measure cannot be accepted without at least one before and "
                "one after photo; missing: %(missing)s."
            ),
            params={"technique": measure.technique or measure.name, "missing": labels},
            code="photos_required",
        )


def stored_files(photo):
    """[(storage, name)] of the files a photo has written to storage: the image and its
    thumbnail (an upload not yet written is left out)."""
    return [
        (f.storage, f.name)
        for f in (photo.image, photo.thumbnail)
        if f and getattr(f, "_committed", True)
    ]


def connect_signals():
    """Files follow their records (``projects.core.stored_files``): a photo's image and thumbnail,
    a task's evidence, replaced, cleared or deleted with the record, are deleted on commit."""
    from projects.models import Photo, Task

    follow_files(Photo)
    follow_files(Task)
