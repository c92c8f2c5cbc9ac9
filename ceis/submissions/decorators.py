"""``@submitted_once``: the view's POST saves once per rendered form (see the package's docstring)."""

from __future__ import annotations

import logging
from functools import wraps

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from ceis.submissions import tokens
from ceis.submissions.models import Submission

ALREADY_RECORDED = _("Already recorded: this form had already been sent, nothing was saved twice.")
REFUSED_MESSAGES = {
    tokens.Refused.MISSING: _("The form arrived without its one-time code, so nothing was saved."),
    tokens.Refused.INVALID: _("The form's one-time code is not valid for you, so nothing was saved."),
    tokens.Refused.EXPIRED: _("The form stayed open too long and its one-time code has expired: nothing was saved."),
}
logger = logging.getLogger("ceis.submissions")
MARK = "submitted_once"  # set on the view (and kept by functools.wraps on the decorators above it)


def created(request, obj) -> None:
    """Say which record this submission created: kept with the token beside the redirect."""
    request._submission_created = obj


def refused(request, reason: str):
    match = getattr(request, "resolver_match", None)
    logger.info("submission refused: %s token on %s", reason, match.view_name if match else "?")  # no data
    return render(request, "submissions/refused.html", {"message": REFUSED_MESSAGES[reason]}, status=400)


def _already(request, earlier: Submission):
    messages.info(request, ALREADY_RECORDED)
    return HttpResponseRedirect(earlier.redirect_url or "/")


def submitted_once(view):
    """Run the view's POST at most once per submission token; GET and others pass through."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method != "POST":
            return view(request, *args, **kwargs)
        try:
            checked = tokens.check(request.POST.get(tokens.FIELD), request.user)
        except tokens.Refused as exc:
            return refused(request, exc.reason)
        with transaction.atomic():
            claim = Submission.claim(user=request.user, token_hash=checked.digest, created_at=checked.issued_at)
            if claim is None:
                earlier = Submission.objects.filter(token_hash=checked.digest, consumed_at__isnull=False).first()
                if earlier is not None:
                    return _already(request, earlier)
                return refused(request, tokens.Refused.INVALID)  # only by a race with a submission that failed
            response = view(request, *args, **kwargs)
            if 300 <= response.status_code < 400 and response.has_header("Location"):
                claim.record(response["Location"], getattr(request, "_submission_created", None))
            else:
                claim.delete()  # shown again (errors) or refused: the token stays usable
        return response

    setattr(wrapper, MARK, True)
    return wrapper
