"""``make scan`` reads what wapiti, sqlmap and the server log say into findings (no scanner needed here)."""

from __future__ import annotations

from security.findings import (
    Finding,
    merge,
    parse_access_log,
    parse_sqlmap_log,
    parse_sqlmap_results,
    parse_wapiti,
    server_errors,
)

# The shape of wapiti 3.0.4's JSON report (wapitiCore/report/jsonreportgenerator.py), trimmed.
WAPITI_REPORT = {
    "classifications": {"Cross Site Request Forgery": {"desc": "...", "sol": "...", "ref": {}}},
    "vulnerabilities": {
        "Cross Site Request Forgery": [
            {
                "method": "POST",
                "path": "/referrals/new/",
                "info": "Lack of anti CSRF token",
                "level": 2,
                "parameter": "",
                "http_request": "POST /referrals/new/ HTTP/1.1\ncsrfmiddlewaretoken=AbC123&channel=phone",
                "curl_command": "curl ...",
            }
        ],
        "SQL Injection": [],
    },
    "anomalies": {
        "Internal Server Error": [
            {
                "method": "GET",
                "path": "/caseload/statistics/",
                "info": "The server responded with a 500 HTTP error code while attempting to inject a payload "
                "in the parameter to csrfmiddlewaretoken=AbC123",
                "level": 3,
                "parameter": "to",
            }
        ]
    },
    "additionals": {},
    "infos": {"target": "http://127.0.0.1:8090/", "version": "Wapiti 3.0.4", "scope": "folder"},
}


def test_it_reads_wapitis_vulnerabilities_and_anomalies():
    found = parse_wapiti(WAPITI_REPORT, "operator")
    assert [(f.tool, f.category, f.method, f.path, f.parameter) for f in found] == [
        ("wapiti", "Cross Site Request Forgery", "POST", "/referrals/new/", ""),
        ("wapiti", "Internal Server Error", "GET", "/caseload/statistics/", "to"),
    ]
    assert found[0].info == "Lack of anti CSRF token"
    assert all(f.roles == {"operator"} for f in found)


def test_it_keeps_no_token_value_in_a_findings_text():
    anomaly = parse_wapiti(WAPITI_REPORT, "operator")[1]
    assert "AbC123" not in anomaly.info
    assert "csrfmiddlewaretoken=…" in anomaly.info


def test_it_reads_an_empty_or_partial_wapiti_report():
    assert parse_wapiti({"vulnerabilities": {"SQL Injection": []}}, "coordinator") == []
    assert parse_wapiti({}, "coordinator") == []


SQLMAP_CSV = (
    "Target URL,Place,Parameter,Technique(s),Note(s)\r\n"
    "http://127.0.0.1:8090/groups/reach/?from=2026-01-01&to=2026-12-31,GET,from,B,false positive or unexploitable\r\n"
    "http://127.0.0.1:8090/referrals/?q=1,GET,q,BT,\r\n"
)


def test_it_reads_sqlmaps_results_file():
    found = parse_sqlmap_results(SQLMAP_CSV, "coordinator")
    assert [(f.tool, f.category, f.method, f.path, f.parameter) for f in found] == [
        ("sqlmap", "SQL injection", "GET", "/groups/reach/", "from"),
        ("sqlmap", "SQL injection", "GET", "/referrals/", "q"),
    ]
    assert found[0].info == "place GET, techniques B; false positive or unexploitable"
    assert found[1].info == "place GET, techniques BT"


def test_a_results_file_with_only_its_header_is_no_finding():
    assert parse_sqlmap_results("Target URL,Place,Parameter,Technique(s),Note(s)\n", "operator") == []


def test_it_reads_the_injection_points_sqlmap_prints():
    output = (
        "sqlmap identified the following injection point(s) with a total of 46 HTTP(s) requests:\n"
        "---\n"
        "Parameter: q (GET)\n"
        "    Type: boolean-based blind\n"
        "---\n"
    )
    [finding] = parse_sqlmap_log(output, "operator", "/referrals/")
    assert (finding.path, finding.parameter, finding.method) == ("/referrals/", "q", "GET")
    assert parse_sqlmap_log("all tested parameters do not appear to be injectable", "operator", "/") == []


ACCESS_LOG = "\n".join(
    [
        "200\tGET\t/referrals/\tceis-scan wapiti operator",
        "500\tGET\t/caseload/statistics/\tceis-scan sqlmap coordinator",
        "500\tGET\t/caseload/statistics/\tceis-scan wapiti coordinator",
        "502\tPOST\t/referrals/new/\tceis-scan wapiti operator",
        "[2026-12-05 23:46:38 +0000] [21636] [INFO] Starting gunicorn",  # not an access line
        "404\tGET\t/nope/\tceis-scan walk operator",
    ]
)


def test_every_answer_from_500_up_is_a_server_finding():
    accesses = parse_access_log(ACCESS_LOG)
    assert len(accesses) == 5
    roles = {f"ceis-scan {tool} {role}": role for role in ("operator", "coordinator") for tool in ("wapiti", "sqlmap")}
    found = server_errors(accesses, roles)
    assert [(f.category, f.method, f.path, f.count, f.roles) for f in found] == [
        ("500 answer", "GET", "/caseload/statistics/", 2, {"coordinator"}),
        ("502 answer", "POST", "/referrals/new/", 1, {"operator"}),
    ]


def test_the_same_finding_seen_by_two_roles_is_one():
    as_operator = Finding("wapiti", "Cross Site Request Forgery", "POST", "/referrals/new/", roles={"operator"})
    as_coordinator = Finding("wapiti", "Cross Site Request Forgery", "POST", "/referrals/new/", roles={"coordinator"})
    other = Finding("wapiti", "Cross Site Request Forgery", "POST", "/groups/new/", roles={"operator"})
    merged = merge([as_operator, as_coordinator, other])
    assert [(f.path, f.roles, f.count) for f in merged] == [
        ("/groups/new/", {"operator"}, 1),
        ("/referrals/new/", {"coordinator", "operator"}, 2),
    ]
    assert as_operator.roles == {"operator"}  # the sightings themselves are left as they were
