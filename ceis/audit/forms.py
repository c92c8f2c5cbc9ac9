from __future__ import annotations

import datetime

from auditlog.registry import auditlog
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout, Submit
from django import forms
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .selectors import ACTION_LABELS, TrailFilter, person_records


def _record_kinds() -> list[tuple[str, str]]:
    """Every kind of record the trail can name: models under auditlog and the targets of security events."""
    from ceis.access import _roots

    models = set(auditlog.get_models()) | set(_roots())
    kinds = sorted((str(capfirst(m._meta.verbose_name)), m._meta.label_lower) for m in models)
    return [("", "—")] + [(label, name) for name, label in kinds]


EARLIEST = datetime.date(2000, 1, 1)  # before ceis existed
LATEST = datetime.date(2999, 12, 31)


class ActorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class AuditFilterForm(forms.Form):
    """Filters of the audit viewer, read from the query string (ids and codes only, never a name)."""

    actor = ActorChoiceField(
        label=_("User"), queryset=get_user_model().objects.order_by("username"), required=False, empty_label="—"
    )
    kind = forms.ChoiceField(label=_("Kind of record"), required=False)
    record = forms.IntegerField(label=_("Record id"), required=False, min_value=1)
    case_code = forms.CharField(label=_("Case code"), required=False, max_length=20)
    action = forms.ChoiceField(label=_("Action"), required=False)
    # Bounded: a day at the edge of what Python's dates hold (0001-01-01, 9999-12-31) would overflow when the
    # search turns it into an aware time or adds the day after the end.
    start = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[MinValueValidator(EARLIEST), MaxValueValidator(LATEST)],
    )
    end = forms.DateField(
        label=_("To (included)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[MinValueValidator(EARLIEST), MaxValueValidator(LATEST)],
    )

    def __init__(self, *args, may_see_cases: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = _record_kinds()
        self.fields["action"].choices = [("", "—")] + [(code, capfirst(label)) for code, label in ACTION_LABELS.items()]
        if not may_see_cases:
            # A case code is case content: only those who see the cases may look one up.
            del self.fields["case_code"]
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_id = "audit-filter"
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Div(*[Div(name, css_class="col-md-3") for name in self.fields], css_class="row g-2"),
            Submit("search", _("Search")),
        )

    def clean(self):
        data = super().clean()
        if data.get("record") and not data.get("kind"):
            self.add_error("kind", _("Choose the kind of record the id belongs to."))
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end cannot come before the start."))
        code = (data.get("case_code") or "").strip().upper()
        if code:
            data["person"] = apps.get_model("referrals.Person").objects.filter(case_code=code).first()
            if data["person"] is None:
                self.add_error("case_code", _("No person has this case code."))
        return data

    def trail_filter(self) -> TrailFilter:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        records: tuple = ()
        kind_id = _kind_id(data["kind"]) if data.get("kind") else None
        if data.get("person") is not None:
            records, kind_id = person_records(data["person"]), None
        elif kind_id and data.get("record"):
            records, kind_id = ((kind_id, str(data["record"])),), None
        return TrailFilter(
            actor=data.get("actor"),
            records=records,
            kind_id=kind_id,
            action=data.get("action") or "",
            start=_midnight(data.get("start")),
            end=_midnight(data["end"] + datetime.timedelta(days=1)) if data.get("end") else None,
        )

    def audit_details(self) -> dict:
        """What was searched, for the audit row of this very search: ids and codes only."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        details = {
            "actor": data["actor"].pk if data.get("actor") else None,
            "kind": data.get("kind") or None,
            "record": data.get("record"),
            "person": data["person"].pk if data.get("person") else None,
            "action": data.get("action") or None,
            "from": data["start"].isoformat() if data.get("start") else None,
            "to": data["end"].isoformat() if data.get("end") else None,
        }
        return {k: v for k, v in details.items() if v is not None}


def _kind_id(kind: str) -> int:
    app_label, model = kind.split(".")
    return ContentType.objects.get_by_natural_key(app_label, model).pk


def _midnight(day: datetime.date | None) -> datetime.datetime | None:
    if day is None:
        return None
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
