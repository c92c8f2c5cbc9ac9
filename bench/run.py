"""``make bench``: seed two PostgreSQL databases (N = 1 000 and N = 100 000 persons), time the main pages
on each, and write ``bench/report.md`` and ``bench/report.json`` with PASS/FAIL per target.

Environment: ``BENCH_DATABASE_URL`` (server to use, default ``postgres://postgres@127.0.0.1:5432``),
``BENCH_SIZES`` (default ``1000,100000``), ``BENCH_REQUESTS`` (default 30), ``BENCH_KEEP=1`` keeps the
databases (``ceis_bench_<N>``) afterwards, ``BENCH_NOTE`` a line on the conditions of the run.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "bench"
PY = sys.executable

TARGET_RATIO = 1.5
TARGET_QUERIES = 15
TARGET_SLOWEST_MS = 50.0


def _env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="bench.settings",
        DEBUG="0",
        SECRET_KEY="bench-only-secret-key-" + "x" * 40,
        FIELD_ENCRYPTION_KEY="dTSyb7SxOlV0a18g25ywVuajt8tvefHN7_9dHBhIBd0=",
        DUPLICATE_HASH_KEY="bench-only-duplicate-hash-key",
        ALLOWED_HOSTS="testserver",
        LOG_LEVEL="WARNING",
        REQUIRE_2FA="0",  # the test client logs in with force_login: no second factor to pass
        # Celery tasks are queued (in memory, never run), as a web process hands them to the worker in
        # production, rather than run inside the request as the eager default of development does.
        CELERY_BROKER_URL="memory://",
        CELERY_TASK_ALWAYS_EAGER="0",
        PYTHONWARNINGS="ignore",
    )
    return env


def _psql(base: str, sql: str) -> None:
    import psycopg2

    conn = psycopg2.connect(base.rstrip("/") + "/postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(sql)
    conn.close()


def _run(args: list[str], env: dict[str, str], *, capture: bool = False) -> str:
    result = subprocess.run(
        [PY, *args], cwd=ROOT, env=env, check=True, text=True, stdout=subprocess.PIPE if capture else None
    )
    return result.stdout or ""


def _machine() -> dict[str, str]:
    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        ram = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "ram": ram,
        "python": platform.python_version(),
        "os": platform.platform(),
        "load_average_at_start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def bench_size(base: str, persons: int, requests: int, keep: bool) -> dict:
    name = f"ceis_bench_{persons}"
    url = f"{base.rstrip('/')}/{name}"
    env = _env(url)
    print(f"== N = {persons}: database {name}", flush=True)
    _psql(base, f'DROP DATABASE IF EXISTS "{name}"')
    _psql(base, f'CREATE DATABASE "{name}"')
    try:
        started = time.monotonic()
        _run(["manage.py", "migrate", "--noinput", "-v0"], env)
        migrated = time.monotonic()
        _run(["manage.py", "seed_scale", "--persons", str(persons)], env)
        seeded = time.monotonic()
        # The load leaves gigabytes of dirty pages: flush them now rather than in a checkpoint that stalls
        # the timed requests (a 250 ms query in one run). Needs a superuser or pg_checkpoint; else skipped.
        try:
            _psql(base, "CHECKPOINT")
        except Exception as error:  # noqa: BLE001 - a role without the right: measure anyway
            print(f"CHECKPOINT skipped: {error}", flush=True)
        pages = json.loads(_run(["bench/measure.py", "--requests", str(requests)], env, capture=True))
        import psycopg2

        conn = psycopg2.connect(url)
        with conn.cursor() as cur:
            cur.execute("SHOW server_version")
            pg_version = cur.fetchone()[0]
            cur.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
            size = cur.fetchone()[0]
        conn.close()
        return {
            "persons": persons,
            "database": name,
            "database_size": size,
            "postgresql": pg_version,
            "migrate_s": round(migrated - started, 1),
            "seed_s": round(seeded - migrated, 1),
            "pages": pages,
        }
    finally:
        if not keep:
            _psql(base, f'DROP DATABASE IF EXISTS "{name}"')


def verdicts(small: dict, large: dict) -> tuple[dict, list[dict]]:
    rows, all_pass = [], True
    for key, s in small["pages"].items():
        g = large["pages"][key]
        ratio = g["median_ms"] / s["median_ms"] if s["median_ms"] else float("inf")
        checks = {
            "ratio": ratio <= TARGET_RATIO,
            "queries_equal": s["queries_seen"] == g["queries_seen"],
            "queries_max": g["queries"] <= TARGET_QUERIES and s["queries"] <= TARGET_QUERIES,
            "slowest_query": g["slowest_query_ms"] <= TARGET_SLOWEST_MS,
        }
        all_pass &= all(checks.values())
        rows.append({"key": key, "title": s["title"], "ratio": round(ratio, 2), "checks": checks})
    return {"pass": all_pass}, rows


def _mark(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def report_md(data: dict) -> str:
    m = data["machine"]
    small, large = data["runs"][0], data["runs"][-1]
    out = [
        "# ceis benchmark",
        "",
        f"Run on {data['date']} ({data['duration_s'] / 60:.1f} min in all). {data.get('note', '')}".rstrip(),
        "",
        f"- Machine: {m['cpu']}, {m['cores']} cores, {m['ram']} RAM; load average at start {m['load_average_at_start']}",
        f"- PostgreSQL {large['postgresql']}; Python {m['python']}; {m['os']}",
        "- Method: in-process Django test `Client` with `DEBUG` off and the production middleware, against the real",
        "  PostgreSQL database (`bench/settings.py` only swaps the manifest static storage for the plain one).",
        f"  {data['requests']} timed requests per page after 3 warm-up requests; server time is the wall clock around",
        "  the client call; SQL time and the slowest query come from `connection.execute_wrapper`. Celery tasks are",
        "  queued, not run in the request (as in production); `CHECKPOINT` after seeding. Warm-up requests include",
        "  the first views that count and store the statistics and the dashboard figures (bench/README.md).",
        "",
        "| size | persons | seed | migrate | database |",
        "|---|---|---|---|---|",
    ]
    for run in data["runs"]:
        out.append(
            f"| {run['database']} | {run['persons']:,} | {run['seed_s']} s | {run['migrate_s']} s | {run['database_size']} |"
        )
    out += [
        "",
        f"Targets: median at N = {large['persons']:,} ≤ {TARGET_RATIO}× the median at N = {small['persons']:,}; "
        f"query counts equal at both sizes and ≤ {TARGET_QUERIES}; no single query over {TARGET_SLOWEST_MS:.0f} ms "
        f"at N = {large['persons']:,}.",
        "",
        "| page | median small | median large | p95 large | ratio | queries (small/large) | SQL large | slowest query large | verdict |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in data["verdicts"]:
        s, g = small["pages"][row["key"]], large["pages"][row["key"]]
        failed = [k for k, ok in row["checks"].items() if not ok]
        verdict = "PASS" if not failed else "FAIL (" + ", ".join(failed) + ")"
        out.append(
            f"| {row['title']} | {s['median_ms']} ms | {g['median_ms']} ms | {g['p95_ms']} ms | {row['ratio']}× "
            f"| {s['queries']}/{g['queries']} | {g['sql_median_ms']} ms | {g['slowest_query_ms']} ms | {verdict} |"
        )
    out += ["", f"**Overall: {_mark(data['summary']['pass'])}**", "", "## Slowest query of each page (large)", ""]
    for g in large["pages"].values():
        out += [f"- **{g['title']}** ({g['slowest_query_ms']} ms): `{g['slowest_query'][:300]}`"]
    out.append("")
    return "\n".join(out)


def main() -> int:
    base = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432")
    if urlsplit(base).scheme not in ("postgres", "postgresql"):
        print("BENCH_DATABASE_URL must be a PostgreSQL server URL", file=sys.stderr)
        return 2
    sizes = [int(s) for s in os.environ.get("BENCH_SIZES", "1000,100000").split(",")]
    requests = int(os.environ.get("BENCH_REQUESTS", "30"))
    keep = os.environ.get("BENCH_KEEP") == "1"
    started = time.monotonic()
    machine = _machine()
    runs = [bench_size(base, n, requests, keep) for n in sizes]
    summary, rows = verdicts(runs[0], runs[-1])
    data = {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "duration_s": round(time.monotonic() - started, 1),
        "note": os.environ.get("BENCH_NOTE", ""),
        "machine": machine,
        "requests": requests,
        "targets": {"ratio": TARGET_RATIO, "queries": TARGET_QUERIES, "slowest_query_ms": TARGET_SLOWEST_MS},
        "runs": runs,
        "verdicts": rows,
        "summary": summary,
    }
    (HERE / "report.json").write_text(json.dumps(data, indent=2) + "\n")
    text = report_md(data)
    (HERE / "report.md").write_text(text)
    print(text)
    for row in rows:
        print(f"{row['title']:<45} {'PASS' if all(row['checks'].values()) else 'FAIL'}")
    print(f"Overall: {_mark(summary['pass'])} in {data['duration_s'] / 60:.1f} min")
    return 0 if summary["pass"] else 1


if __name__ == "__main__":
    sys.exit(main())
