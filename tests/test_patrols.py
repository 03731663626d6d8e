"""Patrols: a station records its patrols from a phone, scoped to its own posts; a finding opens
a problem on the channel's plan or a work order, all or nothing; the station page, the patrol
list, the channel page and its history show them; unpatrolled channels follow each post's
interval; every page costs a fixed number of queries."""

import csv
import datetime
import io
import re
import shutil
import tempfile
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from projects.models import (
    Channel,
    Complaint,
    ComplaintStep,
    Measure,
    PatrolPost,
    PatrolRecord,
    Photo,
    Problem,
    PumpingStation,
    ResponsibleUnit,
)
from projects.services.patrols import unpatrolled_channels
from tests.photos import disguised_upload, jpeg_bytes, photo_upload
from tests.test_editing import EditingTestCase

CREATE = reverse("projects:patrol-create")
JUNE_2018 = datetime.datetime(
    2018, 6, 1, 8, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8))
)


class PatrolTestCase(EditingTestCase):
    """Station A's post covers the 105 channel (with a plan), 金凤 (without one) and the 岱山
    pumping station (on no channel); station B's post covers 造贝. Uploads go to a temporary
    MEDIA_ROOT."""

    @classmethod
    def setUpClass(cls):
        cls.media = tempfile.mkdtemp(prefix="waterworks-patrols-")
        cls.addClassCleanup(shutil.rmtree, cls.media, True)
        cls.enterClassContext(override_settings(MEDIA_ROOT=cls.media))
        super().setUpClass()

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.jinfeng = Channel.objects.get(name="金凤排洪渠")
        cls.daishan = PumpingStation.objects.get(name="岱山泵站")
        cls.post_a = PatrolPost.objects.create(
            station=cls.unit_a, name="105渠岗", person_on_post="张工", phone="13800000001"
        )
        cls.post_a.channels.add(cls.g105, cls.jinfeng)
        cls.post_a.pumping_stations.add(cls.daishan)
        cls.post_b = PatrolPost.objects.create(station=cls.unit_b, name="造贝渠岗")
        cls.post_b.channels.add(cls.zaobei)
        cls.editor_a.first_name = "王小明"
        cls.editor_a.save()

    def patrol_data(self, post=None, channel=None, **changes):
        data = {
            "post": (post or self.post_a).pk,
            "channel": (channel or self.g105).pk,
            "pumping_station": "",
            "kind": PatrolRecord.Kind.INSPECTION,
            "patrolled_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "patroller": "张工",
            "findings": "",
            "action_taken": "",
        }
        data.update(changes)
        return {key: value for key, value in data.items() if value is not None}

    def finding_data(self, **changes):
        return self.patrol_data(
            findings="渠面有大片漂浮垃圾，岸边有污水直排口",
            action_taken="已打捞垃圾",
            **changes,
        )

    def stored_files(self):
        return sorted(str(p) for p in Path(self.media).rglob("*") if p.is_file())

    def add_many(self, n=30):
        """Three more posts of station A and ``n`` patrols of its first post, each with a
        photo, some with a finding, a problem or a work order."""
        ct = ContentType.objects.get_for_model(PatrolRecord)
        problem = Problem.objects.filter(plan__channel=self.g105).first()
        complaint = Complaint.objects.create(
            source="patrol", location="105国道排洪渠", description="漂浮物", channel=self.g105
        )
        for i in range(3):
            post = PatrolPost.objects.create(station=self.unit_a, name=f"附加岗{i}")
            post.channels.add(self.g105, self.zaobei)
            post.pumping_stations.add(self.daishan)
        records = PatrolRecord.objects.bulk_create(
            PatrolRecord(
                post=self.post_a,
                channel=self.g105 if i % 2 else None,
                pumping_station=None if i % 2 else self.daishan,
                kind=PatrolRecord.Kind.values[i % 4],
                patrolled_at=JUNE_2018 + datetime.timedelta(hours=i),
                findings="漂浮物" if i % 3 else "",
                problem=problem if i % 5 == 0 else None,
                complaint=complaint if i % 7 == 0 else None,
            )
            for i in range(n)
        )
        Photo.objects.bulk_create(
            Photo(
                content_type=ct,
                object_id=record.pk,
                phase="before",
                image="photos/test/x.jpg",
                thumbnail="photos/thumbs/test/x.jpg",
            )
            for record in records
        )
        return records

    def counts(self):
        return {
            model.__name__: model.objects.count()
            for model in (PatrolRecord, Photo, Problem, Complaint, ComplaintStep)
        }


