"""Form widgets and fields shared by every app (HTML5 inputs with the formats browsers send, plausible dates)."""

from __future__ import annotations

import datetime
import html

import django_filters
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.forms.utils import flatatt
from django.utils.choices import BaseChoiceIterator
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django_filters.fields import DateRangeField

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=DATETIME_LOCAL)


class LightSelect(forms.Select):
    """``forms.Select`` with the same markup, written in one pass instead of one template per option.

    Django renders each option through ``select_option.html`` and its ``attrs.html``: for a select of a hundred
    partner bodies that was most of the interview form's widget time (bench/README.md). Grouped choices
    (optgroups) go through Django's own rendering. Every label and value is escaped.
    """

    def render(self, name, value, attrs=None, renderer=None):
        # A comprehension, not list(): list() asks a ModelChoiceIterator its length first, a COUNT query.
        choices = [choice for choice in self.choices]  # noqa: C416
        if any(isinstance(label, (list, tuple)) for _value, label in choices):
            return super().render(name, value, attrs, renderer)
        chosen = {str(v) for v in self.format_value(value)}
        final = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            final["multiple"] = True
        return format_html(
            '<select name="{}"{}>\n  {}\n</select>',
            name,
            flatatt(final),
            option_tags(choices, chosen, multiple=self.allow_multiple_selected),
        )


def light_selects(form: forms.BaseForm) -> None:
    """Give each plain select of ``form`` (Django's ``Select``, django-countries' ``LazySelect``) a ``LightSelect``:
    the same markup and choices, written in one pass (a country select is ~250 option templates otherwise)."""
    from django_countries.widgets import LazySelect

    for field in form.fields.values():
        if type(field.widget) in (forms.Select, LazySelect):
            field.widget = LightSelect(attrs=field.widget.attrs, choices=field.widget.choices)


def option_tags(choices, chosen: set[str] | frozenset[str], *, multiple: bool = False) -> SafeString:
    """The ``<option>`` elements of flat ``(value, label)`` choices as Django's templates write them: ``chosen``
    selected (only the first match unless ``multiple``), every value and label escaped."""
    found = False
    options = []
    for option_value, label in choices:
        option_value = "" if option_value is None else str(option_value)
        selected = option_value in chosen and (multiple or not found)
        found = found or selected
        options.append(
            f'<option value="{html.escape(option_value)}"{" selected" if selected else ""}>'
            f"{html.escape(str(label))}</option>"
        )
    return mark_safe("\n  ".join(options))  # noqa: S308 - each value and label escaped above


# Dates a filter or a period may name: the service's records begin long after the first and end long before the
# last; a far-past or far-future date (0001-01-01, 9999-12-31) overflows once turned into a time zone's datetime.
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)


def plausible_date_validators() -> list:
    return [
        MinValueValidator(EARLIEST_DATE, message=_("Enter a date from %(limit_value)s on.")),
        MaxValueValidator(LATEST_DATE, message=_("Enter a date up to %(limit_value)s.")),
    ]


def is_plausible_date(day: datetime.date) -> bool:
    return EARLIEST_DATE <= day <= LATEST_DATE


class PlausibleDateRangeField(DateRangeField):
    """django-filter's from/to date field, each end within ``EARLIEST_DATE``..``LATEST_DATE``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields:
            field.validators.extend(plausible_date_validators())


class PlausibleDateRangeFilter(django_filters.DateFromToRangeFilter):
    field_class = PlausibleDateRangeField


class NameChoices(BaseChoiceIterator):
    """The options of a ``ModelChoiceField`` whose records are labelled by one column, as ``(pk, label)`` pairs read
    when the select is written: ~100 partner bodies made ~100 model instances (each through the model's init
    signals) for a select (issue #20). Only for models whose ``str()`` is that column. A ``BaseChoiceIterator``:
    the widget keeps it lazy (one query, when written)."""

    def __init__(self, field: forms.ModelChoiceField, label: str = "name"):
        self.field, self.label = field, label

    def __iter__(self):
        if self.field.empty_label is not None:
            yield "", self.field.empty_label
        yield from self.field.queryset.values_list("pk", self.label)
