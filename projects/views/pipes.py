from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView


class PipeNetworkView(LoginRequiredMixin, TemplateView):
    template_name = "projects/pipes.html"
