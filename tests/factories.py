"""Shared test data: users and bulk rows for the query-count tests."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model

from projects.models import Channel, ProgressReport, Project, Stream


def make_users(testcase):
    User = get_user_model()
    testcase.staff = User.objects.create_user("staff", password="staff-pass-1")
    testcase.admin = User.objects.create_superuser("admin", password="admin-pass-1")


def add_bulk(n=1000, channel_for_some=None):
    """``n`` extra channels and ``n`` extra projects, each project on its own channel with one
    monthly report; every tenth project is overdue; the first 40 also touch
    ``channel_for_some`` so that channel's page has several pages of projects."""
    channels = Channel.objects.bulk_create(
        Channel(name=f"测试渠{i:04d}", code=f"T{i:04d}", condition=Channel.Condition.UNKNOWN)
        for i in range(n)
    )
    today = datetime.date.today()
    projects = Project.objects.bulk_create(
        Project(
            name=f"测试项目{i:04d}",
            stream=Stream.values[i % 6],
            status=Project.Status.IN_PROGRESS,
            investment_wan=Decimal("10.00"),
            planned_start=today - datetime.timedelta(days=400),
            planned_end=today - datetime.timedelta(days=10 if i % 10 == 0 else -200),
        )
        for i in range(n)
    )
    Through = Project.channels.through
    pairs = zip(projects, channels, strict=True)
    links = [Through(project_id=p.pk, channel_id=c.pk) for p, c in pairs]
    if channel_for_some is not None:
        links += [Through(project_id=p.pk, channel_id=channel_for_some.pk) for p in projects[:40]]
    Through.objects.bulk_create(links)
    month = today.replace(day=1)
    ProgressReport.objects.bulk_create(
        ProgressReport(
            project=p,
            month=month,
            percent_complete=Decimal("40.0"),
            investment_this_month_wan=Decimal("2.50"),
        )
        for p in projects
    )
    return channels, projects


def add_sewer_records(street=None):
    """A pipe segment inspected once by CCTV (from an import batch) with one SL grade 2
    defect, scored: a row of every sewer-condition model. Returns the segment."""
    from projects.models import Defect, DefectCode, ImportBatch, Inspection, PipeSegment
    from projects.services.sewer_condition import rescore_segments

    segment = PipeSegment.objects.create(
        code="东YS001",
        from_manhole="东Y1",
        to_manhole="东Y2",
        diameter_mm=600,
        length_m=Decimal("40.00"),
        area_class="C",
        street=street,
    )
    batch = ImportBatch.objects.create(
        kind=ImportBatch.Kind.INSPECTIONS, file_name="东街检测.xlsx", rows=1, created=1
    )
    inspection = Inspection.objects.create(
        segment=segment,
        method=Inspection.Method.CCTV,
        inspected_on=datetime.date(2025, 3, 1),
        import_batch=batch,
    )
    Defect.objects.create(
        inspection=inspection,
        code=DefectCode.objects.get(rule_set="CJJ181-2012", code="SL"),
        grade=2,
        position_m=Decimal("12.00"),
    )
    rescore_segments([segment.pk])
    return segment


def add_water_records(channel):
    """Three sampling points on ``channel``, each sampled in three rounds (lightly
    black-odorous: NH₃-N 9 mg/L), and the judgement they give: a row of every water-quality
    model, each created on its own so it has a history row. Returns the judgement."""
    from projects.models import Sample, SamplingPoint
    from projects.services.water_quality import regrade_channel

    points = [
        SamplingPoint.objects.create(channel=channel, name=f"东{i}号点", sequence=i)
        for i in range(1, 4)
    ]
    for day in (3, 6, 9):
        for point in points:
            Sample.objects.create(
                point=point,
                sampled_at=datetime.datetime(2025, 3, day, 1, 30, tzinfo=datetime.UTC),
                transparency_cm=Decimal("40"),
                do_mg_l=Decimal("5.0"),
                orp_mv=Decimal("100"),
                nh3n_mg_l=Decimal("9.0"),
                lab="区环境监测站",
            )
    return regrade_channel(channel)


