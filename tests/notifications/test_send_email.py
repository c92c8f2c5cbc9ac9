"""The e-mail task on its own: once per row, never personal data, in the recipient's language."""

from __future__ import annotations

import smtplib

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.urls import reverse
from django.utils import translation

from ceis.notifications import tasks
from ceis.notifications.models import Notification
from referrals import services
from tests import factories


@pytest.fixture
def assigned(coordinator, operator, sensitive_referral) -> Notification:
    """The notification of a real assignment (its e-mail not yet sent: on_commit does not run here)."""
    services.referral_assign(referral=sensitive_referral, operator=operator, by=coordinator)
    return Notification.objects.get(recipient=operator)


@pytest.fixture
def failing_backend(monkeypatch):
    def refuse(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", refuse)
    return monkeypatch


def test_it_sends_the_e_mail_and_marks_the_row(assigned, operator):
    assert tasks.send_email(assigned.pk) is True

    (message,) = mail.outbox
    assert message.to == [operator.email]
    assigned.refresh_from_db()
    assert assigned.emailed_at is not None
    assert assigned.email_attempts == 1


def test_calling_it_twice_sends_one_e_mail(assigned):
    assert tasks.send_email(assigned.pk) is True
    assert tasks.send_email(assigned.pk) is False

    assert len(mail.outbox) == 1
    assigned.refresh_from_db()
    assert assigned.email_attempts == 1


def test_it_carries_the_case_code_and_no_personal_data(assigned, sensitive_referral, assert_no_personal_data):
    tasks.send_email(assigned.pk)

    (message,) = mail.outbox
    code = sensitive_referral.person.case_code
    assert code in message.subject
    assert code in message.body
    assert "\n" not in message.subject
    assert_no_personal_data(message.subject, message.body, str(message.message()))


def test_it_links_to_the_record_on_the_site(assigned, sensitive_referral, settings):
    settings.SITE_URL = "https://ceis.example.org/"

    tasks.send_email(assigned.pk)

    detail = reverse("referrals:detail", args=[sensitive_referral.pk])
    assert f"https://ceis.example.org{detail}" in mail.outbox[0].body


def test_it_asks_for_no_auto_replies(assigned):
    tasks.send_email(assigned.pk)

    assert mail.outbox[0].extra_headers["Auto-Submitted"] == "auto-generated"


def test_it_skips_and_marks_a_recipient_without_an_address(notify, db):
    no_address = factories.OperatorFactory(email="")
    notification = notify(no_address)

    assert tasks.send_email(notification.pk) is False

    assert mail.outbox == []
    notification.refresh_from_db()
    assert notification.emailed_at is not None
    assert notification.email_attempts == 0
    assert tasks.send_pending_emails() == 0
    assert mail.outbox == []


def test_it_skips_and_marks_a_deactivated_recipient(notify, db):
    gone = factories.OperatorFactory(is_active=False)
    notification = notify(gone)

    assert tasks.send_email(notification.pk) is False

    assert mail.outbox == []
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_a_failing_mail_server_leaves_the_row_for_the_periodic_resend(assigned, failing_backend):
    assert tasks.send_email(assigned.pk) is False

    assigned.refresh_from_db()
    assert assigned.emailed_at is None
    assert assigned.email_attempts == 1

    failing_backend.undo()  # the mail server is back
    assert tasks.send_pending_emails() == 1

    assert len(mail.outbox) == 1
    assigned.refresh_from_db()
    assert assigned.emailed_at is not None
    assert assigned.email_attempts == 2


def test_an_unknown_id_sends_nothing(db):
    assert tasks.send_email(999999) is False
    assert mail.outbox == []


def test_it_writes_in_english_to_an_english_speaker(notify, db):
    notification = notify(factories.OperatorFactory(language="en"), label="LU-2026-0042")

    tasks.send_email(notification.pk)

    (message,) = mail.outbox
    assert message.subject == "[ceis] A referral has been assigned to you: LU-2026-0042"
    assert message.extra_headers["Content-Language"] == "en"


@pytest.mark.parametrize(("language", "expected"), [("en", "en"), ("it", "it"), ("", "it")])
def test_it_renders_in_the_recipients_language(notify, db, monkeypatch, language, expected):
    """Whatever the worker's own language; Italian when the user has none (until the catalogue, the
    Italian text is the English source, so the active language is what is observed)."""
    rendered_in = []
    real_render = tasks.render_to_string

    def spy(template_name, context):
        rendered_in.append(translation.get_language())
        return real_render(template_name, context)

    monkeypatch.setattr(tasks, "render_to_string", spy)
    notification = notify(factories.OperatorFactory(language=language))

    with translation.override("en" if expected == "it" else "it"):
        tasks.send_email(notification.pk)
        active_after = translation.get_language()

    assert rendered_in == [expected, expected]  # subject and body
    assert mail.outbox[0].extra_headers["Content-Language"] == expected
    assert active_after == ("en" if expected == "it" else "it"), "the worker's language is restored"
