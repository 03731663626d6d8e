"""Uploads that must not hurt: a photo cut short or a decompression bomb is refused under its
field on every form that takes photos (the complaint form, the patrol form, the admin's photo
page), with what the user typed kept and nothing stored; the admin attaches a photo only to an
existing measure, patrol record or complaint step; files replaced, cleared or deleted with
their record leave no orphan behind."""

import functools
import io
import json
import os
import resource
import shutil
import struct
import sys
import tempfile
import time
import traceback
import zlib
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.test import SimpleTestCase, override_settings
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from projects.core.images import make_thumbnail
from projects.forms.edits import TaskUpdateForm
from projects.forms.photos import MultiplePhotoField
from projects.models import Channel, Complaint, ComplaintStep, PatrolRecord, Photo, Task
from projects.services.photos import attach_photos
from tests.photos import jpeg_bytes, photo_upload
from tests.test_complaints import ComplaintTestCase
from tests.test_editing import PDF, EditingTestCase
from tests.test_patrols import CREATE as PATROL_CREATE
from tests.test_patrols import PatrolTestCase

MIB = 1024 * 1024


def truncated_jpeg():
    """A camera-like JPEG cut off halfway, as an interrupted copy or upload leaves it: its
    header is whole (it opens and says its size), its picture is not."""
    buffer = io.BytesIO()
    Image.effect_noise((640, 480), 64).convert("RGB").save(buffer, "JPEG", quality=90)
    data = buffer.getvalue()
    return data[: len(data) // 2]


@functools.cache
def blank_png(width, height):
    """A PNG of ``width`` × ``height`` black pixels, written row by row without ever holding
    the picture: a small file that decodes to 3 bytes a pixel."""

    def chunk(kind, data):
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    compressor = zlib.compressobj()
    row = bytes(1 + width * 3)
    rows = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    signature = b"\x89PNG\r\n\x1a\n"
    return signature + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


def broken_upload(name="现场.jpg"):
    return SimpleUploadedFile(name, truncated_jpeg(), "image/jpeg")


def bomb_upload(name="航拍.png"):
    return SimpleUploadedFile(name, blank_png(7000, 7000), "image/png")


def stored_files():
    return sorted(str(p) for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())


class FreshMedia:
    """Each test stores its uploads in a MEDIA_ROOT of its own."""

    def setUp(self):
        super().setUp()
        media = tempfile.mkdtemp(prefix="waterworks-uploads-")
        self.addCleanup(shutil.rmtree, media, True)
        self.enterContext(override_settings(MEDIA_ROOT=media))

    def stored_files(self):
        return stored_files()


def in_child_process(function):
    """Run ``function`` in a forked child process; return what it returns (as JSON) and how
    far its peak memory (ru_maxrss) rose meanwhile, in MiB. A forked child's peak starts at
    its current size, so the rise is the function's own, whatever this process used before.
    The child touches no database connection."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        status = 1
        try:
            os.close(read)
            before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            result = function()
            rise = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) * 1024 / MIB
            os.write(write, json.dumps([result, rise]).encode())
            status = 0
        except BaseException:
            traceback.print_exc(file=sys.stderr)
        finally:
            os._exit(status)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        output = pipe.read()
    _pid, status = os.waitpid(pid, 0)
    assert status == 0 and output, "The child process failed (its traceback is above)."
    return json.loads(output)


class ComplaintFormUploadTests(FreshMedia, ComplaintTestCase):
    def complaint_data(self, **changes):
        return {
            "source": "hotline",
            "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "complainant": "林先生",
            "contact": "139 0000 1234",
            "location": "东渠三号桥北侧排口",
            "channel": self.channel.pk,
            "description": "排口晚间有黑水直排，气味很重",
            **changes,
        }

    def post(self, **changes):
        self.client.force_login(self.editor_a)
        with translation.override("zh-hans"):
            return self.client.post(
                reverse("projects:complaint-create"), self.complaint_data(**changes)
            )

    def assert_refused_keeping_the_text(self, response, fragment):
        self.assertEqual(response.status_code, 200)
        (message,) = response.context["form"].errors["photos"]
        self.assertIn(fragment, message)
        # Under the photo field, with everything typed still in the form.
        self.assertContains(response, f'<span class="field-error">{message}</span>', html=True)
        for name, typed in self.complaint_data().items():
            if name not in ("source", "received_at", "channel"):
                self.assertContains(response, typed)
        self.assertEqual(Complaint.objects.count(), 0)
        self.assertEqual(ComplaintStep.objects.count(), 0)
        self.assertEqual(Photo.objects.count(), 0)
        self.assertEqual(stored_files(), [])

    def test_it_refuses_a_truncated_jpeg_under_the_photos_keeping_what_was_typed(self):
        response = self.post(photos=[photo_upload("整张.jpg"), broken_upload("半张.jpg")])
        self.assert_refused_keeping_the_text(response, "半张.jpg: ")
        self.assertIn("不完整", response.context["form"].errors["photos"][0])

    def test_it_refuses_a_7000_by_7000_png_at_once_keeping_what_was_typed(self):
        upload = bomb_upload()
        self.assertLess(upload.size, 200 * 1024)
        started = time.monotonic()
        response = self.post(photos=[upload])
        self.assertLess(time.monotonic() - started, 2.0)
        self.assert_refused_keeping_the_text(response, "7000 × 7000")

    def test_a_7000_by_7000_png_costs_no_big_memory(self):
        def take_upload():
            """What any photo form does with the upload: check it, and when it is accepted,
            make the thumbnail its saving makes."""
            upload = bomb_upload()
            try:
                with translation.override("zh-hans"):
                    MultiplePhotoField().clean([upload])
            except ValidationError as error:
                return error.messages
            make_thumbnail(Photo(image=upload))
            return []

        messages, rise_mib = in_child_process(take_upload)
        self.assertLess(rise_mib, 100)
        self.assertEqual(len(messages), 1)
        self.assertIn("7000 × 7000", messages[0])

    def test_a_whole_photo_is_still_recorded_with_its_thumbnail(self):
        response = self.post(photos=[photo_upload("现场.jpg", size=(1600, 1200))])
        complaint = Complaint.objects.get()
        self.assertRedirects(response, complaint.get_absolute_url())
        photo = complaint.steps.get().photos.get()
        with photo.thumbnail.open("rb") as stored, Image.open(stored) as thumbnail:
            self.assertEqual(thumbnail.size, (320, 240))


class PatrolFormUploadTests(FreshMedia, PatrolTestCase):
    def test_it_refuses_a_truncated_jpeg_under_its_field_keeping_what_was_typed(self):
        self.client.force_login(self.editor_a)
        data = self.finding_data(
            open_work_order="on",
            before_photos=[photo_upload("巡查前.jpg")],
            after_photos=[broken_upload("巡查后.jpg")],
        )
        before = self.counts()
        with translation.override("zh-hans"):
            page = self.client.post(PATROL_CREATE, data)
        self.assertEqual(page.status_code, 200)
        form = page.context["form"]
        (message,) = form.errors["after_photos"]
        self.assertTrue(message.startswith("巡查后.jpg: "), message)
        self.assertIn("不完整", message)
        self.assertNotIn("before_photos", form.errors)
        self.assertContains(page, "渠面有大片漂浮垃圾，岸边有污水直排口")
        self.assertContains(page, "已打捞垃圾")
        self.assertEqual(self.counts(), before)
        self.assertEqual(self.stored_files(), [])

    def test_it_refuses_a_bomb_under_its_field(self):
        self.client.force_login(self.editor_a)
        before = self.counts()
        with translation.override("zh-hans"):
            page = self.client.post(PATROL_CREATE, self.finding_data(before_photos=[bomb_upload()]))
        self.assertEqual(page.status_code, 200)
        (message,) = page.context["form"].errors["before_photos"]
        self.assertIn("7000 × 7000", message)
        self.assertEqual(self.counts(), before)
        self.assertEqual(self.stored_files(), [])

    def test_deleting_a_record_deletes_its_photos_files(self):
        record = PatrolRecord.objects.create(
            post=self.post_a, channel=self.g105, patrolled_at=timezone.now(), patroller="张工"
        )
        attach_photos(record, [photo_upload("前.jpg"), photo_upload("后.jpg")], "before")
        self.assertEqual(len(self.stored_files()), 4)  # two photos and their thumbnails
        with self.captureOnCommitCallbacks(execute=True):
            record.delete()
        self.assertEqual(Photo.objects.count(), 0)
        self.assertEqual(self.stored_files(), [])


class AdminPhotoTests(FreshMedia, ComplaintTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.step = ComplaintStep.objects.create(
            complaint=Complaint.objects.create(
                source="hotline", location="东渠桥下", description="有异味"
            ),
            stage="found",
        )

    def setUp(self):
        super().setUp()
        self.client.force_login(self.administrator)

    def photo_data(self, **changes):
        return {
            "content_type": ContentType.objects.get_for_model(ComplaintStep).pk,
            "object_id": self.step.pk,
            "phase": "before",
            "image": photo_upload("桥下.jpg"),
            "caption": "桥下排口近景",
            "taken_at_0": "2018-06-01",
            "taken_at_1": "09:30",
            **changes,
        }

    def add(self, **changes):
        with translation.override("zh-hans"):
            return self.client.post(
                reverse("admin:projects_photo_add"),
                self.photo_data(**changes),
                HTTP_ACCEPT_LANGUAGE="zh-hans",
            )

    def refusal(self, response, field):
        """The add page again, the error beside ``field``, the caption kept, nothing
        stored."""
        self.assertEqual(response.status_code, 200)
        errors = response.context["adminform"].form.errors
        self.assertEqual(list(errors), [field])
        self.assertContains(response, "桥下排口近景")
        self.assertEqual(Photo.objects.count(), 0)
        self.assertEqual(stored_files(), [])
        return errors[field][0]

    def test_it_adds_a_photo_to_a_complaint_step(self):
        response = self.add()
        self.assertRedirects(response, reverse("admin:projects_photo_changelist"))
        photo = Photo.objects.get()
        self.assertEqual((photo.subject, photo.uploaded_by), (self.step, self.administrator))
        self.assertTrue(photo.thumbnail)

    def test_it_refuses_a_truncated_jpeg_beside_the_photo(self):
        message = self.refusal(self.add(image=broken_upload("桥下.jpg")), "image")
        self.assertIn("不完整", message)

    def test_it_refuses_a_bomb_beside_the_photo(self):
        message = self.refusal(self.add(image=bomb_upload()), "image")
        self.assertIn("7000 × 7000", message)

    def test_it_refuses_a_type_that_carries_no_photos_beside_it(self):
        channel = Channel.objects.create(name="西排洪渠")
        response = self.add(
            content_type=ContentType.objects.get_for_model(Channel).pk, object_id=channel.pk
        )
        message = self.refusal(response, "content_type")
        self.assertIn("措施", message)
        self.assertIn("投诉处理环节", message)
        page = self.client.get(reverse("admin:projects_photo_add"))
        offered = page.context["adminform"].form.fields["content_type"].queryset
        self.assertEqual(
            sorted(t.model for t in offered),
            ["chiefinspection", "complaintstep", "measure", "outfall", "patrolrecord"],
        )

    def test_it_refuses_an_id_that_names_no_record_beside_it(self):
        missing = ComplaintStep.objects.order_by("pk").last().pk + 1000
        message = self.refusal(self.add(object_id=missing), "object_id")
        self.assertIn(str(missing), message)
        self.assertIn("投诉处理环节", message)

    def test_replacing_a_photo_remakes_its_thumbnail_and_deletes_the_old_files(self):
        self.add()
        photo = Photo.objects.get()
        old = stored_files()
        self.assertEqual(len(old), 2)
        data = self.photo_data(image=photo_upload("新.jpg", size=(1000, 500)))
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                reverse("admin:projects_photo_change", args=[photo.pk]), data
            )
        self.assertEqual(response.status_code, 302)
        photo.refresh_from_db()
        now = stored_files()
        self.assertEqual(len(now), 2)
        self.assertFalse(set(old) & set(now))
        with photo.thumbnail.open("rb") as stored, Image.open(stored) as thumbnail:
            self.assertEqual(thumbnail.size, (320, 160))

    def test_deleting_a_complaint_deletes_its_steps_photos_files(self):
        attach_photos(self.step, [photo_upload("前.jpg")], "before")
        self.assertEqual(len(stored_files()), 2)
        with self.captureOnCommitCallbacks(execute=True):
            self.step.complaint.delete()
        self.assertEqual(stored_files(), [])


class EvidenceFileTests(FreshMedia, EditingTestCase):
    """A task's evidence replaced or cleared in the site leaves no file behind."""

    def post_task(self, **changes):
        self.client.force_login(self.editor_a)
        url = reverse("projects:task-update", args=[self.task_a.pk])
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(url, self.task_data(self.task_a, **changes))
        self.assertRedirects(response, self.g105.get_absolute_url())
        self.task_a.refresh_from_db()

    def test_replaced_or_cleared_evidence_leaves_no_orphan_file(self):
        self.post_task(status="in_progress", evidence=SimpleUploadedFile("初验报告.pdf", PDF))
        first = self.stored_files()
        self.assertEqual(len(first), 1)
        self.assertTrue(first[0].endswith(self.task_a.evidence.name))

        self.post_task(evidence=SimpleUploadedFile("终验报告.pdf", PDF + b"%final\n"))
        (second,) = self.stored_files()
        self.assertNotEqual(second, first[0])
        self.assertTrue(second.endswith(self.task_a.evidence.name))

        self.post_task(**{"evidence-clear": "on"})
        self.assertFalse(self.task_a.evidence)
        self.assertEqual(self.stored_files(), [])

    def test_an_unchanged_evidence_file_stays(self):
        self.post_task(status="in_progress", evidence=SimpleUploadedFile("报告.pdf", PDF))
        kept = self.stored_files()
        self.post_task(note="已复核")
        self.assertEqual(self.stored_files(), kept)
        with self.task_a.evidence.open("rb") as stored:
            self.assertEqual(stored.read(), PDF)

    def test_a_save_refused_after_its_upload_was_written_leaves_no_file(self):
        self.post_task(status="in_progress", evidence=SimpleUploadedFile("报告.pdf", PDF))
        (kept,) = self.stored_files()
        clean = TaskUpdateForm.clean

        def clean_while_someone_saves(form):
            """Someone else saves the task after the form was checked, before it is saved."""
            cleaned = clean(form)
            Task.objects.filter(pk=form.instance.pk).update(version=F("version") + 1)
            return cleaned

        data = self.task_data(self.task_a, evidence=SimpleUploadedFile("新报告.pdf", PDF))
        with mock.patch.object(TaskUpdateForm, "clean", clean_while_someone_saves):
            response = self.client.post(
                reverse("projects:task-update", args=[self.task_a.pk]), data
            )
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].non_field_errors())
        self.assertEqual(self.stored_files(), [kept])
        self.assertTrue(kept.endswith(Task.objects.get(pk=self.task_a.pk).evidence.name))

    def test_a_rolled_back_replacement_keeps_the_old_file(self):
        self.post_task(status="in_progress", evidence=SimpleUploadedFile("报告.pdf", PDF))
        (kept,) = self.stored_files()
        task = Task.objects.get(pk=self.task_a.pk)
        task.evidence = SimpleUploadedFile("新报告.pdf", PDF)
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            task.save()
        self.assertEqual(len(callbacks), 1)  # the old file goes only once this commits
        self.assertIn(kept, self.stored_files())


@override_settings(PHOTO_MAX_PIXELS=1_000_000)
class PixelBudgetTests(SimpleTestCase):
    def test_the_budget_is_a_setting_read_before_decoding(self):
        from projects.core.validators import validate_photo

        with translation.override("zh-hans"), self.assertRaises(ValidationError) as caught:
            validate_photo(photo_upload("大.jpg", size=(1001, 1000)))
        self.assertEqual(caught.exception.code, "too_many_pixels")
        self.assertIn("1,000,000", caught.exception.messages[0])
        validate_photo(photo_upload("刚好.jpg", size=(1000, 1000)))
        validate_photo(SimpleUploadedFile("小.jpg", jpeg_bytes(), "image/jpeg"))
