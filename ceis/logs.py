"""One logging filter for the whole project: no forged lines, no tracebacks for tampered requests.

Every record that reaches a handler has CR, LF and the other control characters of its message and arguments
escaped (CWE-117: a value holding a newline can no longer write a line of its own into the log), and a
``SuspiciousOperation`` (a tampered form, a bad host, a forged signature) is logged as one warning line, without
the traceback Django attaches: a scanner's hundred tampered posts leave a hundred lines, not ten thousand.
"""

from __future__ import annotations

import logging
import re

from django.core.exceptions import SuspiciousOperation

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _escape_char(match: re.Match) -> str:
    char = match.group()
    return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(
        char, f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"
    )


def escape(value: str) -> str:
    """``value`` with every control character written as an escape sequence."""
    return _CONTROL.sub(_escape_char, value)


def _clean(arg):
    if isinstance(arg, (int, float, bool)) or arg is None:
        return arg
    return escape(str(arg))


def _is_suspicious(record: logging.LogRecord) -> bool:
    if record.name.startswith("django.security."):
        return True
    exc = record.exc_info[1] if record.exc_info else None
    return isinstance(exc, SuspiciousOperation)


class EscapeControlCharacters(logging.Filter):
    """Attached to every handler (``LOGGING`` in settings): filters propagated records too."""

    def filter(self, record: logging.LogRecord) -> bool:
        if _is_suspicious(record):
            record.exc_info = None
            record.exc_text = None
            record.stack_info = None
            record.levelno = logging.WARNING
            record.levelname = logging.getLevelName(logging.WARNING)
        if isinstance(record.msg, str):
            record.msg = escape(record.msg)
        else:
            record.msg = escape(str(record.msg))
        if isinstance(record.args, dict):
            record.args = {key: _clean(value) for key, value in record.args.items()}
        elif record.args:
            record.args = tuple(_clean(arg) for arg in record.args)
        return True