class RecordPatrolTests(PatrolTestCase):
    def test_it_opens_the_form_with_the_editors_post_and_name_and_now(self):
        self.client.force_login(self.editor_a)
        page = self.client.get(CREATE)
        self.assertEqual(page.status_code, 200)
        form = page.context["form"]
        self.assertEqual(list(form.fields["post"].queryset), [self.post_a])
        self.assertEqual(form["post"].value(), self.post_a.pk)
        self.assertEqual(form["patroller"].value(), "王小明")
        self.assertEqual(form["kind"].value(), PatrolRecord.Kind.INSPECTION)
        # Camera or gallery, several photos at once, only image types offered.
        self.assertContains(page, 'accept="image/jpeg,image/png,image/webp"', count=2)
        self.assertNotContains(page, "capture=")
        self.assertContains(page, 'type="datetime-local"')
        # Only the post's places are offered: not station B's channel.
        self.assertEqual(
            form.fields["channel"].widget.choices,
            [("", "---------"), (self.g105.pk, "105国道排洪渠"), (self.jinfeng.pk, "金凤排洪渠")],
        )
        self.assertContains(page, f'<option value="{self.jinfeng.pk}">金凤排洪渠</option>')

    def test_a_unit_editor_records_a_patrol_with_a_finding_and_photos(self):
        self.client.force_login(self.editor_a)
        data = self.finding_data(
            before_photos=[photo_upload("before.jpg")],
            after_photos=[photo_upload("after.png", "PNG")],
        )
        response = self.client.post(CREATE, data)
        record = PatrolRecord.objects.get()
        month = f"{timezone.localdate():%Y-%m}"
        station_url = reverse("projects:station-detail", args=[self.unit_a.pk])
        self.assertRedirects(response, f"{station_url}?month={month}")
        self.assertEqual(
            (record.post, record.channel, record.kind, record.recorded_by),
            (self.post_a, self.g105, PatrolRecord.Kind.INSPECTION, self.editor_a),
        )
        self.assertEqual(record.findings, "渠面有大片漂浮垃圾，岸边有污水直排口")
        self.assertIsNone(record.problem)
        self.assertIsNone(record.complaint)
        self.assertEqual(
            sorted(record.photos.values_list("phase", "uploaded_by")),
            [("after", self.editor_a.pk), ("before", self.editor_a.pk)],
        )
        self.assertTrue(all(photo.thumbnail for photo in record.photos.all()))
        self.assertEqual(record.history.get().history_user, self.editor_a)

        # The station page of that month.
        page = self.client.get(response["Location"])
        self.assertContains(page, "渠面有大片漂浮垃圾")
        patrols = page.context["tables"]["patrols"]
        self.assertEqual([row.record for row in patrols.rows], [record])
        self.assertEqual(patrols.rows[0].get_cell_value("photo_count"), 2)
        # The patrol list and the record's own page, with its photos behind login.
        page = self.client.get(reverse("projects:patrol-list"))
        self.assertContains(page, record.get_absolute_url())
        page = self.client.get(record.get_absolute_url())
        for photo in record.photos.all():
            self.assertContains(page, photo.get_thumbnail_url())
        # The channel page and the channel's history.
        page = self.client.get(self.g105.get_absolute_url())
        self.assertEqual([row.record for row in page.context["tables"]["patrols"].rows], [record])
        history = self.client.get(reverse("projects:channel-history", args=[self.g105.pk]))
        changes = history.context["tables"]["changes"]
        latest = changes.rows[0].record
        self.assertEqual(latest.user, self.editor_a)
        self.assertEqual(latest.model_name, PatrolRecord._meta.verbose_name)
        self.assertContains(history, "渠面有大片漂浮垃圾")

    def test_an_administrator_records_on_any_stations_post(self):
        self.client.force_login(self.administrator)
        page = self.client.get(CREATE)
        self.assertEqual(
            set(page.context["form"].fields["post"].queryset), {self.post_a, self.post_b}
        )
        response = self.client.post(CREATE, self.patrol_data(self.post_b, self.zaobei))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(PatrolRecord.objects.get().recorded_by, self.administrator)

    def test_it_records_a_patrol_of_a_pumping_station(self):
        self.client.force_login(self.editor_a)
        data = self.patrol_data(channel=None, pumping_station=self.daishan.pk, kind="upkeep")
        data["channel"] = ""
        self.assertEqual(self.client.post(CREATE, data).status_code, 302)
        record = PatrolRecord.objects.get()
        self.assertEqual((record.pumping_station, record.channel), (self.daishan, None))

    def test_it_refuses_another_stations_post_with_403(self):
        self.client.force_login(self.editor_b)
        self.assertEqual(self.client.get(CREATE, {"post": self.post_a.pk}).status_code, 403)
        response = self.client.post(CREATE, self.patrol_data(self.post_a, self.g105))
        self.assertEqual(response.status_code, 403)
        self.assertEqual(PatrolRecord.objects.count(), 0)

    def test_it_refuses_a_channel_outside_the_post_in_chinese(self):
        self.client.force_login(self.editor_b)
        page = self.client.post(CREATE, self.patrol_data(self.post_b, self.g105))
        self.assertEqual(page.status_code, 200)
        self.assertEqual(
            page.context["form"].errors["channel"],
            ["105国道排洪渠不在岗位“造贝渠岗”的巡查范围内。"],
        )
        self.assertContains(page, "105国道排洪渠不在岗位“造贝渠岗”的巡查范围内。")
        self.assertContains(page, "巡查记录未保存")
        self.assertEqual(PatrolRecord.objects.count(), 0)

    def test_it_asks_for_one_place_and_refuses_a_time_in_the_future(self):
        self.client.force_login(self.editor_a)
        later = timezone.localtime() + datetime.timedelta(days=1)
        page = self.client.post(
            CREATE,
            self.patrol_data(
                pumping_station=self.daishan.pk, patrolled_at=later.strftime("%Y-%m-%dT%H:%M")
            ),
        )
        errors = page.context["form"].errors
        self.assertEqual(
            errors["pumping_station"], ["每次巡查记录一处：排洪渠或泵站，不能同时选择。"]
        )
        self.assertEqual(errors["patrolled_at"], ["巡查时间不能晚于现在。"])
        page = self.client.post(CREATE, {**self.patrol_data(), "channel": ""})
        self.assertEqual(page.context["form"].errors["channel"], ["请选择所巡查的排洪渠或泵站。"])
        self.assertEqual(PatrolRecord.objects.count(), 0)

    def test_a_viewer_gets_403(self):
        self.client.force_login(self.viewer)
        self.assertEqual(self.client.get(CREATE).status_code, 403)
        self.assertEqual(self.client.post(CREATE, self.patrol_data()).status_code, 403)
        self.assertEqual(PatrolRecord.objects.count(), 0)
        # and sees no button to record one
        page = self.client.get(reverse("projects:station-detail", args=[self.unit_a.pk]))
        self.assertNotContains(page, CREATE)

    def test_the_editor_sees_the_button_on_their_own_station_only(self):
        self.client.force_login(self.editor_a)
        page = self.client.get(reverse("projects:station-detail", args=[self.unit_a.pk]))
        self.assertContains(page, f"{CREATE}?post={self.post_a.pk}")
        page = self.client.get(reverse("projects:station-detail", args=[self.unit_b.pk]))
        self.assertNotContains(page, CREATE)

    def test_a_disguised_photo_is_refused_and_nothing_is_saved(self):
        self.client.force_login(self.editor_a)
        data = self.finding_data(
            open_work_order="on",
            before_photos=[photo_upload("good.jpg"), disguised_upload("现场.jpg")],
        )
        before = self.counts()
        page = self.client.post(CREATE, data)
        self.assertEqual(page.status_code, 200)
        (message,) = page.context["form"].errors["before_photos"]
        self.assertTrue(message.startswith("现场.jpg: "), message)
        self.assertContains(page, "现场.jpg: ")
        self.assertEqual(self.counts(), before)
        self.assertEqual(self.stored_files(), [])