def add_operations_records(channel, station_unit=None, pumping_station=None):
    """One row of each daily-operations model around ``channel``: a patrol post and a patrol
    with a finding, a complaint dispatched to the station with its report and steps, a monthly
    assessment with a deduction, and a photo (its file names only: no file is written)."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from projects.models import (
        AssessmentItem,
        Complaint,
        ComplaintReport,
        ComplaintStep,
        Deduction,
        MonthlyAssessment,
        PatrolPost,
        PatrolRecord,
        Photo,
        ResponsibleUnit,
    )

    station, _created = ResponsibleUnit.objects.get_or_create(
        name="东市政站", defaults={"kind": "station"}
    )
    post = PatrolPost.objects.create(station=station, name="东渠岗", person_on_post="李工")
    post.channels.add(channel)
    if pumping_station is not None:
        post.pumping_stations.add(pumping_station)
    record = PatrolRecord.objects.create(
        post=post,
        channel=channel,
        kind=PatrolRecord.Kind.INSPECTION,
        patrolled_at=timezone.now(),
        patroller="李工",
        findings="东渠水面有漂浮物",
    )
    complaint = Complaint.objects.create(
        source=Complaint.Source.HOTLINE,
        location="东渠桥下",
        channel=channel,
        description="东渠有异味",
        stage=Complaint.Stage.DISPATCHED,
        assigned_unit=station,
        deadline=timezone.localdate(),
    )
    ComplaintReport.objects.create(
        complaint=complaint,
        source=complaint.source,
        received_at=complaint.received_at,
        content=complaint.description,
    )
    ComplaintStep.objects.create(complaint=complaint, stage=Complaint.Stage.FOUND)
    ComplaintStep.objects.create(complaint=complaint, stage=Complaint.Stage.DISPATCHED)
    assessment = MonthlyAssessment.objects.create(
        station=station, month=timezone.localdate().replace(day=1)
    )
    item = AssessmentItem.objects.order_by("code").first() or AssessmentItem.objects.create(
        code="T1", category="daily_care", description="东渠保洁不到位", points_per_occurrence=1
    )
    Deduction.objects.create(assessment=assessment, item=item, occurrences=2, channel=channel)
    Photo.objects.create(
        content_type=ContentType.objects.get_for_model(PatrolRecord),
        object_id=record.pk,
        phase=Photo.Phase.BEFORE,
        image="photos/test/east.jpg",
        thumbnail="photos/thumbs/test/east.jpg",
        caption="东渠漂浮物",
    )
    return {"post": post, "record": record, "complaint": complaint, "assessment": assessment}


def add_chief_records(channel):
    """A town-level river chief of ``channel`` since 2018 with one inspection: a row of every
    river-chief model. Returns the chief."""
    from projects.models import ChiefAssignment, ChiefInspection, RiverChief

    chief = RiverChief.objects.create(name="东河长", position="镇党委书记", phone="0756-2123456")
    ChiefAssignment.objects.create(
        chief=chief, channel=channel, level="town", term_start=datetime.date(2018, 1, 1)
    )
    ChiefInspection.objects.create(
        chief=chief,
        channel=channel,
        inspected_on=datetime.date(2018, 6, 1),
        duration_minutes=60,
        problems_found="东段排口有污水直排",
    )
    return chief


def add_outfall_records(channel):
    """A treatment plant and an outfall of ``channel`` draining to it, placed on the map: a row
    of each outfall model, each created on its own so it has a history row. Returns the
    outfall."""
    from projects.models import Outfall, TreatmentPlant

    plant = TreatmentPlant.objects.create(
        name="东区污水处理厂", capacity_t_d=Decimal("50000"), current_load_t_d=Decimal("48000")
    )
    return Outfall.objects.create(
        code="DQ-01",
        channel=channel,
        place="东渠桥下",
        geometry={"type": "Point", "coordinates": [113.55, 22.27]},
        kind=Outfall.Kind.COMBINED,
        status=Outfall.Status.TO_FIX,
        plant=plant,
    )
