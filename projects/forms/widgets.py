"""``LookupSelect``: a choice over a big table (channels, plan problems, units, posts) as a
search box.

The page holds a ``<select>`` with the empty choice and the chosen option only, whatever the
size of the table, and ``data-lookup`` naming the lookup URL (``projects:lookup``); the site's
script (site.js) puts a search box before it that asks that URL for the matches of what is
typed and fills the select with the one picked. The field's queryset is untouched, so a posted
id is validated against the whole (scoped) table as before, and a form shown again with its
errors keeps the chosen option. Without JavaScript the select offers the chosen option only.

``depends_on=(field id, parameter)``: the lookup is narrowed by another field's value (the
problems of the chosen channel, the channels of the chosen post), and the choice is cleared
when that field changes."""

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext

# The most matches one lookup returns (projects.views.lookups).
LOOKUP_LIMIT = 20


class LookupSelect(forms.Select):
    def __init__(self, kind, depends_on=None, attrs=None):
        super().__init__(attrs)
        self.kind = kind
        self.depends_on = depends_on

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        data = {
            "data-lookup": reverse("projects:lookup", args=[self.kind]),
            "data-lookup-placeholder": gettext("Type part of the name to search"),
            "data-lookup-empty": gettext("Nothing matches."),
            "data-lookup-more": gettext(
                "Only the first %(count)s matches are shown: type more to narrow them."
            )
            % {"count": LOOKUP_LIMIT},
            "data-lookup-failed": gettext("The search failed; try again."),
        }
        if self.depends_on:
            data["data-lookup-from"], data["data-lookup-param"] = self.depends_on
        context["widget"]["attrs"].update(data)
        return context

    def use_required_attribute(self, initial):
        # The first option is always the empty one.
        return forms.Widget.use_required_attribute(self, initial)

    def optgroups(self, name, value, attrs=None):
        """The empty choice and the chosen ones, read from the field's queryset by their ids
        (one query; none when nothing is chosen)."""
        chosen = [v for v in value if v not in (None, "")]
        options = [self.create_option(name, "", self.empty_label(), not chosen, 0, attrs=attrs)]
        for index, (choice_value, label) in enumerate(self.chosen_choices(chosen), start=1):
            options.append(self.create_option(name, choice_value, label, True, index, attrs=attrs))
        return [(None, options, 0)]

    def empty_label(self):
        field = getattr(self.choices, "field", None)
        label = getattr(field, "empty_label", None)
        return label if label is not None else "---------"

    def chosen_choices(self, chosen):
        if not chosen:
            return []
        queryset = getattr(self.choices, "queryset", None)
        if queryset is None:  # plain choices: those among them that are chosen
            return [(v, label) for v, label in self.choices if str(v) in chosen]
        try:
            objects = list(queryset.filter(pk__in=chosen))
        except (ValueError, TypeError, ValidationError, OverflowError):
            return []  # an id of the wrong type: nothing chosen (the field says why)
        return [self.choices.choice(obj) for obj in objects]


def use_lookup(field, kind, depends_on=None):
    """Give the (model) choice field ``field`` a search box over the lookup ``kind``."""
    widget = LookupSelect(kind, depends_on=depends_on, attrs=field.widget.attrs)
    widget.choices = field.choices
    widget.is_required = field.required
    field.widget = widget


# Up to this many choices a field lists them all (a phone's station has a few posts, a district
# a few dozen units); more: a search box.
LIST_LIMIT = 40


def lookup_when_long(field, kind, depends_on=None):
    """A search box for the model choice field ``field`` when its queryset holds more than
    ``LIST_LIMIT`` rows; otherwise the list as it is. The rows are read once, for both (a short
    list is not read again to be shown)."""
    rows = list(field.queryset[: LIST_LIMIT + 1])
    if len(rows) > LIST_LIMIT:
        use_lookup(field, kind, depends_on)
        return
    empty = [("", field.empty_label)] if field.empty_label is not None else []
    field.widget.choices = [*empty, *(field.choices.choice(row) for row in rows)]