class FindingFollowUpTests(PatrolTestCase):
    def test_it_opens_exactly_one_problem_on_the_channels_plan(self):
        self.client.force_login(self.editor_a)
        before = self.counts()
        response = self.client.post(
            CREATE,
            self.finding_data(
                open_problem="on", problem_category="sewage", problem_severity="high"
            ),
        )
        self.assertEqual(response.status_code, 302)
        record = PatrolRecord.objects.get()
        problem = Problem.objects.get(pk=record.problem_id)
        self.assertEqual(
            (problem.plan, problem.how_found, problem.category, problem.severity),
            (self.g105.plan, Problem.Found.PATROL, "sewage", "high"),
        )
        self.assertEqual(problem.title, "渠面有大片漂浮垃圾，岸边有污水直排口")
        self.assertEqual(problem.location, "105国道排洪渠")
        after = self.counts()
        self.assertEqual(after["Problem"], before["Problem"] + 1)
        self.assertEqual((after["Complaint"], after["ComplaintStep"]), (0, 0))
        self.assertEqual(problem.history.get().history_user, self.editor_a)
        # On the channel's problem list, found by patrol.
        page = self.client.get(self.g105.get_absolute_url())
        self.assertIn(problem, [row.record for row in page.context["tables"]["problems"].rows])

    def test_it_opens_exactly_one_work_order_with_its_first_step(self):
        self.client.force_login(self.editor_a)
        response = self.client.post(CREATE, self.finding_data(open_work_order="on"))
        self.assertEqual(response.status_code, 302)
        record = PatrolRecord.objects.get()
        complaint = Complaint.objects.get()
        self.assertEqual(record.complaint, complaint)
        self.assertEqual(
            (complaint.source, complaint.channel, complaint.location, complaint.stage),
            (Complaint.Source.PATROL, self.g105, "105国道排洪渠", Complaint.Stage.FOUND),
        )
        self.assertEqual(complaint.description, record.findings)
        self.assertEqual(complaint.created_by, self.editor_a)
        step = ComplaintStep.objects.get()
        self.assertEqual(
            (step.complaint, step.stage, step.user), (complaint, "found", self.editor_a)
        )
        self.assertEqual(Problem.objects.filter(how_found=Problem.Found.PATROL).count(), 0)
        page = self.client.get(response["Location"])
        self.assertContains(page, complaint.number)

    def test_it_opens_both_from_one_finding(self):
        self.client.force_login(self.editor_a)
        problems = Problem.objects.count()
        self.client.post(
            CREATE,
            self.finding_data(
                open_problem="on",
                problem_category="weeds",
                problem_severity="low",
                open_work_order="on",
            ),
        )
        record = PatrolRecord.objects.get()
        self.assertIsNotNone(record.problem)
        self.assertIsNotNone(record.complaint)
        self.assertEqual(Problem.objects.count(), problems + 1)
        self.assertEqual((Complaint.objects.count(), ComplaintStep.objects.count()), (1, 1))

    def test_it_refuses_a_problem_on_a_channel_without_a_plan_and_writes_nothing(self):
        self.client.force_login(self.editor_a)
        before = self.counts()
        page = self.client.post(
            CREATE,
            self.finding_data(
                channel=self.jinfeng,
                open_problem="on",
                problem_category="silt",
                problem_severity="medium",
                open_work_order="on",
                before_photos=[photo_upload()],
            ),
        )
        self.assertEqual(page.status_code, 200)
        self.assertEqual(
            page.context["form"].errors["open_problem"],
            ["金凤排洪渠没有“一河一策”方案，无法在其上新建问题；请改为新建工单。"],
        )
        self.assertEqual(self.counts(), before)
        self.assertEqual(self.stored_files(), [])

    def test_it_refuses_a_problem_for_a_pumping_station_on_no_channel(self):
        self.client.force_login(self.editor_a)
        data = self.finding_data(
            pumping_station=self.daishan.pk,
            open_problem="on",
            problem_category="other",
            problem_severity="low",
        )
        data["channel"] = ""
        page = self.client.post(CREATE, data)
        self.assertIn("open_problem", page.context["form"].errors)
        self.assertEqual(PatrolRecord.objects.count(), 0)

    def test_an_incomplete_follow_up_writes_nothing(self):
        self.client.force_login(self.editor_a)
        before = self.counts()
        # A problem without its category and severity, and a work order without findings.
        page = self.client.post(
            CREATE,
            self.patrol_data(
                open_problem="on", open_work_order="on", after_photos=[photo_upload()]
            ),
        )
        errors = page.context["form"].errors
        self.assertEqual(set(errors), {"findings", "problem_category", "problem_severity"})
        self.assertEqual(errors["findings"], ["新建问题或工单，请先填写发现的问题。"])
        self.assertEqual(self.counts(), before)
        self.assertEqual(self.stored_files(), [])

    def test_a_failure_while_saving_rolls_everything_back(self):
        """A write that fails after the problem and work order were created (here: the photo
        storage) leaves no row and no file behind."""
        from unittest import mock

        self.client.force_login(self.editor_a)
        before = self.counts()
        data = self.finding_data(
            open_problem="on",
            problem_category="weeds",
            problem_severity="low",
            open_work_order="on",
            before_photos=[photo_upload("one.jpg")],
            after_photos=[photo_upload("two.jpg")],
        )
        real_save = Photo.save
        calls = []

        def failing_save(photo, *args, **kwargs):
            calls.append(photo)
            if len(calls) == 2:
                raise OSError("disk full")
            return real_save(photo, *args, **kwargs)

        with mock.patch.object(Photo, "save", failing_save), self.assertRaises(OSError):
            self.client.post(CREATE, data)
        self.assertEqual(self.counts(), before)
        self.assertEqual(self.stored_files(), [])


