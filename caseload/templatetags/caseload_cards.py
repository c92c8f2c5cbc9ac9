"""One operator's card on the caseload dashboard, written in Python.

A page holds 25 cards of about a hundred values each; through the template engine each card cost ~2.5 ms
(a variable node, an escape and a lazy check per value), more than all of its SQL. ``format_html`` writes the
same markup, escaped the same way, in a fraction of that (bench/README.md).
"""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from caseload.selectors import OperatorCaseload

register = template.Library()


def _cells(values, tag: str = "td") -> str:
    return format_html_join("", f"<{tag}>{{}}</{tag}>", ((v,) for v in values))


@register.simple_tag
def operator_card(caseload: OperatorCaseload, urgencies: list[str], phases: list[str]) -> str:
    pk = caseload.operator.pk
    url = reverse("caseload:operator", args=[pk])
    status_rows = format_html_join(
        "\n",
        '<tr><th scope="row">{}</th>{}</tr>',
        ((label, _cells(counts)) for label, counts in caseload.referral_rows()),
    )
    if caseload.overdue:
        counts = mark_safe(
            " · ".join(format_html("{}: <strong>{}</strong>", label, n) for label, n in caseload.overdue_counts())
        )
        items = format_html_join(
            "\n",
            '<li class="form-check"><input class="form-check-input" type="checkbox" name="{}s" value="{}" id="{}">'
            '<label class="form-check-label" for="{}"><span class="font-monospace">{}</span> · {}</label></li>',
            (
                (item.model, item.pk, pick, pick, item.case_code, item.label)
                for item in caseload.overdue_first()
                for pick in (f"pick-{pk}-{item.kind}-{item.pk}",)
            ),
        )
        more = caseload.overdue_more()
        more = (
            format_html(
                '<p class="mb-0"><a href="{}">{}</a></p>',
                url,
                ngettext(
                    "and %(n)s more overdue record: see all open records",
                    "and %(n)s more overdue records: see all open records",
                    more,
                )
                % {"n": more},
            )
            if more
            else ""
        )
        overdue = format_html(
            '<p class="mb-1">{}</p>\n<ul class="list-unstyled mb-0">\n{}\n</ul>\n{}', counts, items, more
        )
    else:
        overdue = format_html('<p class="text-body-secondary mb-0">{}</p>', gettext("Nothing overdue."))
    return format_html(
        """<section class="card mb-3" id="operator-{pk}" aria-labelledby="operator-{pk}-title">
<div class="card-body">
<div class="d-flex flex-wrap justify-content-between align-items-center gap-2">
<h2 class="h5" id="operator-{pk}-title">{username}</h2>
<a class="btn btn-link btn-sm" href="{url}">{t_all}</a>
</div>
<p class="mb-2">{t_open}: <strong>{open}</strong> · {t_interviews}: <strong>{interviews}</strong> · \
{t_sessions}: <strong>{sessions}</strong> · {t_pathways}: <strong>{pathways}</strong></p>
<div class="row g-3">
<div class="col-lg-6"><table class="table table-sm">
<caption>{t_by_status}</caption>
<thead><tr><th scope="col">{t_status}</th>{urgencies}</tr></thead>
<tbody>
{status_rows}
</tbody>
</table></div>
<div class="col-lg-6"><table class="table table-sm">
<caption>{t_by_phase}</caption>
<thead><tr>{phases}</tr></thead>
<tbody><tr>{phase_cells}</tr></tbody>
</table></div>
</div>
<h3 class="h6">{t_overdue}</h3>
{overdue}
</div>
</section>""",
        pk=pk,
        username=caseload.operator.username,
        url=url,
        open=caseload.open_referrals,
        interviews=caseload.interviews_this_month,
        sessions=caseload.sessions_this_month,
        pathways=caseload.active_pathways,
        urgencies=format_html_join("", '<th scope="col">{}</th>', ((u,) for u in urgencies)),
        phases=format_html_join("", '<th scope="col">{}</th>', ((p,) for p in phases)),
        status_rows=status_rows,
        phase_cells=_cells(caseload.pathway_cells()),
        overdue=overdue,
        t_all=gettext("All open records"),
        t_open=gettext("Open referrals"),
        t_interviews=gettext("Interviews held this month"),
        t_sessions=gettext("Group sessions this month"),
        t_pathways=gettext("Active pathways"),
        t_by_status=gettext("Open referrals by status and urgency"),
        t_status=gettext("Status"),
        t_by_phase=gettext("Active pathways by phase"),
        t_overdue=gettext("Overdue"),
    )
