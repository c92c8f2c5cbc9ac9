"""Crispy-forms layouts written in one pass, with crispy-bootstrap5's markup.

``{% crispy form %}`` renders a template per field (``bootstrap5/field.html`` and its includes) and per layout
object: at the interview form's ~25 fields that was half of the page's time (issue #20, bench/README.md). The
simple layouts our forms use (``Layout``, ``Fieldset``, ``Div``, plain ``Field`` and field names, on a helper with
crispy's default field settings, and ``InlineCheckboxes``/``InlineRadios`` of choice fields) are written here instead, with the same elements, classes, ids, labels, aria
attributes, help texts and errors; any other layout or helper setting is rendered by crispy itself.
tests/security/test_fast_layout.py compares both renderings.
"""

from __future__ import annotations

from crispy_forms.bootstrap import InlineCheckboxes, InlineRadios
from crispy_forms.layout import Div, Field, Fieldset, Layout
from crispy_forms.utils import render_crispy_form
from django import forms
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe


def render_form(form, context=None) -> SafeString:
    """The fields of ``form`` laid out by its ``helper``, as ``{% crispy form %}`` writes them."""
    helper = getattr(form, "helper", None)
    plain = helper is not None and _plain_helper(helper) and not (helper.include_media and str(form.media))
    if not plain or not _plain(helper.layout, form):
        return render_crispy_form(form, helper, context)
    parts: list[str] = []
    if helper.form_show_errors and form.non_field_errors():
        title = f'<h4 class="alert-heading">{escape(helper.form_error_title)}</h4>' if helper.form_error_title else ""
        items = "".join(f"<li>{conditional_escape(e)}</li>" for e in form.non_field_errors())
        parts.append(f'<div class="alert alert-block alert-danger">{title}<ul class="m-0">{items}</ul></div>')
    _layout(helper.layout, form, parts)
    return mark_safe("".join(parts))  # noqa: S308 - every text escaped, as the templates escape it


def _plain_helper(helper) -> bool:
    return (
        helper.layout is not None
        and not helper.form_tag
        and (helper.disable_csrf or helper.form_method.lower() != "post")
        and not helper.inputs
        and helper.form_show_labels
        and not (helper.label_class or helper.field_class or helper.form_class)
        and not (helper.render_unmentioned_fields or helper.render_hidden_fields or helper.render_required_fields)
        and helper.field_template is None
        and helper.template is None
        and not helper.help_text_inline
        and helper.error_text_inline
    )


def _plain(node, form) -> bool:
    if isinstance(node, str):
        return node in form.fields and _plain_field(form[node])
    kind = type(node)
    if kind in _INLINE:
        return (
            not node.attrs
            and not node.wrapper_class
            and node.template == kind.template
            and all(isinstance(n, str) and n in form.fields and _inline_field(form[n]) for n in node.fields)
        )
    if kind is Field:
        plain = not node.attrs and not node.wrapper_class and node.template == Field.template
    elif kind is Div:
        plain = node.template == Div.template and not node.css_id and not node.flat_attrs
    elif kind is Fieldset:
        plain = node.template == Fieldset.template and not node.css_id and not node.css_class and not node.flat_attrs
    else:
        plain = kind is Layout
    return plain and all(_plain(child, form) for child in node.fields)


_INLINE = (InlineCheckboxes, InlineRadios)


def _inline_field(bf) -> bool:
    return bf.is_hidden or _options(bf.field.widget)


def _plain_field(bf) -> bool:
    widget = bf.field.widget
    if bf.is_hidden:
        return True
    if isinstance(widget, (forms.FileInput, forms.MultiWidget)):
        return False
    return not bf.use_fieldset or _options(widget)


def _options(widget) -> bool:
    return isinstance(widget, (forms.CheckboxSelectMultiple, forms.RadioSelect))


def _layout(node, form, parts: list[str]) -> None:
    if isinstance(node, str):
        parts.append(_field(form[node]))
        return
    kind = type(node)
    if kind in _INLINE:
        parts.extend(_inline(form[name]) for name in node.fields)
        return
    if kind is Fieldset:
        legend = f"<legend>{escape(node.legend)}</legend>" if node.legend else ""
        parts.append(f"<fieldset>{legend}")
    elif kind is Div:
        parts.append(f'<div class="{escape(node.css_class)}">' if node.css_class else "<div>")
    for child in node.fields:
        _layout(child, form, parts)
    if kind is Fieldset:
        parts.append("</fieldset>")
    elif kind is Div:
        parts.append("</div>")


