from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ceis.forms import LightSelect, NameChoices, PlausibleDateRangeFilter
from ceis.partners.models import PartnerBody

from .models import Referral

CHECK = {"class": "form-check-input"}


class ReferralFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Case code"), method="filter_case_code")
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"),
        choices=Referral.Status.choices,
        widget=forms.CheckboxSelectMultiple(CHECK),
        method="filter_in",
    )
    urgency = django_filters.MultipleChoiceFilter(
        label=_("Urgency"),
        choices=Referral.Urgency.choices,
        widget=forms.CheckboxSelectMultiple(CHECK),
        method="filter_in",
    )
    referring_body = django_filters.ModelChoiceFilter(
        label=_("Referring body"), queryset=PartnerBody.objects.order_by("name")
    )
    channel = django_filters.ChoiceFilter(label=_("Channel"), choices=Referral.Channel.choices)
    received = PlausibleDateRangeFilter(
        label=_("Received between"),
        field_name="received_at",
        widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date", "class": "form-control form-control-sm"}),
    )
    sort = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(
            ("received_at", "received"),
            ("urgency_rank", "urgency"),
            ("status", "status"),
            ("person__case_code", "case"),
            ("referring_body__name", "body"),
        ),
        field_labels={
            "received_at": _("received"),
            "urgency_rank": _("urgency"),
            "status": _("status"),
            "person__case_code": _("case code"),
            "referring_body__name": _("referring body"),
        },
        empty_label=None,
    )

    class Meta:
        model = Referral
        fields = ["q", "status", "urgency", "referring_body", "channel", "received"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("referring_body", "channel"):
            field = self.form.fields[name]
            # the same markup in one pass, not a template per option: most of the list's filter box (bench/README.md)
            field.widget = LightSelect(
                attrs={**field.widget.attrs, "class": "form-select form-select-sm"}, choices=field.widget.choices
            )
        self.form.fields["referring_body"].widget.choices = NameChoices(self.form.fields["referring_body"])
        self.form.fields["sort"].widget.attrs["class"] = "form-select form-select-sm"  # a CSV widget: it parses "a,b"
        self.form.fields["q"].widget.attrs.update({"class": "form-control form-control-sm", "type": "search"})

    def filter_in(self, queryset, name, value):
        """``column IN (...)``, not django-filter's ``DISTINCT`` and OR of equalities: a column of the referral
        itself needs no ``DISTINCT`` (which sorted every match), and PostgreSQL turns ``IN`` into index
        conditions of ``referral_status_urgency_recv``, so the count is an index-only scan (bench/README.md)."""
        return queryset.filter(**{f"{name}__in": value}) if value else queryset

    def filter_case_code(self, queryset, name, value):
        value = value.strip()
        return (
            queryset.filter(Q(person__case_code__iexact=value) | Q(person__case_code__icontains=value))
            if value
            else queryset
        )
