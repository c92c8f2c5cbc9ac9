"""A finding no reviewed judgement matches is open, and an open finding fails ``make scan``."""

from __future__ import annotations

import pytest

from security.findings import Finding
from security.judgements import BadJudgement, exit_status, judge, load, parse

CSRF = """
[[judgement]]
tool = "wapiti"
category = "Cross Site Request Forgery"
path = "/*"
method = "POST"
info = "Lack of anti CSRF token"
status = "false positive"
reason = "Django's form carries csrfmiddlewaretoken, a name wapiti 3.0.4 does not know."
"""


def _csrf(path: str = "/referrals/new/") -> Finding:
    return Finding("wapiti", "Cross Site Request Forgery", "POST", path, info="Lack of anti CSRF token")


def test_a_judged_finding_is_not_open():
    judged, unused = judge([_csrf()], parse(CSRF))
    assert [j.status for j in judged] == ["false positive"]
    assert unused == []
    assert exit_status(judged, []) == 0


def test_an_unjudged_finding_is_open_and_fails_the_scan():
    sql = Finding("sqlmap", "SQL injection", "GET", "/referrals/", "q", "place GET, techniques B")
    judged, _ = judge([_csrf(), sql], parse(CSRF))
    assert [(j.finding.tool, j.status) for j in judged] == [("wapiti", "false positive"), ("sqlmap", "open")]
    assert exit_status(judged, []) == 1


def test_a_judgement_matches_only_what_it_names():
    [judgement] = parse(CSRF)
    assert judgement.matches(_csrf("/groups/12/edit/"))
    assert not judgement.matches(Finding("wapiti", "Cross Site Request Forgery", "GET", "/referrals/"))
    other_text = Finding("wapiti", "Cross Site Request Forgery", "POST", "/referrals/new/", info="CSRF token 'x'")
    assert not judgement.matches(other_text)  # "token not checked" is another finding, never covered by this one
    assert not judgement.matches(Finding("sqlmap", "Cross Site Request Forgery", "POST", "/referrals/new/"))


def test_a_judgement_that_matched_nothing_is_reported_as_unused():
    judged, unused = judge([], parse(CSRF))
    assert judged == [] and [j.category for j in unused] == ["Cross Site Request Forgery"]


def test_a_scanner_without_result_fails_the_scan_even_with_nothing_open():
    assert exit_status([], ["wapiti as operator"]) == 1
    assert exit_status([], []) == 0


@pytest.mark.parametrize(
    "text",
    [
        CSRF.replace('reason = "Django', 'reason = " "\n# "'),  # blank reason
        CSRF.replace('status = "false positive"', 'status = "fine"'),
        CSRF.replace('path = "/*"\n', ""),
        CSRF + 'severity = "low"\n',
    ],
)
def test_a_judgement_without_reason_or_with_an_unknown_field_is_refused(text):
    with pytest.raises(BadJudgement):
        parse(text)


def test_the_reviewed_judgements_file_reads():
    judgements = load()
    assert all(j.reason.strip() and j.status in {"false positive", "accepted"} for j in judgements)
