"""The app's models, one module per topic."""

from projects.models.accounts import Profile
from projects.models.assessment import AssessmentItem, Deduction, MonthlyAssessment
from projects.models.base import SourceParagraph
from projects.models.channels import Channel
from projects.models.chiefs import ChiefAssignment, ChiefInspection, RiverChief
from projects.models.complaint_reports import ComplaintReport
from projects.models.complaints import Complaint, ComplaintStep
from projects.models.imports import ImportBatch
from projects.models.interception import InterceptionBatch, VillageWork
from projects.models.jobs import Job
from projects.models.map import MapOutline
from projects.models.outfalls import Outfall, TreatmentPlant
from projects.models.patrols import PatrolPost, PatrolRecord
from projects.models.photos import Photo
from projects.models.pipes import PipeConstructionBatch, PipeSurveyCampaign, PumpingStation
from projects.models.plans import Measure, Plan, Problem, Responsibility, Target, Task
from projects.models.sewers import Defect, DefectCode, Inspection, PipeSegment, SegmentScore
from projects.models.units import ResponsibleUnit
from projects.models.water import Judgement, Sample, SamplingPoint
from projects.models.works import Policy, ProgressReport, Project, Stream, Technique

__all__ = [
    "AssessmentItem",
    "Complaint",
    "ComplaintStep",
    "ComplaintReport",
    "Deduction",
    "MonthlyAssessment",
    "PatrolPost",
    "PatrolRecord",
    "Photo",
    "Channel",
    "ChiefAssignment",
    "ChiefInspection",
    "Defect",
    "DefectCode",
    "ImportBatch",
    "Inspection",
    "InterceptionBatch",
    "Job",
    "MapOutline",
    "Judgement",
    "Measure",
    "Outfall",
    "PipeConstructionBatch",
    "PipeSegment",
    "PipeSurveyCampaign",
    "Plan",
    "Policy",
    "Problem",
    "Profile",
    "ProgressReport",
    "Project",
    "PumpingStation",
    "Responsibility",
    "ResponsibleUnit",
    "RiverChief",
    "Sample",
    "SamplingPoint",
    "SegmentScore",
    "SourceParagraph",
    "Stream",
    "Target",
    "Task",
    "Technique",
    "TreatmentPlant",
    "VillageWork",
]
