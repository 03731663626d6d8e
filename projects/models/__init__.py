"""The app's models, one module per topic."""

from .accounts import Profile
from .assessment import AssessmentItem, Deduction, MonthlyAssessment
from .base import SourceParagraph
from .channels import Channel
from .complaints import Complaint, ComplaintStep
from .imports import ImportBatch
from .interception import InterceptionBatch, VillageWork
from .patrols import PatrolPost, PatrolRecord
from .photos import Photo
from .pipes import PipeConstructionBatch, PipeSurveyCampaign, PumpingStation
from .plans import Measure, Plan, Problem, Responsibility, Target, Task
from .sewers import Defect, DefectCode, Inspection, PipeSegment, SegmentScore
from .units import ResponsibleUnit
from .water import Judgement, Sample, SamplingPoint
from .works import Policy, ProgressReport, Project, Stream, Technique

__all__ = [
    "AssessmentItem",
    "Complaint",
    "ComplaintStep",
    "Deduction",
    "MonthlyAssessment",
    "PatrolPost",
    "PatrolRecord",
    "Photo",
    "Channel",
    "Defect",
    "DefectCode",
    "ImportBatch",
    "Inspection",
    "InterceptionBatch",
    "Judgement",
    "Measure",
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
    "Sample",
    "SamplingPoint",
    "SegmentScore",
    "SourceParagraph",
    "Stream",
    "Target",
    "Task",
    "Technique",
    "VillageWork",
]
