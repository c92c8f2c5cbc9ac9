"""CWE-117: nothing a client sends can write a line of its own into the log, and tampered posts log one line."""

from __future__ import annotations

import io
import logging
from contextlib import contextmanager

import pytest
from django.test import Client
from django.urls import reverse

from ceis.logs import EscapeControlCharacters, escape
from tests.otp_helpers import STEP_FIELD


@contextmanager
def console_output():
    """What the project's configured console handler writes, while the block runs."""
    handler = next(
        h for h in logging.getLogger().handlers if any(isinstance(f, EscapeControlCharacters) for f in h.filters)
    )
    stream = io.StringIO()
    previous = handler.setStream(stream)
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        handler.setStream(previous)
        root.setLevel(level)


def test_it_escapes_control_characters():
    assert escape("a\r\nb\tc\x00d\x1b[31m\u2028") == "a\\r\\nb\\tc\\x00d\\x1b[31m\\u2028"


def test_a_newline_in_an_argument_stays_on_one_line():
    with console_output() as out:
        logging.getLogger("two_factor.views.utils").warning("Requested step '%s' is no longer valid", "auth\nFORGED")
    assert out.getvalue().count("\n") == 1
    assert "auth\\nFORGED" in out.getvalue()


def test_a_newline_in_the_message_itself_stays_on_one_line():
    with console_output() as out:
        logging.getLogger("ceis").warning("first\r\nINFO forged line")
    assert out.getvalue().splitlines() == ["first\\r\\nINFO forged line"]


@pytest.mark.django_db
def test_a_tampered_login_step_writes_no_forged_line_and_no_traceback(operator):
    client = Client()
    with console_output() as out:
        for step in ["auth\nINFO admin logged in", "token\r\nforged", ""]:
            response = client.post(reverse("login"), {STEP_FIELD: step, "username": "op_a", "password": "x"})
            assert response.status_code < 500
        client.post(reverse("login"), {"username": "op_a"}, HTTP_HOST="evil.example\nforged")
    text = out.getvalue()
    assert "Traceback" not in text
    assert "\nINFO admin logged in" not in text
    assert "\nforged" not in text
    for line in text.splitlines():
        assert not line.startswith(("INFO admin", "forged"))


def test_a_suspicious_operation_is_one_warning_line():
    from django.core.exceptions import SuspiciousOperation

    try:
        raise SuspiciousOperation("ManagementForm data is missing or has been tampered")
    except SuspiciousOperation as exc:
        with console_output() as out:
            logging.getLogger("django.security.SuspiciousOperation").error(str(exc), exc_info=exc)
    assert out.getvalue().splitlines() == ["ManagementForm data is missing or has been tampered"]
