"""The app's models, one module per topic."""

from .accounts import Profile
from .base import SourceParagraph
from .channels import Channel
from .interception import InterceptionBatch, VillageWork
from .pipes import PipeConstructionBatch, PipeSurveyCampaign, PumpingStation
from .plans import Measure, Plan, Problem, Responsibility, Target, Task
from .units import ResponsibleUnit
from .works import Policy, ProgressReport, Project, Stream, Technique

__all__ = [
    "Channel",
    "InterceptionBatch",
    "Measure",
    "PipeConstructionBatch",
    "PipeSurveyCampaign",
    "Plan",
    "Policy",
    "Problem",
    "Profile",
    "ProgressReport",
    "Project",
    "PumpingStation",
    "ResponsibleUnit",
    "Responsibility",
    "SourceParagraph",
    "Stream",
    "Target",
    "Task",
    "Technique",
    "VillageWork",
]
