"""Fuzz every main form: arbitrary input never gives a 500 and never saves an invalid record.

For each form the test opens the page as a user allowed to use it, reads the fields the browser would send
(inputs, selects with their options, textareas, submit buttons with a name) and lets hypothesis build POSTs
from them: the page's own values, valid options, and hostile strings (NUL bytes, impossible dates, huge
numbers, 10 000 characters, markup, right-to-left marks). After every POST:

- the request did not fail (the test client re-raises any exception a view lets through: that is the 500);
- when the answer is not a redirect (the form came back with errors), no row of any case or reference table
  changed: nothing half-saved;
- when it is a redirect, every row that was created or changed passes ``full_clean()``;
- the audit trail (``AUDIT_APPS``) is append-only whatever the answer: no row changed or deleted. A form sent
  back with errors may have logged the *read* of the record it shows (django-auditlog's ACCESS entries), but no
  other audit row: an event or a change entry there would record a write that did not happen (or did, half).

The runs are derandomized so CI is reproducible; ``HYPOTHESIS_PROFILE=deep`` explores much further.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.test import Client
from django.urls import path, reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import factories

settings.register_profile(
    "ci",
    max_examples=20,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
settings.register_profile(
    "deep",
    max_examples=500,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
FUZZ = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# Every table a form could write to: case records and the reference lists.
TRACKED_APPS = ("referrals", "interviews", "groups", "protection", "partners", "accounts", "consent", "privacy")
# The audit trail: rows appear on legitimate writes (and reads), and must never change or go.
AUDIT_APPS = ("audit", "auditlog")

HOSTILE = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "0",
    "-1",
    "9" * 40,
    "1e309",
    "NaN",
    "-0",
    "2026-02-30",
    "2026-13-01",
    "9999-12-31",
    "0001-01-01",
    "31/12/9999",
    "1900-01-01T00:00",
    "2026-06-01T25:61",
    "x" * 10_000,
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "\u202egnp.exe",
    "🙂" * 50,
    "[]",
    "null",
]


class _Fields(HTMLParser):
    """The names a browser would submit from the page's main form, with their default and allowed values."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, dict] = {}
        self._select: str | None = None

    def _field(self, name: str) -> dict:
        return self.fields.setdefault(name, {"defaults": [], "options": [], "multiple": False})

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind == "file":
                return
            field = self._field(name)
            if kind in ("checkbox", "radio"):
                field["options"].append(a.get("value", "on"))
                field["multiple"] = field["multiple"] or kind == "checkbox"
                if "checked" in a:
                    field["defaults"].append(a.get("value", "on"))
            else:
                field["defaults"].append(a.get("value", ""))
        elif tag == "button" and name:
            self._field(name)["options"].append(a.get("value", ""))
        elif tag == "textarea" and name:
            self._field(name)["defaults"].append("")
        elif tag == "select" and name:
            self._select = name
            self._field(name)["multiple"] = "multiple" in a
        elif tag == "option" and self._select:
            field = self._field(self._select)
            field["options"].append(a.get("value", ""))
            if "selected" in a:
                field["defaults"].append(a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def _form_fields(client: Client, url: str) -> dict[str, dict]:
    response = client.get(url)
    assert response.status_code == 200, url
    parser = _Fields()
    parser.feed(response.content.decode())
    fields = parser.fields
    for skip in ("csrfmiddlewaretoken", "language", "next", "q"):  # the page's language switch and search boxes
        fields.pop(skip, None)
    assert fields, f"no form fields found on {url}"
    return fields


def _value_strategy(field: dict) -> st.SearchStrategy:
    choices = [st.sampled_from(HOSTILE), st.text(max_size=200), st.integers(-(10**12), 10**12).map(str)]
    choices.append(
        st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2100, 12, 31)).flatmap(
            lambda d: st.sampled_from([d.isoformat(), d.strftime("%d/%m/%Y"), f"{d.isoformat()}T10:30"])
        )
    )
    if field["defaults"]:
        choices.insert(0, st.sampled_from(field["defaults"]))
    if field["options"]:
        choices.insert(0, st.sampled_from(field["options"]))
    single = st.one_of(*choices)
    if field["multiple"] and field["options"]:
        return st.one_of(st.lists(st.sampled_from(field["options"]), max_size=4), single)
    return single


def _post_strategy(fields: dict[str, dict]) -> st.SearchStrategy:
    """A dict of field -> value; a missing key is a field the client left out."""
    return st.fixed_dictionaries({}, optional={name: _value_strategy(field) for name, field in fields.items()})


def _tracked_models():
    return [m for m in apps.get_models() if m._meta.app_label in TRACKED_APPS and not m._meta.proxy]


