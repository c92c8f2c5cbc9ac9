"""One operator's card on the caseload dashboard, written in Python.

A page holds 25 cards of about a hundred values each; through the template engine each card cost ~2.5 ms
(a variable node, an escape and a lazy check per value), more than all of its SQL, and ~1 ms through
``format_html``. Here the text every card repeats is translated and escaped once per language, each string of
the card's own goes through ``escape`` and each count is formatted as an integer (bench/README.md).
"""

from __future__ import annotations

import functools
import hashlib
import html
import logging

from django import template
from django.core.cache import cache
from django.urls import reverse
from django.utils.html import conditional_escape, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, gettext_noop, ngettext

from caseload.selectors import OperatorCaseload, Overdue

register = template.Library()
logger = logging.getLogger(__name__)


def escape(value) -> str:
    """``html.escape`` of the text (labels may be lazy): the same entities as Django's ``escape``, without
    its lazy-aware wrapper, which cost more than the rest of a card."""
    return html.escape(str(value))


def _cells(values, tag: str = "td") -> str:
    return "".join(f"<{tag}>{int(v)}</{tag}>" for v in values)  # counts: integers, nothing to escape


@functools.lru_cache(maxsize=8)
def _chrome(language: str | None, urgencies: tuple[str, ...], phases: tuple[str, ...]) -> dict[str, str]:
    """What every card repeats (headings, column headers, captions), escaped once per language."""
    return {
        "urgencies": format_html_join("", '<th scope="col">{}</th>', ((u,) for u in urgencies)),
        "phases": format_html_join("", '<th scope="col">{}</th>', ((p,) for p in phases)),
        "kinds": {kind: escape(label) for kind, label in Overdue.LABELS.items()},
        **{
            key: conditional_escape(gettext(text))
            for key, text in (
                ("t_all", gettext_noop("All open records")),
                ("t_open", gettext_noop("Open referrals")),
                ("t_interviews", gettext_noop("Interviews held this month")),
                ("t_sessions", gettext_noop("Group sessions this month")),
                ("t_pathways", gettext_noop("Active pathways")),
                ("t_by_status", gettext_noop("Open referrals by status and urgency")),
                ("t_status", gettext_noop("Status")),
                ("t_by_phase", gettext_noop("Active pathways by phase")),
                ("t_overdue", gettext_noop("Overdue")),
                ("t_nothing", gettext_noop("Nothing overdue.")),
            )
        },
    }


CACHE_SECONDS = 24 * 3600


def _name_key(user) -> str:
    """The card shows her name: a renamed operator gets a new card (a digest keeps the key ASCII)."""
    return hashlib.sha256(f"{user.username}\n{user.get_full_name()}".encode()).hexdigest()[:16]


def _cache_read(keys: list[str]) -> dict[str, str]:
    """The cards stored in the shared cache; none when it does not answer (they are built again instead)."""
    try:
        return cache.get_many(keys)
    except Exception:  # noqa: BLE001 - a cache server down or unreachable: slower, never an error page
        logger.warning("Cache unavailable: caseload cards built in the request")
        return {}


def _cache_write(cards: dict[str, str]) -> None:
    try:
        cache.set_many(cards, CACHE_SECONDS)
    except Exception:  # noqa: BLE001 - as above
        logger.warning("Cache unavailable: caseload cards not stored")


@register.simple_tag
def operator_cards(caseloads: list[OperatorCaseload], urgencies: list[str], phases: list[str]) -> str:
    """The page's cards. A card of stored figures is written once per version of them (``stored_as``) and
    language, then read from the cache: one ``get_many`` for the page (the cards of figures counted in
    this request are written afresh)."""
    language = get_language()
    keys = {
        c.operator.pk: f"caseload-card:{c.operator.pk}:{c.stored_as}:{language}:{_name_key(c.operator)}"
        for c in caseloads
        if c.stored_as
    }
    cached = _cache_read(list(keys.values())) if keys else {}
    cards, new = [], {}
    for c in caseloads:
        key = keys.get(c.operator.pk)
        card = cached.get(key) if key else None
        if card is None:
            card = operator_card(c, urgencies, phases)
            if key:
                new[key] = str(card)
        cards.append(card)
    if new:
        _cache_write(new)
    return mark_safe("\n".join(cards))  # noqa: S308 - each card is built by operator_card, escaped there


