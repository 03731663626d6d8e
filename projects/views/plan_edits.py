"""Writing channels and their one-river-one-policy plans in the site, for administrators only
(permission ``edit_any_unit`` and the models' own permissions): a new channel, a channel's
details, and its plan — the plan's own fields with the five lists on one page.

A page is saved whole or not at all (one transaction); a refused page keeps what the user
typed and shows each message beside its field or row. Every write goes through the models'
``save()`` and ``delete()``, so the audit history records it with the user
(django-simple-history's request middleware)."""

import copy

from concurrency.exceptions import RecordModifiedError
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import CreateView, UpdateView, View

from projects.forms.plan_edits import EXPECTED_VERSION, PLAN_LISTS, ChannelForm, PlanForm
from projects.models import Channel, Plan, Task

ADMINISTRATOR_PERMISSION = "projects.edit_any_unit"
LIST_PERMISSIONS = tuple(
    f"projects.{action}_{model}"
    for model in ("problem", "target", "task", "measure", "responsibility")
    for action in ("add", "change", "delete")
)


class AdministratorsOnly(LoginRequiredMixin):
    """Anonymous users are sent to log in; anyone but an administrator holding
    ``permissions`` gets 403."""

    permissions = ()

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        user = request.user
        if not (user.has_perm(ADMINISTRATOR_PERMISSION) and user.has_perms(self.permissions)):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ChannelFormMixin(AdministratorsOnly):
    model = Channel
    form_class = ChannelForm
    template_name = "projects/plan_edits/channel_form.html"

    def form_valid(self, form):
        try:
            with transaction.atomic():
                channel = form.save()
        except IntegrityError:
            form.add_error(None, _("The channel could not be saved: it conflicts with another."))
            return self.form_invalid(form)
        messages.success(self.request, self.success_message % {"channel": channel.name})
        return redirect(channel)


class ChannelCreateView(ChannelFormMixin, CreateView):
    permissions = ("projects.add_channel",)
    success_message = gettext_lazy("The channel “%(channel)s” has been created.")


class ChannelUpdateView(ChannelFormMixin, UpdateView):
    permissions = ("projects.change_channel",)
    success_message = gettext_lazy("The channel “%(channel)s” has been saved.")

    def get_form_kwargs(self):
        # The form works on its own copy: the page keeps showing the channel as stored.
        return {**super().get_form_kwargs(), "instance": copy.copy(self.object)}


class PlanEditView(AdministratorsOnly, View):
    """The channel's plan: created here when the channel has none, edited otherwise."""

    template_name = "projects/plan_edits/plan_form.html"
    permissions = ("projects.add_plan", "projects.change_plan", *LIST_PERMISSIONS)

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.channel = get_object_or_404(Channel, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def stored_plan(self):
        # The compiler and approver are read with the plan: their search boxes show them.
        plans = Plan.objects.filter(channel=self.channel)
        return plans.select_related("compiled_by", "approved_by").first()

    def build(self, data=None):
        plan = self.stored_plan()
        creating = plan is None
        if creating:
            plan = Plan(channel=self.channel)
        initial = {"title": _("%(channel)s one-river-one-policy plan") % {"channel": self.channel}}
        shared = {}  # select options, looked up once for the page
        plan_form = PlanForm(
            data,
            instance=plan,
            prefix="plan",
            initial=initial if creating else None,
            shared_choices=shared,
        )
        formsets = [
            (name, formset(data, instance=plan, prefix=name, shared_choices=shared))
            for name, formset in PLAN_LISTS
        ]
        return creating, plan_form, formsets

    def get(self, request, pk):
        return self.render_page(*self.build())

    def post(self, request, pk):
        creating, plan_form, formsets = self.build(request.POST)
        valid = plan_form.is_valid()
        valid = all(formset.is_valid() for _name, formset in formsets) and valid
        if not valid:
            return self.render_page(creating, plan_form, formsets)
        try:
            with transaction.atomic():
                plan = plan_form.save()
                for _name, formset in formsets:
                    formset.instance = plan
                    formset.save()
        except RecordModifiedError:
            # A task was saved by someone else between our check and our write.
            self.refuse_lost_race(creating, plan_form, dict(formsets)["tasks"])
            return self.render_page(creating, plan_form, formsets)
        except IntegrityError:
            plan_form.add_error(None, _("The plan could not be saved: it conflicts with another."))
            return self.render_page(creating, plan_form, formsets)
        if creating:
            message = _("The plan of %(channel)s has been created.")
        else:
            message = _("The plan of %(channel)s has been saved.")
        messages.success(request, message % {"channel": self.channel.name})
        if "continue" in request.POST:
            return redirect("projects:plan-edit", pk=self.channel.pk)
        return redirect(self.channel)

    def refuse_lost_race(self, creating, plan_form, tasks):
        """Nothing was written (the transaction was rolled back): mark the tasks whose version
        moved on with the changes made in between."""
        if creating:
            plan_form.instance.pk = None
            plan_form.instance._state.adding = True
        current = dict(
            Task.objects.filter(pk__in=[f.instance.pk for f in tasks.initial_forms]).values_list(
                "pk", "version"
            )
        )
        refused = False
        for form in tasks.initial_forms:
            if not form.has_changed():
                continue  # not saved: no conflict
            expected = form.cleaned_data.get(EXPECTED_VERSION)
            if form.instance.pk in current and expected != current[form.instance.pk]:
                form.refuse_stale(expected or 0, current[form.instance.pk])
                refused = refused or bool(form.errors)
        if not refused:
            plan_form.add_error(
                None,
                _(
                    "Someone else saved this plan while you were saving it, so nothing was "
                    "saved. Open the page again to see their changes."
                ),
            )

    def render_page(self, creating, plan_form, formsets, status=200):
        has_errors = bool(plan_form.errors) or any(
            formset.total_error_count() for _name, formset in formsets
        )
        context = {
            "channel": self.channel,
            "creating": creating,
            "plan_form": plan_form,
            "formsets": formsets,
            "has_errors": plan_form.is_bound and has_errors,
        }
        return render(self.request, self.template_name, context, status=status)
