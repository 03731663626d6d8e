"""The audit trail of a channel (with its plan, the plan's lists and the channel's patrol
records), a task and a project."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView

from projects.models import (
    Channel,
    Measure,
    PatrolRecord,
    Plan,
    Problem,
    ProgressReport,
    Project,
    Responsibility,
    Target,
    Task,
)
from projects.services.history import changes
from projects.tables.history import HistoryTable
from projects.views.base import TablesMixin


class HistoryView(LoginRequiredMixin, TablesMixin, TemplateView):
    template_name = "projects/history.html"
    per_page = 50

    def get_subject(self):
        raise NotImplementedError

    def history_querysets(self, subject):
        raise NotImplementedError

    @property
    def export_name(self):
        return f"history-{self.kwargs['pk']}"

    def get_object(self):
        if not hasattr(self, "_subject"):
            self._subject = self.get_subject()
        return self._subject

    def build_tables(self):
        subject = self.get_object()
        return {"changes": HistoryTable(changes(*self.history_querysets(subject)))}

    def get_context_data(self, **kwargs):
        return super().get_context_data(subject=self.get_object(), **kwargs)


class ChannelHistoryView(HistoryView):
    def get_subject(self):
        return get_object_or_404(Channel, pk=self.kwargs["pk"])

    def history_querysets(self, channel):
        plan_ids = Plan.history.filter(channel_id=channel.pk).values("id")
        return [
            Channel.history.filter(id=channel.pk),
            Plan.history.filter(channel_id=channel.pk),
            *(
                model.history.filter(plan_id__in=plan_ids)
                for model in (Problem, Target, Task, Measure, Responsibility)
            ),
            # Patrols of the channel, with what they found and what they opened.
            PatrolRecord.history.filter(channel_id=channel.pk),
        ]


class TaskHistoryView(HistoryView):
    def get_subject(self):
        return get_object_or_404(Task.objects.select_related("plan__channel"), pk=self.kwargs["pk"])

    def history_querysets(self, task):
        return [Task.history.filter(id=task.pk)]


class ProjectHistoryView(HistoryView):
    def get_subject(self):
        return get_object_or_404(
            Project.objects.select_related(
                "interceptionbatch", "pipesurveycampaign", "pipeconstructionbatch"
            ),
            pk=self.kwargs["pk"],
        )

    def history_querysets(self, project):
        # A batch or campaign is saved as its own model: its history lives there.
        detailed = next(
            (
                getattr(project, name)
                for name in ("interceptionbatch", "pipesurveycampaign", "pipeconstructionbatch")
                if hasattr(project, name)
            ),
            project,
        )
        model = type(detailed)
        querysets = [model.history.filter(**{model._meta.pk.attname: project.pk})]
        if model is not Project:
            querysets.append(Project.history.filter(id=project.pk))
        querysets.append(ProgressReport.history.filter(project_id=project.pk))
        return querysets