class UnpatrolledTests(PatrolTestCase):
    def patrol(self, post, channel, days_ago):
        return PatrolRecord.objects.create(
            post=post,
            channel=channel,
            kind=PatrolRecord.Kind.INSPECTION,
            patrolled_at=timezone.now() - datetime.timedelta(days=days_ago),
        )

    def unpatrolled(self, station):
        return {(row.channel.name, row.days_since) for row in unpatrolled_channels(station)}

    def test_it_honours_the_posts_own_interval(self):
        self.post_a.interval_days = 3
        self.post_a.save()
        self.patrol(self.post_a, self.g105, days_ago=2)
        self.patrol(self.post_a, self.jinfeng, days_ago=4)
        self.assertEqual(self.unpatrolled(self.unit_a), {("金凤排洪渠", 4)})
        self.post_a.interval_days = 5
        self.post_a.save()
        self.assertEqual(self.unpatrolled(self.unit_a), set())

    def test_it_falls_back_to_the_setting(self):
        self.patrol(self.post_a, self.g105, days_ago=8)
        self.patrol(self.post_a, self.jinfeng, days_ago=6)
        self.assertEqual(self.unpatrolled(self.unit_a), {("105国道排洪渠", 8)})
        with override_settings(PATROL_INTERVAL_DAYS=10):
            self.assertEqual(self.unpatrolled(self.unit_a), set())
        with override_settings(PATROL_INTERVAL_DAYS=5):
            self.assertEqual(
                self.unpatrolled(self.unit_a), {("105国道排洪渠", 8), ("金凤排洪渠", 6)}
            )

    def test_the_station_pages_show_unpatrolled_and_never_patrolled_channels(self):
        self.patrol(self.post_a, self.g105, days_ago=1)
        self.client.force_login(self.viewer)
        page = self.client.get(reverse("projects:station-detail", args=[self.unit_a.pk]))
        rows = page.context["tables"]["unpatrolled"].rows
        self.assertEqual(
            [row.get_cell("channel") for row in rows], ['<a href="/channels/5/">金凤排洪渠</a>']
        )
        self.assertEqual(rows[0].get_cell("last_patrolled_at"), "从未巡查")
        page = self.client.get(reverse("projects:station-list"))
        stations = {row.record.name: row.record for row in page.context["tables"]["stations"].rows}
        self.assertEqual(stations["甲市政站"].unpatrolled_count, 1)
        self.assertEqual(stations["乙市政站"].unpatrolled_count, 1)  # 造贝: never
        with override_settings(PATROL_INTERVAL_DAYS=1):
            page = self.client.get(reverse("projects:station-list"))
            stations = {r.record.name: r.record for r in page.context["tables"]["stations"].rows}
            self.assertEqual(stations["甲市政站"].unpatrolled_count, 2)


