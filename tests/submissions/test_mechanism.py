"""The one-time submission token itself (ceis/submissions): issue, check, claim, answer, expire."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template import engines
from django.test import RequestFactory
from django.utils import timezone, translation

from ceis.partners.models import PartnerBody
from ceis.submissions import tokens
from ceis.submissions.decorators import created, submitted_once
from ceis.submissions.models import Submission
from ceis.submissions.tasks import purge_expired, purge_expired_submissions
from tests import factories

pytestmark = [pytest.mark.real_submission_tokens, pytest.mark.django_db]


def _request(user, data=None, method="post"):
    factory = RequestFactory()
    request = factory.post("/x/", data or {}) if method == "post" else factory.get("/x/")
    request.user = user
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


@submitted_once
def make_body(request):
    """A creating view: a new partner body per POST, then a redirect to it (errors: the form again, 200)."""
    if request.method == "POST":
        if request.POST.get("name") == "":
            return HttpResponse("errors", status=200)
        if request.POST.get("name") == "boom":
            factories.PartnerBodyFactory(name="half-saved")
            raise Http404
        body = factories.PartnerBodyFactory(name=request.POST["name"])
        created(request, body)
        return HttpResponseRedirect(f"/partners/{body.pk}/")
    return HttpResponse("form")


def _messages(request) -> list[str]:
    return [str(m) for m in get_messages(request)]


# tokens


def test_a_token_checks_for_the_user_it_was_issued_to(operator):
    token = tokens.issue(operator)
    checked = tokens.check(token, operator)
    assert len(checked.digest) == 64 and abs(checked.issued_at - timezone.now()) < datetime.timedelta(minutes=1)
    assert tokens.check(tokens.issue(operator), operator).digest != checked.digest  # random each time


@pytest.mark.parametrize(
    "token, reason",
    [(None, "missing"), ("", "missing"), ("abc", "invalid"), ("x" * 500, "invalid")],
)
def test_a_missing_or_malformed_token_is_refused(operator, token, reason):
    with pytest.raises(tokens.Refused) as exc:
        tokens.check(token, operator)
    assert exc.value.reason == reason


def test_another_users_token_or_a_tampered_one_is_refused(operator, operator_b):
    token = tokens.issue(operator)
    with pytest.raises(tokens.Refused, match="invalid"):
        tokens.check(token, operator_b)
    with pytest.raises(tokens.Refused, match="invalid"):
        tokens.check(token[:-2] + ("AA" if not token.endswith("AA") else "BB"), operator)


def test_an_old_token_has_expired(operator, monkeypatch):
    token = tokens.issue(operator)
    later = tokens.time.time() + tokens.max_age_seconds() + 1
    monkeypatch.setattr(tokens.time, "time", lambda: later)
    with pytest.raises(tokens.Refused, match="expired"):
        tokens.check(token, operator)


def test_the_tag_renders_a_hidden_input_for_the_signed_in_user_only(operator):
    from django.contrib.auth.models import AnonymousUser

    template = engines["django"].from_string("<form>{% submission_token %}</form>")  # a builtin: no load
    html = template.render({}, request=_request(operator, method="get"))
    value = html.split('value="')[1].split('"')[0]
    assert 'type="hidden" name="submission_token"' in html
    assert tokens.check(value, operator)
    assert template.render({}, request=_request(AnonymousUser(), method="get")) == "<form></form>"


# the decorator


def test_a_get_passes_through_and_writes_nothing(operator):
    assert make_body(_request(operator, method="get")).content == b"form"
    assert not Submission.objects.exists()


@pytest.mark.parametrize(
    "token, words",
    [(None, "senza il suo codice"), ("forged", "non è valido"), ("expired", "è scaduto")],
)
def test_a_post_without_a_valid_token_is_refused_in_italian_and_saves_nothing(operator, monkeypatch, token, words):
    operator.language = "it"
    data = {"name": "Ente"}
    if token == "forged":
        data["submission_token"] = "eyJ1IjoxfQ:forged:sig"
    elif token == "expired":
        data["submission_token"] = tokens.issue(operator)
        later = tokens.time.time() + tokens.max_age_seconds() + 60
        monkeypatch.setattr(tokens.time, "time", lambda: later)
    with translation.override("it"):
        response = make_body(_request(operator, data))
        html = response.content.decode()
    assert response.status_code == 400
    assert "Non è stato salvato nulla" in html and words in html
    assert not PartnerBody.objects.filter(name="Ente").exists()
    assert not Submission.objects.exists()


def test_the_first_post_saves_and_keeps_its_result(operator):
    token = tokens.issue(operator)
    response = make_body(_request(operator, {"name": "Ente", "submission_token": token}))
    body = PartnerBody.objects.get(name="Ente")
    assert (response.status_code, response["Location"]) == (302, f"/partners/{body.pk}/")
    row = Submission.objects.get()
    assert row.user == operator and row.consumed_at is not None
    assert (row.redirect_url, row.content_type.model, row.object_id) == (
        f"/partners/{body.pk}/",
        "partnerbody",
        body.pk,
    )
    assert row.token_hash == tokens.check(token, operator).digest and token not in row.token_hash


def test_the_same_token_again_answers_with_the_first_result_already_recorded(operator):
    token = tokens.issue(operator)
    first = make_body(_request(operator, {"name": "Ente", "submission_token": token}))
    again = _request(operator, {"name": "Ente", "submission_token": token})
    with translation.override("it"):
        second = make_body(again)
        shown = _messages(again)
    assert PartnerBody.objects.filter(name="Ente").count() == 1
    assert (second.status_code, second["Location"]) == (302, first["Location"])
    assert shown == ["Già registrato: questo modulo era già stato inviato, non è stato salvato nulla due volte."]
    assert Submission.objects.count() == 1


def test_a_form_shown_again_with_errors_leaves_the_token_usable(operator):
    token = tokens.issue(operator)
    assert make_body(_request(operator, {"name": "", "submission_token": token})).status_code == 200
    assert not Submission.objects.exists()
    response = make_body(_request(operator, {"name": "Ente", "submission_token": token}))
    assert response.status_code == 302 and PartnerBody.objects.filter(name="Ente").count() == 1


def test_a_view_that_fails_undoes_its_writes_and_the_claim(operator):
    token = tokens.issue(operator)
    with pytest.raises(Http404):
        make_body(_request(operator, {"name": "boom", "submission_token": token}))
    assert not PartnerBody.objects.filter(name="half-saved").exists()
    assert not Submission.objects.exists()
    assert make_body(_request(operator, {"name": "Ente", "submission_token": token})).status_code == 302


def test_another_token_of_the_same_user_saves_again(operator):
    for name in ("Ente uno", "Ente due"):
        make_body(_request(operator, {"name": name, "submission_token": tokens.issue(operator)}))
    assert PartnerBody.objects.filter(name__startswith="Ente ").count() == 2


def test_the_view_is_marked_through_the_decorators_above_it():
    from referrals import views

    assert getattr(views.intake, "submitted_once", False) is True
    assert not getattr(views.edit, "submitted_once", False)


# expiry


def test_expired_rows_are_purged_and_recent_ones_kept(operator):
    now = timezone.now()
    old = Submission.objects.create(
        user=operator, token_hash="a" * 64, created_at=now - datetime.timedelta(seconds=tokens.max_age_seconds() + 60)
    )
    recent = Submission.objects.create(user=operator, token_hash="b" * 64, created_at=now)
    assert purge_expired_submissions.delay().get() is None or True  # eager in tests
    assert list(Submission.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not Submission.objects.filter(pk=old.pk).exists()
    assert purge_expired() == 0


def test_the_purge_runs_daily_through_celery_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["purge-expired-submissions"]
    assert entry["task"] == "ceis.submissions.tasks.purge_expired_submissions"
    assert entry["task"] == purge_expired_submissions.name


def test_tokens_outlive_any_session():
    assert tokens.max_age_seconds() > settings.SESSION_COOKIE_AGE
