"""Photos: uploads checked by size and content, thumbnails made with Pillow, files kept behind
the login, and a 微孔曝气 / 生态浮岛 measure accepted only with a before and an after photo."""

import io
import shutil
import tempfile

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import translation
from PIL import Image

from projects.core.validators import validate_photo
from projects.forms.photos import MultiplePhotoField
from projects.models import Channel, Measure, Photo, Plan
from tests.photos import disguised_upload, image_bytes, jpeg_bytes, photo_upload


class MediaRootMixin:
    @classmethod
    def setUpClass(cls):
        media = tempfile.mkdtemp(prefix="waterworks-photos-")
        cls.addClassCleanup(shutil.rmtree, media, True)
        cls.enterClassContext(override_settings(MEDIA_ROOT=media))
        super().setUpClass()


def messages_of(error):
    return " ".join(error.messages)


class PhotoValidationTests(TestCase):
    def refusal(self, upload):
        with translation.override("zh-hans"), self.assertRaises(ValidationError) as caught:
            validate_photo(upload)
        return caught.exception

    def test_it_accepts_jpeg_png_and_webp_photos(self):
        for name, image_format in (("a.jpg", "JPEG"), ("b.PNG", "PNG"), ("c.webp", "WEBP")):
            with self.subTest(name):
                validate_photo(photo_upload(name, image_format))

    def test_it_refuses_an_oversized_photo_with_its_size_and_the_limit(self):
        upload = photo_upload("big.jpg", size=(400, 400))
        with override_settings(PHOTO_MAX_BYTES=1024):
            error = self.refusal(upload)
        self.assertEqual(error.code, "too_large")
        self.assertIn("1.0 KB", messages_of(error).replace("\xa0", " "))

    def test_it_refuses_a_pdf_renamed_to_jpg(self):
        error = self.refusal(disguised_upload("现场.jpg"))
        self.assertEqual(error.code, "disguised")
        self.assertIn("不是照片", messages_of(error))

    def test_it_refuses_a_png_that_claims_to_be_a_jpeg(self):
        error = self.refusal(photo_upload("现场.jpg", "PNG"))
        self.assertEqual(error.code, "disguised")
        self.assertIn("JPG", messages_of(error))

    def test_it_refuses_a_truncated_image(self):
        error = self.refusal(SimpleUploadedFile("半截.jpg", jpeg_bytes()[:40], "image/jpeg"))
        self.assertEqual(error.code, "damaged")

    def test_it_refuses_other_types_by_name(self):
        error = self.refusal(SimpleUploadedFile("动图.gif", image_bytes("GIF"), "image/gif"))
        self.assertEqual(error.code, "type")

    def test_the_multiple_field_names_each_refused_file(self):
        field = MultiplePhotoField()
        good = photo_upload("好.jpg")
        with translation.override("zh-hans"), self.assertRaises(ValidationError) as caught:
            field.clean([good, disguised_upload("假.jpg")])
        self.assertIn("假.jpg", messages_of(caught.exception))
        self.assertNotIn("好.jpg", messages_of(caught.exception))
        self.assertEqual(field.clean([]), [])


