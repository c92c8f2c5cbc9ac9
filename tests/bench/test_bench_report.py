"""bench/run.py's verdicts and report: query counts decide, the HTTP figures and the machine's load are printed."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _module(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _page(title, median, queries):
    return {"title": title, "median_ms": median, "p95_ms": median * 1.2, "queries": queries, "queries_seen": [queries],
            "sql_median_ms": 5.0, "slowest_query_ms": 3.0, "slowest_query": "SELECT 1"}  # fmt: skip


def _run(persons, pages, http=None):
    return {"persons": persons, "database": f"ceis_bench_{persons}", "database_size": "1 MB", "postgresql": "15",
            "migrate_s": 1, "seed_s": 1, "pages": pages, "load_average": {"before": [0.5, 0.4, 0.3],
            "after": [0.6, 0.5, 0.4]}, "over_http": http}  # fmt: skip


HTTP = {
    "server": {"workers": 2, "threads": 4, "worker_class": "gthread", "bind": "127.0.0.1:8301"},
    "levels": [
        {"users": 50, "seconds": 60.0, "think_time_s": [1, 3], "requests": 900, "requests_per_s": 15.0, "errors": 0,
         "load_average_before": [1.0, 1.0, 1.0], "load_average_after": [2.0, 1.5, 1.0],
         "pages": {"login (post)": {"requests": 50, "median_ms": 120.0, "p95_ms": 900.0, "max_ms": 1000.0,
                                    "errors": 0, "error_kinds": []},
                   "/referrals/ (mine)": {"requests": 300, "median_ms": 40.0, "p95_ms": 350.0, "max_ms": 500.0,
                                          "errors": 0, "error_kinds": []}}},
    ],
}  # fmt: skip


def test_a_query_count_over_the_limit_fails_and_the_report_says_why():
    run = _module("run")
    small = _run(1000, {"detail": _page("Referral detail", 30.0, 14)})
    large = _run(100000, {"detail": _page("Referral detail", 31.0, 16)})
    summary, rows = run.verdicts(small, large)
    assert summary["pass"] is False
    assert rows[0]["checks"]["queries_max"] is False and rows[0]["checks"]["queries_equal"] is False


def test_the_report_prints_http_figures_load_and_the_idle_machine_targets():
    run = _module("run")
    small = _run(1000, {"interview_form_two_lists": _page("Interview form, two full lists", 80.0, 14)})
    large = _run(100000, {"interview_form_two_lists": _page("Interview form, two full lists", 90.0, 14)}, HTTP)
    summary, rows = run.verdicts(small, large)
    assert summary["pass"] is True
    checks = run.absolute_checks(large)
    by_what = {c["what"]: c["pass"] for c in checks}
    assert by_what["Interview form, two full lists: in-process median"] is True  # 90 ≤ 100
    assert by_what["login (post): p95 at 50 users"] is True  # 900 ≤ 1500
    assert by_what["/referrals/ (mine): p95 at 50 users"] is False  # 350 > 300
    text = run.report_md({"date": "today", "duration_s": 60, "note": "", "requests": 30, "runs": [small, large],
                          "verdicts": rows, "absolute": checks, "summary": summary,
                          "machine": {"cpu": "cpu", "cores": "2", "ram": "1 GiB", "python": "3.11", "os": "Linux",
                                      "load_average_at_start": "0.1 0.1 0.1"}})  # fmt: skip
    assert "## Over HTTP: gunicorn at N = 100,000" in text
    assert "2 workers × 4 threads, `gthread`" in text
    assert "| `/referrals/ (mine)` | 300 | 40.0 ms | 350.0 ms |" in text
    assert "1 of 4 not met on this run." in text
    assert "0.5 / 0.4 / 0.3 before" in text


def test_http_results_give_median_p95_and_errors_per_page():
    over_http = _module("over_http")
    results = over_http.Results()
    for ms in range(1, 101):
        results.add("/x/", ms / 1000)
    results.add("/x/", 0.05, "status 500")
    times = results.times["/x/"]
    assert len(times) == 101 and results.errors == {"/x/": ["status 500"]}
    assert over_http._percentile(times, 95) >= 0.095


def test_rounds_are_merged_from_their_samples():
    """The sizes are timed in alternating rounds; a page's figures come from all its samples, not an average of
    the rounds' medians."""
    run = _module("run")

    def part(samples, sql, queries, slowest):
        return {"title": "Referral detail", "url": "/referrals/1/", "requests": len(samples), "samples_ms": samples,
                "sql_samples_ms": sql, "median_ms": 0, "p95_ms": 0, "queries": queries[-1], "queries_seen": queries,
                "sql_median_ms": 0, "slowest_query_ms": slowest, "slowest_query": f"SELECT {slowest}"}  # fmt: skip

    merged = run.merge_rounds(
        [
            {"detail": part([10.0, 11.0, 30.0], [1.0, 2.0, 3.0], [12], 4.0)},
            {"detail": part([12.0, 13.0, 14.0], [4.0, 5.0, 6.0], [12, 13], 9.0)},
        ]
    )["detail"]
    assert merged["requests"] == 6
    assert merged["median_ms"] == 12.5  # of 10, 11, 12, 13, 14, 30
    assert merged["p95_ms"] == 30.0
    assert merged["sql_median_ms"] == 3.5
    assert merged["queries_seen"] == [12, 13] and merged["queries"] == 13
    assert (merged["slowest_query_ms"], merged["slowest_query"]) == (9.0, "SELECT 9.0")
    assert "samples_ms" not in merged and merged["url"] == "/referrals/1/"