def operator_card(caseload: OperatorCaseload, urgencies: list[str], phases: list[str]) -> str:
    # Every dynamic string goes through escape(); counts and ids are integers. Through format_html each
    # of a card's ~100 values paid a lazy-aware escape: 25 cards cost more than the page's SQL.
    language = get_language()
    chrome = _chrome(language, tuple(str(u) for u in urgencies), tuple(str(p) for p in phases))
    labels = chrome["kinds"]
    pk = int(caseload.operator.pk)
    url = escape(reverse("caseload:operator", args=[pk]))
    status_rows = "\n".join(
        f'<tr><th scope="row">{escape(label)}</th>{_cells(counts)}</tr>' for label, counts in caseload.referral_rows()
    )
    if caseload.overdue:
        counts = " · ".join(f"{escape(label)}: <strong>{int(n)}</strong>" for label, n in caseload.overdue_counts())
        items = "\n".join(
            f'<li class="form-check"><input class="form-check-input" type="checkbox" name="{escape(item.model)}s" '
            f'value="{int(item.pk)}" id="{pick}"><label class="form-check-label" for="{pick}">'
            f'<span class="font-monospace">{escape(item.case_code)}</span> · {labels[item.kind]}</label></li>'
            for item in caseload.overdue_first()
            for pick in (escape(f"pick-{pk}-{item.kind}-{int(item.pk)}"),)
        )
        more = caseload.overdue_more()
        more = (
            f'<p class="mb-0"><a href="{url}">'
            + escape(
                ngettext(
                    "and %(n)s more overdue record: see all open records",
                    "and %(n)s more overdue records: see all open records",
                    more,
                )
                % {"n": more}
            )
            + "</a></p>"
            if more
            else ""
        )
        overdue = f'<p class="mb-1">{counts}</p>\n<ul class="list-unstyled mb-0">\n{items}\n</ul>\n{more}'
    else:
        overdue = f'<p class="text-body-secondary mb-0">{chrome["t_nothing"]}</p>'
    c = chrome
    return mark_safe(  # noqa: S308 - every value above is escaped or an integer
        f"""<section class="card mb-3" id="operator-{pk}" aria-labelledby="operator-{pk}-title">
<div class="card-body">
<div class="d-flex flex-wrap justify-content-between align-items-center gap-2">
<h2 class="h5" id="operator-{pk}-title">{escape(caseload.operator.get_full_name() or caseload.operator.username)}</h2>
<a class="btn btn-link btn-sm" href="{url}">{c["t_all"]}</a>
</div>
<p class="mb-2">{c["t_open"]}: <strong>{int(caseload.open_referrals)}</strong> · \
{c["t_interviews"]}: <strong>{int(caseload.interviews_this_month)}</strong> · \
{c["t_sessions"]}: <strong>{int(caseload.sessions_this_month)}</strong> · \
{c["t_pathways"]}: <strong>{int(caseload.active_pathways)}</strong></p>
<div class="row g-3">
<div class="col-lg-6"><table class="table table-sm">
<caption>{c["t_by_status"]}</caption>
<thead><tr><th scope="col">{c["t_status"]}</th>{c["urgencies"]}</tr></thead>
<tbody>
{status_rows}
</tbody>
</table></div>
<div class="col-lg-6"><table class="table table-sm">
<caption>{c["t_by_phase"]}</caption>
<thead><tr>{c["phases"]}</tr></thead>
<tbody><tr>{_cells(caseload.pathway_cells())}</tr></tbody>
</table></div>
</div>
<h3 class="h6">{c["t_overdue"]}</h3>
{overdue}
</div>
</section>"""
    )
