"""The complaints' closed loop as operations: each moves a complaint to its next stage and
records the step (time and user) in one transaction."""

from django.db import transaction
from django.utils import timezone

from projects.models import Complaint, ComplaintStep


@transaction.atomic
def open_complaint(user, note="", **fields):
    """Record a complaint at 发现 (found) with its first step. ``fields`` are Complaint
    fields (source, location, description, channel, ...)."""
    complaint = Complaint(created_by=user if user and user.is_authenticated else None, **fields)
    complaint.full_clean()
    complaint.save()
    ComplaintStep.objects.create(
        complaint=complaint,
        stage=Complaint.Stage.FOUND,
        user=complaint.created_by,
        at=timezone.now(),
        note=note,
    )
    return complaint
