from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import DetailView, ListView

from projects.models import InterceptionBatch


class BatchListView(LoginRequiredMixin, ListView):
    model = InterceptionBatch


class BatchDetailView(LoginRequiredMixin, DetailView):
    model = InterceptionBatch