class StationPageTests(PatrolTestCase):
    def test_the_station_list_counts_this_months_patrols_and_findings(self):
        now = timezone.now()
        last_month = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
        for findings, when in (("漂浮物", now), ("", now), ("积泥", last_month)):
            if isinstance(when, datetime.date) and not isinstance(when, datetime.datetime):
                when = datetime.datetime.combine(
                    when, datetime.time(10), tzinfo=timezone.get_current_timezone()
                )
            PatrolRecord.objects.create(
                post=self.post_a,
                channel=self.g105,
                kind="inspection",
                patrolled_at=when,
                findings=findings,
            )
        self.client.force_login(self.viewer)
        page = self.client.get(reverse("projects:station-list"))
        stations = {row.record.name: row.record for row in page.context["tables"]["stations"].rows}
        a = stations["甲市政站"]
        self.assertEqual(
            (a.posts_count, a.channels_count, a.patrols_count, a.findings_count), (1, 2, 2, 1)
        )
        b = stations["乙市政站"]
        self.assertEqual((b.posts_count, b.channels_count, b.patrols_count), (1, 1, 0))
        # Only municipal stations are listed.
        self.assertTrue(all(s.kind == "station" for s in stations.values()))
        # Last month's patrol is on last month's page.
        url = reverse("projects:station-detail", args=[self.unit_a.pk])
        page = self.client.get(url, {"month": f"{last_month:%Y-%m}"})
        self.assertEqual(
            [row.record.findings for row in page.context["tables"]["patrols"].rows], ["积泥"]
        )
        self.assertContains(page, f"{last_month.year}年{last_month.month}月")

    def test_a_bad_month_falls_back_to_this_month(self):
        self.client.force_login(self.viewer)
        url = reverse("projects:station-detail", args=[self.unit_a.pk])
        page = self.client.get(url, {"month": "2018-13"})
        self.assertEqual(page.status_code, 200)
        self.assertEqual(page.context["month"], timezone.localdate().replace(day=1))

    def test_a_unit_that_is_not_a_station_has_no_station_page(self):
        self.client.force_login(self.viewer)
        other = ResponsibleUnit.objects.exclude(kind=ResponsibleUnit.Kind.STATION).first()
        url = reverse("projects:station-detail", args=[other.pk])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_a_post_of_many_channels_shows_ten_on_the_page_and_all_in_the_download(self):
        many = Channel.objects.bulk_create(Channel(name=f"测试渠{i:02d}") for i in range(30))
        self.post_a.channels.add(*many)
        self.client.force_login(self.viewer)
        url = reverse("projects:station-detail", args=[self.unit_a.pk])
        html = self.client.get(url).content.decode()
        (cell,) = re.findall(r'<td  data-column="channels"[^>]*>(.*?)</td>', html)
        # 32 channels, by name: 105国道排洪渠, 测试渠00 … 测试渠08 shown, 22 more said.
        self.assertEqual(cell.count("<a "), 10)
        self.assertIn("测试渠08</a>", cell)
        self.assertNotIn("测试渠09", cell)
        self.assertIn("另有 22 条", cell)
        download = self.client.get(url, {"_export": "csv", "_table": "posts"})
        text = b"".join(download.streaming_content).decode("utf-8-sig")
        self.assertIn("测试渠29", text)
        self.assertIn("金凤排洪渠", text)