def _field(bf) -> str:
    if bf.is_hidden:
        return str(bf)
    field, widget = bf.field, bf.field.widget
    if isinstance(widget, forms.CheckboxInput):
        return _checkbox(bf)
    required = field.required
    css = bf.css_classes()
    out = [f'<div id="div_{bf.auto_id}" class="mb-3{" " + css if css else ""}">']
    fieldset = bf.use_fieldset and bf.label
    if bf.label:
        if fieldset:
            described = bf.aria_describedby
            out.append(f'<fieldset aria-describedby="{escape(described)}">' if described else "<fieldset>")
        tag = "legend" if bf.use_fieldset else "label"
        for_ = f' for="{escape(bf.id_for_label)}"' if bf.id_for_label else ""
        classes = "form-label" + (" requiredField" if required else "") + (" fs-6" if bf.use_fieldset else "")
        star = '<span class="asteriskField">*</span>' if required else ""
        out.append(f'<{tag}{for_} class="{classes}">{conditional_escape(bf.label)}{star}</{tag}>')
    errors = bf.errors
    if _options(widget):
        out.append(_option_inputs(bf, errors))
        out.append(_help_text(bf))
    else:
        out.append(_widget(bf, {"class": _widget_class(widget, errors)}))
        if errors:
            spans = "".join(
                f'<span id="error_{i}_{bf.auto_id}"><strong>{conditional_escape(e)}</strong></span>'
                for i, e in enumerate(errors, 1)
            )
            out.append(f'<div id="{_error_id(errors)}" class="invalid-feedback">{spans}</div>')
        out.append(_help_text(bf))
    if fieldset:
        out.append("</fieldset>")
    out.append("</div>")
    return "".join(out)


def _checkbox(bf) -> str:
    """A single checkbox as crispy-bootstrap5's ``field.html`` writes it: the box, then its label, in a form-check."""
    required = bf.field.required
    css = bf.css_classes()
    errors = bf.errors
    star = '<span class="asteriskField">*</span>' if required else ""
    out = [
        f'<div class="mb-3"><div id="div_{bf.auto_id}" class="form-check{" " + css if css else ""}">',
        _widget(bf, {"class": _widget_class(bf.field.widget, errors, "form-check-input")}),
        f'<label for="{escape(bf.id_for_label)}" class="form-check-label{" requiredField" if required else ""}">'
        f"{conditional_escape(bf.label)}{star}</label>",
    ]
    if errors:
        spans = "".join(
            f'<span id="error_{i}_{bf.auto_id}"><strong>{conditional_escape(e)}</strong></span>'
            for i, e in enumerate(errors, 1)
        )
        out.append(f'<div id="{_error_id(errors)}" class="invalid-feedback">{spans}</div>')
    out.append(_help_text(bf))
    out.append("</div></div>")
    return "".join(out)


_INPUTS = {
    f"django/forms/widgets/{kind}.html" for kind in ("text", "number", "email", "url", "date", "datetime", "time")
}
_TEXTAREA = "django/forms/widgets/textarea.html"


def _widget(bf, attrs: dict) -> str:
    """``bf.as_widget(attrs)``; inputs and text areas written here, with the markup of Django's templates."""
    widget = bf.field.widget
    if widget.template_name not in _INPUTS and widget.template_name != _TEXTAREA or bf.field.localize:
        return bf.as_widget(attrs=attrs)
    attrs = bf.build_widget_attrs(attrs, widget)
    if bf.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", bf.auto_id)
    context = widget.get_context(bf.html_name, bf.value(), attrs)["widget"]
    name, value, flat = escape(context["name"]), context["value"], _flat(context["attrs"])
    if widget.template_name == _TEXTAREA:
        return f'<textarea name="{name}"{flat}>\n{conditional_escape(value) if value else ""}</textarea>'
    value = "" if value is None else f' value="{escape(str(value))}"'
    return f'<input type="{escape(context["type"])}" name="{name}"{value}{flat}>'


