"""What a browser sends when a form on a page is submitted, read from the page's HTML: the tests
post exactly that (hidden fields, management forms and all), changed where a user would type.

``form_data(html, css_class)``: {name: [values]} of the form with that class, as submitted
without touching anything. ``add_row(data, html, prefix)`` does what the plan page's "add a
row" button does: copies the list's empty form with the next number and counts it."""

from html.parser import HTMLParser

TEXT_INPUTS_SKIPPED = {"submit", "button", "image", "reset", "file"}


class _FormParser(HTMLParser):
    def __init__(self, css_class, template_id=None):
        super().__init__(convert_charrefs=True)
        self.css_class = css_class
        self.template_id = template_id
        self.depth = None  # nesting depth inside the wanted form (or template)
        self.in_template = 0
        self.found = False
        self.fields = []  # [(name, value)] in document order
        self.select = None  # (name, multiple, [(value, selected)])
        self.option = None  # [value or None, text, selected]
        self.textarea = None  # [name, text]

    def inside(self):
        return self.depth is not None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.template_id is not None:
            if not self.inside() and tag == "template" and attrs.get("id") == self.template_id:
                self.depth, self.found = 0, True
                return
        else:
            if tag == "template" and self.inside():
                self.in_template += 1
                return
            if not self.inside() and tag == "form":
                if self.css_class in (attrs.get("class") or "").split() and not self.found:
                    self.depth, self.found = 0, True
                return
        if not self.inside() or self.in_template:
            return
        if "disabled" in attrs:
            return
        if tag == "input":
            kind = (attrs.get("type") or "text").lower()
            name = attrs.get("name")
            if not name or kind in TEXT_INPUTS_SKIPPED:
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.fields.append((name, attrs.get("value") or "on"))
                return
            self.fields.append((name, attrs.get("value") or ""))
        elif tag == "select" and attrs.get("name"):
            self.select = (attrs["name"], "multiple" in attrs, [])
        elif tag == "option" and self.select is not None:
            self.option = [attrs.get("value"), "", "selected" in attrs]
        elif tag == "textarea" and attrs.get("name"):
            self.textarea = [attrs["name"], ""]

    def handle_endtag(self, tag):
        if not self.inside():
            return
        if self.template_id is None and tag == "template" and self.in_template:
            self.in_template -= 1
            return
        if self.in_template:
            return
        if tag == "option" and self.option is not None:
            value, text, selected = self.option
            self.select[2].append((text.strip() if value is None else value, selected))
            self.option = None
        elif tag == "select" and self.select is not None:
            name, multiple, options = self.select
            chosen = [value for value, selected in options if selected]
            if not multiple and not chosen and options:
                chosen = [options[0][0]]
            self.fields.extend((name, value) for value in (chosen if multiple else chosen[-1:]))
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            name, text = self.textarea
            # A browser drops the newline right after <textarea>.
            self.fields.append((name, text[1:] if text.startswith("\n") else text))
            self.textarea = None
        elif tag == ("template" if self.template_id is not None else "form"):
            self.depth = None

    def handle_data(self, data):
        if not self.inside() or self.in_template:
            return
        if self.option is not None:
            self.option[1] += data
        elif self.textarea is not None:
            self.textarea[1] += data


def _as_dict(fields):
    data = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return data


def form_data(html, css_class):
    """{name: [values]} of the first ``<form class="… css_class …">`` of ``html``."""
    if isinstance(html, bytes):
        html = html.decode()
    parser = _FormParser(css_class)
    parser.feed(html)
    assert parser.found, f"no form with class {css_class!r} on the page"
    return _as_dict(parser.fields)


def add_row(data, html, prefix):
    """Add an empty row to the list ``prefix`` as the page's "add a row" button does; returns
    the new row's number."""
    if isinstance(html, bytes):
        html = html.decode()
    parser = _FormParser(None, template_id=f"{prefix}-empty")
    parser.feed(html)
    assert parser.found, f"no empty form of {prefix!r} on the page"
    total_key = f"{prefix}-TOTAL_FORMS"
    index = int(data[total_key][0])
    for name, values in _as_dict(parser.fields).items():
        data[name.replace("__prefix__", str(index))] = values
    data[total_key] = [str(index + 1)]
    return index