class PatrolListTests(PatrolTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        tz = timezone.get_current_timezone()
        cls.r1 = PatrolRecord.objects.create(
            post=cls.post_a,
            channel=cls.g105,
            kind="inspection",
            patrolled_at=datetime.datetime(2018, 6, 1, 9, 0, tzinfo=tz),
            findings="漂浮物",
        )
        cls.r2 = PatrolRecord.objects.create(
            post=cls.post_a,
            pumping_station=cls.daishan,
            kind="repair",
            patrolled_at=datetime.datetime(2018, 6, 30, 23, 0, tzinfo=tz),
        )
        cls.r3 = PatrolRecord.objects.create(
            post=cls.post_b,
            channel=cls.zaobei,
            kind="daily_care",
            patrolled_at=datetime.datetime(2018, 7, 1, 8, 0, tzinfo=tz),
        )

    def listed(self, **params):
        page = self.client.get(reverse("projects:patrol-list"), params)
        self.assertEqual(page.status_code, 200)
        return {row.record for row in page.context["table"].rows}

    def test_it_filters_by_station_post_channel_kind_dates_and_finding(self):
        self.client.force_login(self.viewer)
        self.assertEqual(self.listed(), {self.r1, self.r2, self.r3})
        self.assertEqual(self.listed(station=self.unit_b.pk), {self.r3})
        self.assertEqual(self.listed(post=self.post_a.pk), {self.r1, self.r2})
        self.assertEqual(self.listed(channel=self.g105.pk), {self.r1})
        self.assertEqual(self.listed(kind="repair"), {self.r2})
        self.assertEqual(
            self.listed(patrolled_after="2018-06-01", patrolled_before="2018-06-30"),
            {self.r1, self.r2},
        )
        self.assertEqual(self.listed(has_finding="True"), {self.r1})
        self.assertEqual(self.listed(has_finding="False"), {self.r2, self.r3})

    def test_it_exports_the_filtered_records(self):
        self.client.force_login(self.viewer)
        response = self.client.get(
            reverse("projects:patrol-list"), {"station": self.unit_a.pk, "_export": "csv"}
        )
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        self.assertEqual(len(rows), 3)
        header, *body = rows
        self.assertIn("发现问题", header)
        places = {row[header.index("地点")] for row in body}
        self.assertEqual(places, {"105国道排洪渠", "岱山泵站"})
        self.assertEqual({row[header.index("发现问题")] for row in body}, {"漂浮物", ""})
        times = {row[header.index("时间")] for row in body}
        self.assertEqual(times, {"2018-06-01 09:00", "2018-06-30 23:00"})
        response = self.client.get(reverse("projects:patrol-list"), {"_export": "xlsx"})
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.content.startswith(b"PK"))