def _snapshot() -> dict:
    return {
        model: {row["pk"]: row for row in model.objects.values("pk", *_concrete(model))} for model in _tracked_models()
    }


def _concrete(model) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if not f.primary_key]


def _audit_models():
    return [m for m in apps.get_models() if m._meta.app_label in AUDIT_APPS and not m._meta.proxy]


def _audit_snapshot() -> dict:
    return {
        model: {row["pk"]: row for row in model.objects.values("pk", *_concrete(model))} for model in _audit_models()
    }


def _is_a_read(model, row: dict) -> bool:
    """A logged read: a case record opened (django-auditlog ACCESS) or the audit log itself viewed."""
    from auditlog.models import LogEntry

    from ceis.audit.models import Event

    if model is LogEntry:
        return row["action"] == LogEntry.Action.ACCESS
    return model is Event and row["kind"] == Event.Kind.AUDIT_VIEW


def _check_audit_trail(before: dict, after: dict, *, redirected: bool, what) -> None:
    for model, rows in before.items():
        for pk, row in rows.items():
            assert after[model].get(pk) == row, f"audit row {model.__name__} {pk} changed or went: {what!r}"
    if not redirected:
        for model, rows in after.items():
            written = [row for pk, row in rows.items() if pk not in before[model] and not _is_a_read(model, row)]
            assert not written, f"form sent back with errors, yet audit rows were written: {written!r} for {what!r}"


def _changed_rows(before: dict, after: dict):
    for model, rows in after.items():
        for pk, row in rows.items():
            if before[model].get(pk) != row:
                yield model, pk


def _exercise(client: Client, url: str | tuple[str, str]) -> None:
    """Fuzz the form at ``url``, or at ``(page showing the form, URL it posts to)``."""
    page, url = url if isinstance(url, tuple) else (url, url)
    fields = _form_fields(client, page)

    @FUZZ
    @given(data=_post_strategy(fields))
    def run(data):
        before, audit_before = _snapshot(), _audit_snapshot()
        response = client.post(url, data)  # an exception here is the 500 this test exists to catch
        assert response.status_code != 500, (url, data)
        after = _snapshot()
        redirected = response.status_code in (301, 302, 303)
        _check_audit_trail(audit_before, _audit_snapshot(), redirected=redirected, what=(url, data))
        if redirected:
            for model, pk in _changed_rows(before, after):
                model.objects.get(pk=pk).full_clean()
        else:
            assert before == after, f"{url} answered {response.status_code} but changed rows for {data!r}"

    run()


def _exercise_get(client: Client, url: str) -> None:
    """Fuzz the search form (method GET) of the page at ``url``: never a 500, nothing written but logged reads."""
    fields = _form_fields(client, url)

    def search(data):
        before, audit_before = _snapshot(), _audit_snapshot()
        response = client.get(url, data)  # an exception here is the 500 this test exists to catch
        assert response.status_code in (200, 400), (url, data, response.status_code)
        assert _snapshot() == before, f"{url} changed rows for the search {data!r}"
        _check_audit_trail(audit_before, _audit_snapshot(), redirected=False, what=(url, data))

    # A search is cheap: first every hostile string in every field, one at a time, then hypothesis's mixtures.
    for name in fields:
        for value in HOSTILE:
            search({name: value})

    FUZZ(given(data=_post_strategy(fields))(search))()


# --- The forms -------------------------------------------------------------------------------------------------


def _held_referral(operator):
    referral = factories.ReferralFactory(assigned_to=[operator])
    return referral


def _closed_taken_in_charge(operator):
    referral = factories.ReferralFactory(assigned_to=[operator])
    type(referral).objects.filter(pk=referral.pk).update(
        status="closed", outcome="taken_in_charge", closed_at=timezone.now()
    )
    return referral


def _pathway(operator):
    return factories.PathwayFactory(assigned_to=[operator])


def _service(operator):
    from tests.protection.services_helpers import request

    return request(by=operator, pathway=_pathway(operator))


def _session(operator):
    session = factories.GroupSessionFactory(facilitators=[operator])
    factories.AttendanceRowFactory(session=session)
    return session


def _retention_rule():
    from privacy.models import RetentionRule

    return RetentionRule.objects.order_by("pk").first()


def _part_form(part: str) -> Callable:
    return lambda op: reverse("pathway_parts:add", args=[_pathway(op).pk, part])


