"""The rows of the pathway lists, written in Python.

Through the template engine each row cost ~900 function calls (a variable node, a lazy-aware escape and a
localisation check per value, ``get_FOO_display`` hashing every lazy label): the 25 rows took more time than
the page's SQL. Here the labels are translated once per page, each string goes through ``html.escape`` once
(same markup as the template had).
"""

from __future__ import annotations

import html

from crispy_forms.utils import render_crispy_form
from django import template
from django.template.backends.utils import csrf_input
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.safestring import SafeData, mark_safe
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext, pgettext

from protection.models import ProtectionPathway

register = template.Library()

DASH = '<span class="text-body-secondary">—</span>'


def escape(value) -> str:
    return html.escape(str(value))


def _date(day) -> str:
    return escape(date_format(day, "SHORT_DATE_FORMAT"))


def _badge(label: str) -> str:
    return f'<span class="badge text-bg-warning">{label}</span>'


@register.simple_tag
def pathway_rows(pathways, assignees: dict[int, list[str]]) -> str:
    """``pathways`` from ``selectors.pathways_for``, ``assignees`` from ``selectors.assignee_names``."""
    bases = {code: escape(label) for code, label in ProtectionPathway.LegalBasis.choices}
    phases = {code: escape(label) for code, label in ProtectionPathway.Phase.choices}
    closed = f'<span class="badge text-bg-secondary">{escape(pgettext("pathway", "closed"))}</span>'
    permit, goal, diary = (_badge(escape(gettext(word))) for word in ("permit", "goal", "diary"))
    goal_due = f"<div>{goal} {escape(gettext('past its target date'))}</div>"
    rows = []
    for p in pathways:
        phase = f"{closed} {_date(p.ended_on)}" if p.ended_on else phases.get(p.phase) or escape(p.phase)
        names = ", ".join(escape(name) for name in assignees.get(p.pk, [])) or DASH
        due = []
        if p.due_permit:
            expiry = gettext("expires on %(date)s") % {"date": date_format(p.next_permit_expiry, "SHORT_DATE_FORMAT")}
            due.append(f"<div>{permit} {escape(expiry)}</div>")
        if p.due_goal:
            due.append(goal_due)
        if p.due_diary:
            if p.last_diary_on:
                last = gettext("last entry %(date)s") % {"date": date_format(p.last_diary_on, "SHORT_DATE_FORMAT")}
            else:
                last = gettext("no entry yet")
            due.append(f"<div>{diary} {escape(last)}</div>")
        rows.append(
            "<tr>\n"
            f'<td class="text-nowrap"><a class="case-code" href="{escape(reverse("protection:detail", args=[p.pk]))}">'
            f"{escape(p.person.case_code)}</a></td>\n"
            f"<td>{_date(p.started_on)}</td>\n"
            f"<td>{bases.get(p.legal_basis) or escape(p.legal_basis)}</td>\n"
            f"<td>{phase}</td>\n"
            f"<td>{names}</td>\n"
            f'<td class="small">\n{"".join(due) or DASH}\n</td>\n'
            "</tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every value above is escaped


def _text(value) -> str:
    """What ``{{ value }}`` writes: safe strings as they are, everything else escaped."""
    return str(value) if isinstance(value, SafeData) else html.escape(str(value))


@register.simple_tag(takes_context=True)
def timeline_rows(context, items) -> str:
    """The rows of the pathway's timeline (``selectors.timeline``), same markup as the template had: a
    pathway with years of diary entries has hundreds of rows, and each cost ~40 template nodes."""
    secret = escape(gettext("Secret address"))
    review, approve, edit = (escape(gettext(word)) for word in ("Add a review", "Approve", "Edit"))
    csrf = ""
    rows = []
    for item in items:
        label = _text(item.kind_label)
        day = _date(item.date)
        hidden = f'<span class="visually-hidden"> {label} {day}</span>'
        extra = ""
        if item.secret_address:
            extra = (
                f'<div class="small mt-1 secret-address"><span class="fw-semibold">{secret}:</span> '
                f'<span class="encrypted-text">{_text(item.secret_address)}</span></div>'
            )
        links = []
        if item.review_url:
            links.append(
                f'<a class="btn btn-sm btn-outline-primary goal-review-link" href="{escape(item.review_url)}">'
                f"{review}{hidden}</a>"
            )
        if item.approve_url:
            if not csrf:
                csrf = csrf_input(context["request"])  # what {% csrf_token %} writes
            links.append(
                f'<form method="post" action="{escape(item.approve_url)}" class="goal-approve-form">{csrf}'
                f'<button class="btn btn-sm btn-outline-success goal-approve" type="submit">{approve}{hidden}'
                "</button></form>"
            )
        if item.edit_url:
            links.append(
                f'<a class="btn btn-sm btn-outline-secondary" href="{escape(item.edit_url)}">{edit}{hidden}</a>'
            )
        links = "\n".join(links)
        rows.append(
            f'<li class="list-group-item px-0 timeline-{_text(item.kind)}">\n'
            '<div class="d-flex justify-content-between align-items-start gap-2">\n<div>\n'
            f'<time class="fw-semibold me-2" datetime="{item.date.isoformat()}">{day}</time>\n'
            f'<span class="badge text-bg-light">{_text(capfirst(item.kind_label))}</span>\n'
            f'<span class="encrypted-text">{_text(item.summary)}</span>\n{extra}\n</div>\n'
            f'<div class="d-flex gap-1 flex-shrink-0">\n{links}\n</div>\n</div>\n</li>'
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every value above is escaped


# The phase form of the page, unbound, as crispy renders it: it depends only on the language, the phase
# proposed and the date, and crispy took longer than the rest of the page's right column to write it.
_PHASE_FORMS: dict[tuple, str] = {}


@register.simple_tag
def phase_form_fields(form) -> str:
    """``{% crispy form %}`` for the unbound ``PhaseForm`` of the pathway page, written once per process and key."""
    if form.is_bound:
        return mark_safe(render_crispy_form(form))  # noqa: S308 - crispy's own output
    key = (get_language(), form["phase"].initial, form["changed_on"].initial)
    markup = _PHASE_FORMS.get(key)
    if markup is None:
        if len(_PHASE_FORMS) > 64:  # a new day: yesterday's forms are no use
            _PHASE_FORMS.clear()
        markup = _PHASE_FORMS[key] = render_crispy_form(form)
    return mark_safe(markup)  # noqa: S308 - crispy's own output
