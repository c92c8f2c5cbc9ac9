"""Form widgets and fields shared by every app (HTML5 inputs with the formats browsers send, plausible dates)."""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
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