class QueryCountTests(PatrolTestCase):
    """Pinned at two data sizes: one patrol, then many posts, patrols with photos, problems
    and work orders."""

    # 4 base queries (session, user, 2 permission lookups) in every count below.
    # stations with their four counts (one query), unpatrolled channels (one)
    STATION_LIST = 6
    # station; posts count, page, channels and pumping stations prefetches; patrols count and
    # page; unpatrolled channels
    STATION_DETAIL = 12
    # filter options (stations, posts, channels); count; page
    PATROL_LIST = 9
    # record (with post, station, place, problem, work order, recorder); its photos
    PATROL_DETAIL = 6

    def pages(self):
        return [
            ("station list", reverse("projects:station-list"), self.STATION_LIST),
            (
                "station detail",
                reverse("projects:station-detail", args=[self.unit_a.pk]) + "?month=2018-06",
                self.STATION_DETAIL,
            ),
            ("patrol list", reverse("projects:patrol-list"), self.PATROL_LIST),
            (
                "patrol detail",
                PatrolRecord.objects.order_by("pk").first().get_absolute_url(),
                self.PATROL_DETAIL,
            ),
        ]

    def assert_counts(self):
        self.client.force_login(self.viewer)
        for label, url, expected in self.pages():
            with self.subTest(label), self.assertNumQueries(expected):
                self.assertEqual(self.client.get(url).status_code, 200)

    def test_with_one_patrol(self):
        PatrolRecord.objects.create(
            post=self.post_a, channel=self.g105, kind="inspection", patrolled_at=JUNE_2018
        )
        self.assert_counts()

    def test_with_many_patrols(self):
        self.add_many()
        self.assert_counts()

    def test_the_editors_pages_cost_one_query_more_for_their_unit(self):
        self.add_many()
        self.client.force_login(self.editor_a)
        for label, url, expected in self.pages()[:3]:
            with self.subTest(label), self.assertNumQueries(expected + 1):
                self.client.get(url)


class ChannelPageTests(PatrolTestCase):
    def test_it_shows_the_posts_latest_patrols_and_last_patrolled(self):
        PatrolRecord.objects.create(
            post=self.post_a,
            channel=self.g105,
            kind="inspection",
            patrolled_at=timezone.now() - datetime.timedelta(days=9),
            findings="岸边垃圾",
        )
        self.client.force_login(self.viewer)
        page = self.client.get(self.g105.get_absolute_url())
        self.assertContains(page, "甲市政站 · 105渠岗")
        self.assertContains(page, "巡查逾期")  # 9 days > 7
        self.assertContains(page, "岸边垃圾")
        self.assertIsNotNone(page.context["channel"].last_patrolled_at)
        page = self.client.get(self.zaobei.get_absolute_url())
        self.assertContains(page, "造贝渠岗")
        self.assertContains(page, "从未巡查")

    def test_it_shows_each_measures_status_and_photo_thumbnails(self):
        measure = Measure.objects.filter(plan__channel=self.zaobei).order_by("pk").first()
        measure.status = Measure.Status.IN_SERVICE
        measure.save()
        photo = Photo(
            content_type=ContentType.objects.get_for_model(Measure),
            object_id=measure.pk,
            phase="after",
        )
        photo.image.save("after.jpg", ContentFile(jpeg_bytes()), save=False)
        photo.save()
        self.client.force_login(self.viewer)
        page = self.client.get(self.zaobei.get_absolute_url())
        rows = page.context["tables"]["measures"].rows
        row = next(r for r in rows if r.record == measure)
        with translation.override("zh-hans"):
            label = str(Measure.Status.IN_SERVICE.label)
        self.assertIn(
            f'<span class="badge badge-in_service">{label}</span>', row.get_cell("status")
        )
        self.assertIn(photo.get_thumbnail_url(), row.get_cell("photos"))

    def test_the_channel_page_costs_the_same_with_many_patrols_and_photos(self):
        self.client.force_login(self.viewer)
        url = self.g105.get_absolute_url()
        # Every list of the plan holds a row (an empty list costs one query less: no page).
        self.g105.plan.targets.create(indicator="黑臭水体", target_value="不黑不臭")
        self.g105.plan.responsibilities.create(unit=self.unit_a, duty="日常管护")
        PatrolRecord.objects.create(
            post=self.post_a, channel=self.g105, kind="inspection", patrolled_at=timezone.now()
        )
        self.client.get(url)
        with self.assertNumQueries(self.channel_page_queries()) as few:
            self.client.get(url)
        self.add_many()
        ct = ContentType.objects.get_for_model(Measure)
        Photo.objects.bulk_create(
            Photo(content_type=ct, object_id=m.pk, phase="before", image="photos/m.jpg")
            for m in Measure.objects.filter(plan__channel=self.g105)
            for _ in range(3)
        )
        with self.assertNumQueries(len(few.captured_queries)):
            self.client.get(url)

    def test_it_shows_the_latest_ten_patrols_and_links_to_them_all(self):
        now = timezone.now()
        PatrolRecord.objects.bulk_create(
            PatrolRecord(
                post=self.post_a,
                channel=self.g105,
                kind="inspection",
                patrolled_at=now - datetime.timedelta(days=i),
            )
            for i in range(12)
        )
        self.client.force_login(self.viewer)
        page = self.client.get(self.g105.get_absolute_url())
        rows = [row.record.patrolled_at for row in page.context["tables"]["patrols"].rows]
        self.assertEqual(rows, [now - datetime.timedelta(days=i) for i in range(10)])
        self.assertEqual(page.context["latest"]["patrols"], {"shown": 10, "total": 12})
        url = f"{reverse('projects:patrol-list')}?channel={self.g105.pk}"
        self.assertContains(page, f'<a href="{url}">本渠全部 12 次巡查 →</a>')
        listed = self.client.get(url)
        self.assertEqual(listed.context["table"].paginator.count, 12)

    def channel_page_queries(self):
        # tests/test_pages.py's 25 for a channel with a plan: the latest patrols are one query
        # with their total, with or without patrols (last patrolled is a subquery of the
        # channel's own query)
        return 25


