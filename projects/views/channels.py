from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import DetailView, ListView

from projects.models import Channel


class ChannelListView(LoginRequiredMixin, ListView):
    model = Channel


class ChannelDetailView(LoginRequiredMixin, DetailView):
    model = Channel