OPERATOR_FORMS: dict[str, Callable] = {
    "referral intake": lambda op: reverse("referrals:intake"),
    "referral edit": lambda op: reverse("referrals:edit", args=[_held_referral(op).pk]),
    "person edit": lambda op: reverse("referrals:person_edit", args=[_held_referral(op).person_id]),
    "referral close": lambda op: reverse("referrals:close", args=[_held_referral(op).pk]),
    "interview schedule": lambda op: reverse("interviews:schedule", args=[_held_referral(op).pk]),
    "interview record": lambda op: reverse("interviews:record", args=[_held_referral(op).pk]),
    "interview edit": lambda op: reverse(
        "interviews:edit", args=[factories.InterviewFactory(referral=_held_referral(op)).pk]
    ),
    "group session new": lambda op: reverse("groups:new"),
    "group session edit": lambda op: reverse("groups:edit", args=[_session(op).pk]),
    "group session follow-ups": lambda op: (
        lambda pk: (reverse("groups:detail", args=[pk]), reverse("groups:follow_ups", args=[pk]))
    )(_session(op).pk),
    "pathway from referral": lambda op: reverse("protection:open_from_referral", args=[_closed_taken_in_charge(op).pk]),
    "pathway by transfer": lambda op: reverse("protection:open_transfer"),
    "pathway phase": lambda op: reverse("protection:phase", args=[_pathway(op).pk]),
    "pathway close": lambda op: reverse("protection:close", args=[_pathway(op).pk]),
    "consent new": lambda op: reverse("consent:new", args=[_held_referral(op).person_id]),
    "legal basis new": lambda op: reverse("consent:legal_basis_new", args=[_held_referral(op).person_id]),
    "consent withdraw": lambda op: reverse(
        "consent:withdraw",
        args=[factories.ConsentFactory(person=_held_referral(op).person, purpose="statistics", recorded_by=op).pk],
    ),
    "service request for a pathway": lambda op: reverse("service_referrals:new_for_pathway", args=[_pathway(op).pk]),
    "service request for a referral": lambda op: reverse(
        "service_referrals:new_for_referral", args=[_held_referral(op).pk]
    ),
    "service status": lambda op: reverse("service_referrals:detail", args=[_service(op).pk]),
    "document add": lambda op: reverse("documents:add", args=["referral", _held_referral(op).pk]),
    **{
        f"pathway part {part}": _part_form(part)
        for part in ("goal", "accommodation", "literacy", "training", "job", "permit", "diary")
    },
}

COORDINATOR_FORMS: dict[str, Callable] = {
    "referral assign": lambda coord, op: (
        lambda pk: (reverse("referrals:detail", args=[pk]), reverse("referrals:assign", args=[pk]))
    )(factories.ReferralFactory().pk),
    "caseload reassign": lambda coord, op: (
        factories.ReferralFactory(assigned_to=[op]) and factories.PathwayFactory(assigned_to=[op]),
        (reverse("caseload:operator", args=[op.pk]), reverse("caseload:reassign")),
    )[1],
    "referral attach": lambda coord, op: reverse("referrals:attach", args=[factories.ReferralFactory().pk]),
    "materials new": lambda coord, op: reverse("materials:create"),
    "substitute lists": lambda coord, op: reverse("interviews:substitution"),
    "privacy restrict": lambda coord, op: reverse("privacy:restrict", args=[_held_referral(op).person_id]),
    "privacy legal hold": lambda coord, op: reverse("privacy:hold", args=[_held_referral(op).person_id]),
    "privacy erase": lambda coord, op: reverse("privacy:erase", args=[_held_referral(op).person_id]),
    "privacy retention rule": lambda coord, op: reverse("privacy:rule_edit", args=[_retention_rule().pk]),
    "person merge": lambda coord, op: reverse("referrals:person_merge", args=[_held_referral(op).person_id]),
    "person merge confirm": lambda coord, op: reverse(
        "referrals:person_merge_confirm", args=[_held_referral(op).person_id, factories.ReferralFactory().person_id]
    ),
}

ADMIN_FORMS: dict[str, Callable] = {
    "partner body new": lambda admin: reverse("partners:create"),
    "partner contact new": lambda admin: reverse("partners:contact_create", args=[factories.PartnerBodyFactory().pk]),
    "indicator new": lambda admin: reverse("catalogue:create"),
    "indicator list import": lambda admin: reverse("catalogue:import"),
    "mediator new": lambda admin: reverse("interviews:mediator_create"),
    "language new": lambda admin: reverse("materials:language_create"),
    "account new": lambda admin: reverse("users:create"),
    "account edit": lambda admin: reverse("users:edit", args=[factories.OperatorFactory().pk]),
    "own account edit": lambda admin: reverse("users:edit", args=[admin.pk]),
    "service settings": lambda admin: reverse("service:settings"),
}


@pytest.mark.django_db
def test_the_portal_referral_form_survives_arbitrary_input(partner_client):
    """The one form of a partner account (role ``ente``): what a person outside the service may send."""
    _exercise(partner_client, reverse("portal:submit"))