class PhotoStorageTests(MediaRootMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = User.objects.create_user("viewer", password="pw-viewer-123")
        cls.plan = Plan.objects.create(
            channel=Channel.objects.create(name="甲渠"), title="甲渠方案"
        )
        cls.measure = Measure.objects.create(plan=cls.plan, name="清淤", category="internal")

    def make_photo(self, content, name="现场.jpg"):
        photo = Photo(
            content_type=ContentType.objects.get_for_model(Measure),
            object_id=self.measure.pk,
            phase=Photo.Phase.BEFORE,
        )
        photo.image.save(name, ContentFile(content), save=False)
        photo.save()
        return photo

    def test_it_makes_an_upright_jpeg_thumbnail_at_most_320_pixels(self):
        # A camera's landscape frame tagged "rotate 90°" (EXIF orientation 6).
        buffer = io.BytesIO()
        exif = Image.Exif()
        exif[0x0112] = 6
        Image.new("RGB", (1200, 600), (10, 90, 40)).save(buffer, "JPEG", exif=exif)
        photo = self.make_photo(buffer.getvalue())
        with photo.thumbnail.open("rb") as stored, Image.open(stored) as thumbnail:
            self.assertEqual(thumbnail.format, "JPEG")
            self.assertEqual(thumbnail.size, (160, 320))

    def test_it_serves_a_photo_and_its_thumbnail_to_a_logged_in_user(self):
        photo = self.make_photo(jpeg_bytes())
        self.client.force_login(self.user)
        response = self.client.get(reverse("projects:photo", args=[photo.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "image/jpeg")
        self.assertEqual(b"".join(response.streaming_content), jpeg_bytes())
        thumbnail = self.client.get(reverse("projects:photo-thumbnail", args=[photo.pk]))
        self.assertEqual(thumbnail.status_code, 200)
        self.assertTrue(b"".join(thumbnail.streaming_content).startswith(b"\xff\xd8\xff"))

    def test_an_anonymous_request_gets_no_photo(self):
        photo = self.make_photo(jpeg_bytes())
        for url in (
            reverse("projects:photo", args=[photo.pk]),
            reverse("projects:photo-thumbnail", args=[photo.pk]),
        ):
            with self.subTest(url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 302)
                self.assertTrue(response["Location"].startswith(reverse("login")))
                self.assertNotIn(b"\xff\xd8\xff", response.content)
        # Nor is the media directory a public URL.
        self.assertEqual(self.client.get(f"/media/{photo.image.name}").status_code, 404)

    def test_deleting_a_photo_removes_its_files_once_committed(self):
        photo = self.make_photo(jpeg_bytes())
        storage, names = photo.image.storage, (photo.image.name, photo.thumbnail.name)
        with self.captureOnCommitCallbacks(execute=True):
            photo.delete()
        self.assertFalse(any(storage.exists(name) for name in names))

    def test_a_rolled_back_deletion_keeps_the_files(self):
        photo = self.make_photo(jpeg_bytes())
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            photo.delete()
        self.assertEqual(len(callbacks), 1)  # runs only on commit
        self.assertTrue(photo.image.storage.exists(photo.image.name))


class MeasureAcceptanceTests(MediaRootMixin, TestCase):
    """The admin is where measures are edited: on their own page (with a photo inline) and on
    the plan's page (without)."""

    fixtures = ["xiangzhou_2018"]

    @classmethod
    def setUpTestData(cls):
        cls.admin = User.objects.create_superuser("admin", "admin@example.com", "pw-admin-123")
        cls.aeration = Measure.objects.get(
            technique__name="微孔曝气", plan__channel__name__contains="造贝"
        )
        cls.fountain = Measure.objects.get(technique__name="增氧景观喷泉")

    def setUp(self):
        self.client.force_login(self.admin)

    def measure_form(self, measure, status, photos=()):
        prefix = "projects-photo-content_type-object_id"
        data = {
            "plan": measure.plan_id,
            "name": measure.name,
            "category": measure.category,
            "technique": measure.technique_id or "",
            "project": measure.project_id or "",
            "scale": measure.scale,
            "investment_wan": "",
            "funding": measure.funding,
            "status": status,
            "source": measure.source_id or "",
            f"{prefix}-TOTAL_FORMS": str(len(photos)),
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
        for index, (phase, upload) in enumerate(photos):
            data[f"{prefix}-{index}-phase"] = phase
            data[f"{prefix}-{index}-image"] = upload
            data[f"{prefix}-{index}-caption"] = ""
            data[f"{prefix}-{index}-taken_at_0"] = ""
            data[f"{prefix}-{index}-taken_at_1"] = ""
        return data

    def post_measure(self, measure, status, photos=()):
        url = reverse("admin:projects_measure_change", args=[measure.pk])
        with translation.override("zh-hans"):
            return self.client.post(
                url, self.measure_form(measure, status, photos), HTTP_ACCEPT_LANGUAGE="zh-hans"
            )

    def test_an_aeration_measure_is_not_accepted_without_photos(self):
        response = self.post_measure(self.aeration, Measure.Status.ACCEPTED)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "微孔曝气")
        self.assertContains(response, "验收")
        self.aeration.refresh_from_db()
        self.assertEqual(self.aeration.status, "")

    def test_a_before_photo_alone_is_not_enough(self):
        response = self.post_measure(
            self.aeration, Measure.Status.ACCEPTED, [("before", photo_upload("前.jpg"))]
        )
        self.assertEqual(response.status_code, 200)
        self.aeration.refresh_from_db()
        self.assertEqual(self.aeration.status, "")
        self.assertEqual(self.aeration.photos.count(), 0)

    def test_before_and_after_photos_added_in_the_same_save_let_it_be_accepted(self):
        response = self.post_measure(
            self.aeration,
            Measure.Status.ACCEPTED,
            [("before", photo_upload("前.jpg")), ("after", photo_upload("后.jpg"))],
        )
        self.assertEqual(response.status_code, 302)
        self.aeration.refresh_from_db()
        self.assertEqual(self.aeration.status, Measure.Status.ACCEPTED)
        self.assertEqual(
            sorted(self.aeration.photos.values_list("phase", flat=True)), ["after", "before"]
        )
        self.assertTrue(all(photo.thumbnail for photo in self.aeration.photos.all()))

    def test_a_disguised_upload_is_refused_in_the_admin(self):
        response = self.post_measure(
            self.aeration, Measure.Status.IN_SERVICE, [("before", disguised_upload("前.jpg"))]
        )
        self.assertEqual(response.status_code, 200)
        # Django's image field refuses it before our own check: either says it is no image.
        self.assertContains(response, "有效的图片")
        self.assertEqual(Photo.objects.count(), 0)

    def test_other_techniques_need_no_photos(self):
        response = self.post_measure(self.fountain, Measure.Status.ACCEPTED)
        self.assertEqual(response.status_code, 302)
        self.fountain.refresh_from_db()
        self.assertEqual(self.fountain.status, Measure.Status.ACCEPTED)

    def test_the_plans_page_refuses_accepting_an_aeration_measure_without_its_photos(self):
        from django.forms import modelform_factory

        from projects.admin.plans import MeasureInlineForm

        form_class = modelform_factory(
            Measure, form=MeasureInlineForm, fields=["name", "category", "technique", "status"]
        )
        form = form_class(
            data={
                "name": self.aeration.name,
                "category": self.aeration.category,
                "technique": self.aeration.technique_id,
                "status": Measure.Status.ACCEPTED,
            },
            instance=self.aeration,
        )
        with translation.override("zh-hans"):
            self.assertFalse(form.is_valid())
        self.assertIn("status", form.errors)