def _flat(attrs: dict) -> str:
    """Django's ``attrs.html``: `` name="value"``, `` name`` for True, nothing for False."""
    return "".join(
        f" {escape(k)}" if v is True else f' {escape(k)}="{escape(str(v))}"' for k, v in attrs.items() if v is not False
    )


def _widget_class(widget, errors, extra: str | None = None) -> str:
    """The class crispy's ``crispy_field`` gives the widget: its own, its class name, then Bootstrap's."""
    name = type(widget).__name__.lower()
    css = widget.attrs.get("class", "")
    if not css:
        css = name
    elif name not in css:
        css += f" {name}"
    if extra is None:
        extra = "form-select" if isinstance(widget, forms.Select) else "form-control"
    for token in (extra, "is-invalid") if errors else (extra,):
        if token not in css.split():
            css += f" {token}"
    return css


def _error_id(errors) -> str:
    return f"{escape(getattr(errors, 'field_id', None))}_error"


def _help_text(bf) -> str:
    if not bf.help_text:
        return ""
    ident = f'id="{bf.auto_id}_helptext" ' if bf.auto_id else ""
    return f'<div {ident}class="form-text">{bf.help_text}</div>'  # crispy writes help texts unescaped too


def _inline(bf) -> str:
    """A choice field as crispy-bootstrap5's ``checkboxselectmultiple_inline.html`` (or ``radioselect_inline.html``,
    the same) writes it: a fieldset and legend whenever there is a label, the choices inline, the errors after them."""
    if bf.is_hidden:
        return str(bf)
    required = bf.field.required
    css = bf.css_classes()
    out = [f'<div id="div_{bf.auto_id}" class="mb-3{" " + css if css else ""}">']
    if bf.label:
        described = bf.aria_describedby
        out.append(f'<fieldset aria-describedby="{escape(described)}">' if described else "<fieldset>")
        classes = "fs-6 form-label" + (" requiredField" if required else "")
        star = '<span class="asteriskField">*</span>' if required else ""
        out.append(
            f'<legend for="{escape(bf.id_for_label)}" class="{classes}">{conditional_escape(bf.label)}{star}</legend>'
        )
    errors = bf.errors
    out.append(_option_inputs(bf, errors, inline=True))
    if errors:
        paragraphs = "".join(
            f'<p id="error_{i}_{bf.auto_id}"><strong>{conditional_escape(e)}</strong></p>'
            for i, e in enumerate(errors, 1)
        )
        out.append(f'<div id="{_error_id(errors)}" class="invalid-feedback">{paragraphs}</div>')
    out.append(_help_text(bf))
    if bf.label:
        out.append("</fieldset>")
    out.append("</div>")
    return "".join(out)


def _option_inputs(bf, errors, inline: bool = False) -> str:
    """Each choice as crispy's ``radio_checkbox_select.html`` writes it."""
    widget = bf.field.widget
    ident = widget.attrs.get("id") or bf.auto_id
    attrs = bf.build_widget_attrs({"id": ident} if ident else {})
    groups = widget.optgroups(bf.html_name, widget.format_value(bf.value()), attrs)
    invalid = " is-invalid" if errors else ""
    name = escape(bf.html_name)
    check = "form-check form-check-inline" if inline else "form-check"
    out = ["<div>"]
    for g, (group, options, _index) in enumerate(groups, 1):
        if group:
            out.append(f"<strong>{conditional_escape(group)}</strong>")
        for o, option in enumerate(options, 1):
            flat = _flat(option["attrs"])
            out.append(
                f'<div class="{check}"><input type="{escape(option["type"])}" class="form-check-input{invalid}" '
                f'name="{name}" value="{conditional_escape(option["value"])}"{flat}>'
                f'<label for="{escape(option["attrs"].get("id", ""))}" class="form-check-label">'
                f"{conditional_escape(option['label'])}</label>"
            )
            if errors and not inline and o == len(options) and g == len(groups):
                paragraphs = "".join(
                    f'<p id="error_{i}_{bf.auto_id}"><strong>{conditional_escape(e)}</strong></p>'
                    for i, e in enumerate(errors, 1)
                )
                out.append(f'<div id="{_error_id(errors)}" class="invalid-feedback">{paragraphs}</div>')
            out.append("</div>")
    out.append("</div>")
    return "".join(out)