@pytest.mark.django_db
@pytest.mark.parametrize("form", sorted(OPERATOR_FORMS))
def test_operator_forms_survive_arbitrary_input(operator, op_client, form):
    _exercise(op_client, OPERATOR_FORMS[form](operator))


@pytest.mark.django_db
@pytest.mark.parametrize("form", sorted(COORDINATOR_FORMS))
def test_coordinator_forms_survive_arbitrary_input(coordinator, coord_client, operator, form):
    _exercise(coord_client, COORDINATOR_FORMS[form](coordinator, operator))


@pytest.mark.django_db
@pytest.mark.parametrize("form", sorted(ADMIN_FORMS))
def test_admin_forms_survive_arbitrary_input(admin_user, admin_client_role, form):
    _exercise(admin_client_role, ADMIN_FORMS[form](admin_user))


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["coordinator", "admin"])
def test_the_audit_log_filters_survive_arbitrary_input(request, role, operator):
    """The audit viewer's filters (a GET form): as a coordinator (with the case code) and as an admin."""
    factories.ReferralFactory(assigned_to=[operator])  # something in the trail
    client = request.getfixturevalue("coord_client" if role == "coordinator" else "admin_client_role")
    _exercise_get(client, reverse("audit:log"))


@pytest.mark.django_db
def test_the_set_password_form_survives_arbitrary_input(client):
    """The one-time link of a new account, opened without logging in (the token moves into the session)."""
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    account = factories.OperatorFactory()
    account.set_unusable_password()
    account.save()
    uid = urlsafe_base64_encode(force_bytes(account.pk))
    link = reverse("set_password", args=[uid, default_token_generator.make_token(account)])
    form = client.get(link)
    assert form.status_code == 302
    _exercise(client, form.url)


# --- The checks themselves can fail -------------------------------------------------------------------------------

_FORM = '<form method="post"><input name="urgency" value="routine"><button name="go" value="1">OK</button></form>'


def _half_saving_view(request, pk):
    """Saves, then shows the form again as if it had errors: the 'half-saved record' the fuzzer must catch."""
    from django.http import HttpResponse

    from referrals.models import Referral

    if request.method == "POST":
        Referral.objects.filter(pk=pk).update(received_at=timezone.now())  # a different value on every call
    return HttpResponse(_FORM)


def _crashing_view(request, pk):
    from django.http import HttpResponse

    # Any value but the page's own: which hostile strings 20 derandomized examples hold depends on the test's code.
    if request.method == "POST" and request.POST.get("urgency", "routine") != "routine":
        raise ValueError("an unexpected value reached the database layer")
    return HttpResponse(_FORM)


def _audit_writing_view(request, pk):
    """Logs an event, then shows the form again as if it had errors: an audit row for a write that did not happen."""
    from django.http import HttpResponse

    from ceis.audit.models import Event

    if request.method == "POST":
        Event.objects.create(kind=Event.Kind.ASSIGN, actor=request.user, target_id=str(pk))
    return HttpResponse(_FORM)


def _reading_view(request, pk):
    """Logs the read of the record it shows (as every case page does), whatever was posted: that is fine."""
    from django.http import HttpResponse

    from ceis.audit.services import record_viewed
    from referrals.models import Referral

    record_viewed(Referral.objects.get(pk=pk))
    return HttpResponse(_FORM)


urlpatterns = [
    path("half/<int:pk>/", _half_saving_view),
    path("crash/<int:pk>/", _crashing_view),
    path("audit/<int:pk>/", _audit_writing_view),
    path("read/<int:pk>/", _reading_view),
]


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_the_fuzzer_notices_a_half_saved_record(operator, op_client):
    referral = _held_referral(operator)
    with pytest.raises(AssertionError, match="changed rows"):
        _exercise(op_client, f"/half/{referral.pk}/")


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_the_fuzzer_notices_a_crash(operator, op_client):
    referral = _held_referral(operator)
    with pytest.raises(ValueError, match="unexpected value"):
        _exercise(op_client, f"/crash/{referral.pk}/")


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_the_fuzzer_notices_an_audit_row_for_a_write_that_did_not_happen(operator, op_client):
    referral = _held_referral(operator)
    with pytest.raises(AssertionError, match="audit rows were written"):
        _exercise(op_client, f"/audit/{referral.pk}/")


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_the_fuzzer_accepts_the_logged_read_of_the_page(operator, op_client):
    from auditlog.models import LogEntry

    referral = _held_referral(operator)
    _exercise(op_client, f"/read/{referral.pk}/")
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk=str(referral.pk)).count() > 1