class AdminTests(PatrolTestCase):
    def admin_data(self, channel, **changes):
        prefix = "projects-photo-content_type-object_id"
        data = {
            "post": self.post_a.pk,
            "channel": channel.pk,
            "pumping_station": "",
            "kind": PatrolRecord.Kind.REPAIR,
            "patrolled_at_0": "2018-06-05",
            "patrolled_at_1": "10:00:00",
            "patroller": "李工",
            "findings": "护栏损坏",
            "action_taken": "已修复",
            "problem": "",
            "complaint": "",
            f"{prefix}-TOTAL_FORMS": "0",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
        data.update(changes)
        return data

    def test_the_admin_records_who_added_a_patrol_and_keeps_it_within_the_post(self):
        self.client.force_login(self.administrator)
        url = reverse("admin:projects_patrolrecord_add")
        page = self.client.post(url, self.admin_data(self.zaobei))
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "这条排洪渠不在该岗位的巡查范围内。")
        self.assertEqual(PatrolRecord.objects.count(), 0)
        response = self.client.post(url, self.admin_data(self.g105))
        self.assertEqual(response.status_code, 302)
        record = PatrolRecord.objects.get()
        self.assertEqual((record.recorded_by, record.kind), (self.administrator, "repair"))
        self.assertEqual(record.history.get().history_user, self.administrator)

    def test_the_post_admin_offers_municipal_stations_only(self):
        self.client.force_login(self.administrator)
        response = self.client.get(
            reverse("admin:autocomplete"),
            {"app_label": "projects", "model_name": "patrolpost", "field_name": "station"},
        )
        names = {item["text"] for item in response.json()["results"]}
        self.assertIn("甲市政站", names)
        self.assertTrue(names)
        self.assertFalse(
            names
            & set(ResponsibleUnit.objects.exclude(kind="station").values_list("name", flat=True))
        )


class NoPostTests(PatrolTestCase):
    def test_an_editor_whose_unit_has_no_post_is_told_so(self):
        PatrolPost.objects.filter(station=self.unit_b).update(active=False)
        self.client.force_login(self.editor_b)
        page = self.client.get(CREATE)
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "您的单位没有在岗的巡查岗位")
        self.assertNotContains(page, '<form method="post" enctype')
        # An inactive post cannot be recorded on, even by posting it.
        page = self.client.post(CREATE, self.patrol_data(self.post_b, self.zaobei))
        self.assertEqual(
            page.context["form"].errors["post"], ["请选择您有权填报巡查记录的在岗岗位。"]
        )
