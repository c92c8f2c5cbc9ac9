"""``security/report.md`` as ``make scan`` writes it, and the parts of the scan that need no scanner."""

from __future__ import annotations

from binascii import unhexlify

import requests
from django_otp.oath import TOTP

from security.findings import Finding
from security.judgements import judge, parse
from security.report import Phase, ScanRun, render
from security.scan import parameter_urls, totp_code, wapiti_cookies

JUDGEMENT = """
[[judgement]]
tool = "wapiti"
category = "Cross Site Request Forgery"
path = "/*"
status = "false positive"
reason = "Django's forms carry csrfmiddlewaretoken, which wapiti 3.0.4 does not know."
"""


def _run(findings: list[Finding]) -> ScanRun:
    judged, unused = judge(findings, parse(JUDGEMENT))
    return ScanRun(
        date="2026-12-06 00:30 UTC",
        versions={"wapiti (Debian package)": "3.0.4+dfsg-2", "sqlmap (Debian package)": "1.7.2-1"},
        target="http://127.0.0.1:8090",
        scope=["Roles: operator and coordinator."],
        phases=[Phase("operator", "wapiti", 201.4, 5120, 1, "crawl ≤ 40 s")],
        answers_5xx=1,
        error_lines=2,
        judged=judged,
        unused=unused,
        total_seconds=720,
    )


def test_the_report_gives_tools_scope_requests_and_judged_findings():
    csrf = Finding(
        "wapiti",
        "Cross Site Request Forgery",
        "POST",
        "/referrals/new/",
        info="Lack of anti CSRF token",
        roles={"operator", "coordinator"},
    )
    text = render(_run([csrf]))
    assert "PASS: no finding left open" in text
    assert "| wapiti (Debian package) | 3.0.4+dfsg-2 |" in text
    assert "- Roles: operator and coordinator." in text
    assert "| operator | wapiti | 5120 | 1 | 201 s | crawl ≤ 40 s |" in text
    assert "whole run: **1**" in text and "server's own log: **2**" in text
    assert "## Findings: 0 open, 1 judged" in text
    assert (
        "| wapiti | Cross Site Request Forgery | POST | `/referrals/new/` | — | coordinator, operator | "
        "Lack of anti CSRF token | false positive | "
        "Django's forms carry csrfmiddlewaretoken, which wapiti 3.0.4 does not know. |"
    ) in text


def test_an_open_finding_heads_the_report():
    server = Finding("server", "500 answer", "GET", "/caseload/statistics/", info="2 time(s)", roles={"coordinator"})
    text = render(_run([server]))
    assert "FAIL: 1 finding(s) open" in text
    assert "### Open" in text
    assert "| server | 500 answer | GET | `/caseload/statistics/` | — | coordinator | 2 time(s) |" in text
    assert "### Judgements that matched nothing this time" in text


def test_a_pipe_in_a_tools_text_does_not_break_the_table():
    odd = Finding("wapiti", "Cross Site Scripting", "GET", "/x/", "q", info="<script>|a\nb", roles={"operator"})
    assert "| <script>\\|a b |" in render(_run([odd]))


def test_the_code_is_the_one_an_authenticator_shows():
    key = "3132333435363738393031323334353637383930"
    for at in (59, 1111111109, 1234567890, 2000000000):
        ours, step = totp_code(key, at)
        theirs = TOTP(unhexlify(key), step=30, t0=0, digits=6)
        theirs.time = at
        assert (ours, step) == (f"{theirs.token():06d}", theirs.t())


def test_the_walk_takes_links_with_parameters_and_get_forms_but_never_logout():
    html = """
      <a href="/referrals/?page=2">next</a> <a href="/referrals/12/">one</a>
      <a href="https://elsewhere.example/?q=1">away</a> <a href="/accounts/two-factor/">2FA</a>
      <form method="get" action="/caseload/statistics/">
        <input type="date" name="from" value="2026-01-01"><input type="date" name="to">
        <select name="period"><option value="">all</option><option value="month">month</option></select>
        <button type="submit">Show</button>
      </form>
      <form method="post" action="/accounts/logout/"><input name="csrfmiddlewaretoken" value="t"></form>
      <form method="post" action="/referrals/search/"><input name="q"></form>
    """
    base = "http://127.0.0.1:8090"
    links, with_params = parameter_urls(html, f"{base}/referrals/", base)
    assert links == [f"{base}/referrals/?page=2", f"{base}/referrals/12/"]
    assert with_params[0] == f"{base}/referrals/?page=2"
    assert with_params[1].startswith(f"{base}/caseload/statistics/?from=2026-01-01&to=")
    assert with_params[1].endswith("&period=month")
    assert len(with_params) == 2


def test_wapiti_gets_the_sessions_cookies_in_its_own_file_format():
    session = requests.Session()
    session.cookies.set("sessionid", "abc", domain="127.0.0.1", path="/")
    session.cookies.set("csrftoken", "def", domain="127.0.0.1", path="/")
    jar = wapiti_cookies(session)
    assert jar == {
        "127.0.0.1": {
            "/": {
                "sessionid": {"value": "abc", "expires": None, "secure": False, "port": None, "version": 0},
                "csrftoken": {"value": "def", "expires": None, "secure": False, "port": None, "version": 0},
            }
        }
    }
