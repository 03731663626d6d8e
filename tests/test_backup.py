"""Backup and restore round trip: a database with the article's data, a patrol with a photo
(and its thumbnail), audit history and users is written to one archive, the database and the
files are then changed, and the restore brings back every row count, every file byte for byte,
the same photo download and the history with its users."""

import io
import shutil
import tarfile
import tempfile
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase, override_settings
from django.urls import reverse

from projects.models import Channel, Photo, Task
from projects.services.backup import media_files, row_counts
from tests.factories import add_operations_records
from tests.photos import jpeg_bytes


class BackupRoundTripTests(TestCase):
    fixtures = ["xiangzhou_2018"]

    @classmethod
    def setUpClass(cls):
        cls.folder = Path(tempfile.mkdtemp(prefix="waterworks-backup-"))
        cls.addClassCleanup(shutil.rmtree, cls.folder, True)
        cls.enterClassContext(override_settings(MEDIA_ROOT=cls.folder / "media"))
        super().setUpClass()

    @classmethod
    def setUpTestData(cls):
        call_command("ensure_history", stdout=io.StringIO())
        cls.user = get_user_model().objects.create_user("clerk", password="clerk-pass-1")
        channel = Channel.objects.get(name="造贝排洪渠")
        records = add_operations_records(channel)
        photo = Photo(
            content_type=ContentType.objects.get_for_model(records["record"]),
            object_id=records["record"].pk,
            phase=Photo.Phase.AFTER,
            caption="清理后",
        )
        photo.image.save("after.jpg", ContentFile(jpeg_bytes(colour=(200, 40, 40))), save=False)
        photo.save()
        cls.photo = photo
        task = Task.objects.order_by("pk").first()
        task._history_user = cls.user
        task.note = "已进场施工"
        task.save()

    def setUp(self):
        # A restore inside this test's transaction recreates the content types; the rollback
        # puts the old ones back, so the ids cached meanwhile must go too.
        self.addCleanup(ContentType.objects.clear_cache)

    def download(self, photo_pk):
        self.client.force_login(get_user_model().objects.get(username="clerk"))
        response = self.client.get(reverse("projects:photo", args=[photo_pk]))
        self.assertEqual(response.status_code, 200)
        return b"".join(response.streaming_content if response.streaming else [response.content])

    def test_it_round_trips_the_database_and_the_files(self):
        archive = self.folder / "backup.tar.gz"
        counts, files = row_counts(), media_files()
        self.assertGreaterEqual(len(files), 2)  # the photo and its thumbnail
        before = self.download(self.photo.pk)
        call_command("backup", str(archive), stdout=io.StringIO())
        with tarfile.open(archive) as opened:
            self.assertIn("manifest.json", opened.getnames())

        # Damage: a channel deleted, a task edited, a photo file overwritten.
        Channel.objects.filter(name="105国道排洪渠").delete()
        Task.objects.update(note="被改动")
        (self.folder / "media" / self.photo.image.name).write_bytes(b"broken")

        with self.assertRaises(CommandError):
            call_command("restore", str(archive), stdout=io.StringIO())
        out = io.StringIO()
        call_command("restore", str(archive), "--replace", stdout=out)
        self.assertIn("checked", out.getvalue())

        self.assertEqual(row_counts(), counts)
        self.assertEqual(media_files(), files)
        self.assertEqual(self.download(self.photo.pk), before)
        task = Task.objects.order_by("pk").first()
        self.assertEqual(task.note, "已进场施工")
        self.assertEqual(task.history.first().history_user.username, "clerk")
        self.assertTrue(Channel.objects.filter(name="105国道排洪渠").exists())

    def test_it_refuses_a_file_that_is_not_a_backup(self):
        archive = self.folder / "other.tar.gz"
        with tarfile.open(archive, "w:gz") as opened:
            opened.addfile(tarfile.TarInfo("data.json"), io.BytesIO(b""))
        with self.assertRaisesMessage(CommandError, "manifest.json"):
            call_command("restore", str(archive), "--replace", stdout=io.StringIO())
        self.assertTrue(Channel.objects.exists())
