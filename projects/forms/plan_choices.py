"""The select options of the plan page (``projects.forms.plan_edits``), bounded whatever the
size of the district.

The page shows one form per row of five lists, and several rows choose from the same tables
(units for a task's lead and supporting units, a responsibility's unit, the plan's compiler and
approver; projects for a measure). ``SharedChoices`` reads each table once for the whole page,
at most ``LIST_LIMIT + 1`` rows of it: a short table stays a list of options; a long one — and
the projects always — becomes a search box (``LookupSelect``, ``/lookup/<kind>/``) holding the
chosen option only. The chosen option's label comes from the related row read with the page's
rows (select_related / prefetch_related), not from a query per field; a choice the page does not
hold (a posted id shown again with the page's errors) is read as ``LookupSelect`` does.

A many-to-many choice (a task's supporting units) is a ``<select multiple data-lookup-many>``
holding the chosen units; the plan page's script (plan_forms.js) puts a search box after it
that adds the unit picked. Without JavaScript the chosen units can still be unselected."""

from django import forms

from projects.forms.widgets import LIST_LIMIT, LookupSelect


class PageLookupSelect(LookupSelect):
    """A ``LookupSelect`` that knows the labels of the choices its row already holds
    (``known``: {str(pk): label})."""

    def __init__(self, kind, known=None, attrs=None):
        super().__init__(kind, attrs=attrs)
        self.known = known or {}

    def chosen_choices(self, chosen):
        if chosen and all(str(value) in self.known for value in chosen):
            return [(value, self.known[str(value)]) for value in chosen]
        return super().chosen_choices(chosen)


class PageLookupSelectMultiple(PageLookupSelect):
    """The chosen options of a many-to-many choice, all selected, with no empty option; the
    search box is the plan page's (``data-lookup-many``)."""

    allow_multiple_selected = True

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs["data-lookup-many"] = widget_attrs.pop("data-lookup")
        return context

    def optgroups(self, name, value, attrs=None):
        chosen = [v for v in value if v not in (None, "")]
        options = [
            self.create_option(name, choice_value, label, True, index, attrs=attrs)
            for index, (choice_value, label) in enumerate(self.chosen_choices(chosen))
        ]
        return [(None, options, 0)]

    def value_from_datadict(self, data, files, name):
        return forms.SelectMultiple.value_from_datadict(self, data, files, name)

    def value_omitted_from_data(self, data, files, name):
        return False  # nothing chosen sends nothing


def known_labels(instance, name, field):
    """{str(pk): label} of what the stored row ``instance`` holds in its field ``name``, when
    its related rows were read with it (no query otherwise: {})."""
    if instance is None or instance.pk is None:
        return {}
    model_field = instance._meta.get_field(name)
    if model_field.many_to_many:
        related = getattr(instance, "_prefetched_objects_cache", {}).get(name)
        if related is None:
            return {}
        objects = list(related)
    elif model_field.is_cached(instance):
        obj = getattr(instance, name)
        objects = [] if obj is None else [obj]
    else:
        return {}
    return {str(obj.pk): field.label_from_instance(obj) for obj in objects}


class SharedChoices:
    """The forms of one page show the same select options: look each table up once for the
    whole page, at most ``LIST_LIMIT + 1`` rows of a table that has a lookup, not once per field
    and row.

    ``searched``: {field: lookup kind} of fields that are always a search box;
    ``searched_when_long``: those that are one when their table holds more than ``LIST_LIMIT``
    rows; ``unshared``: fields whose options a form sets itself. Other model choice fields list
    their table whole (a small reference table: the techniques)."""

    unshared = ()
    searched = {}
    searched_when_long = {}

    def __init__(self, *args, shared_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        shared = {} if shared_choices is None else shared_choices
        for name, field in self.fields.items():
            if not isinstance(field, forms.ModelChoiceField) or name in self.unshared:
                continue
            if name in self.searched:
                self.search(name, field, self.searched[name])
                continue
            kind = self.searched_when_long.get(name)
            rows_key = ("rows", str(field.queryset.query))
            if rows_key not in shared:
                # iter(): no COUNT query for a length hint.
                queryset = field.queryset if kind is None else field.queryset[: LIST_LIMIT + 1]
                shared[rows_key] = list(iter(queryset))
            rows = shared[rows_key]
            if kind is not None and len(rows) > LIST_LIMIT:
                self.search(name, field, kind)
                continue
            key = (rows_key, field.empty_label)
            if key not in shared:
                empty = [("", field.empty_label)] if field.empty_label is not None else []
                shared[key] = [*empty, *(field.choices.choice(row) for row in rows)]
            field.choices = shared[key]

    def search(self, name, field, kind):
        multiple = isinstance(field, forms.ModelMultipleChoiceField)
        widget_class = PageLookupSelectMultiple if multiple else PageLookupSelect
        widget = widget_class(
            kind,
            known=known_labels(getattr(self, "instance", None), name, field),
            attrs=field.widget.attrs,
        )
        widget.choices = field.choices
        widget.is_required = field.required
        field.widget = widget
