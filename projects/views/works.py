from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import DetailView, ListView

from projects.models import Project


class ProjectListView(LoginRequiredMixin, ListView):
    model = Project


class ProjectDetailView(LoginRequiredMixin, DetailView):
    model = Project
