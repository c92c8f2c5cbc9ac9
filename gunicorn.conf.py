"""gunicorn's configuration for ``make serve`` (the Procfile's ``web``); every value can be set in the environment.

Two processes per core, two threads each. The pages are Python-bound (template rendering, building queries):
threads of one process take turns on Python's lock, and a thread back from PostgreSQL waits for the lock while
another renders, so more processes with fewer threads each answer the same load faster (bench/README.md, "Over
HTTP": 50 users, p95 of the pages 4 × 2 against 2 × 4). Threads still matter for logins: the password hash
(Argon2id, ~20-60 ms of CPU at OWASP's minimum parameters) runs in C without Python's lock, so while one thread
hashes the other keeps answering pages; with only processes (``sync`` workers, one request each) the 50 logins at
the start of ``make load`` held every worker and every page waited behind them (bench/README.md, "Login").

- ``WEB_CONCURRENCY``: worker processes, default twice the number of cores (at least 2);
- ``WEB_THREADS``: threads per worker, default 2 (each holds at most one database connection, kept for
  ``CONN_MAX_AGE`` seconds: workers × threads connections in all);
- ``HOST``/``PORT``: where to listen (default 127.0.0.1:8000); ``WEB_TIMEOUT``: seconds before a stuck worker is
  restarted (default 30).
"""

from __future__ import annotations

import os


def _int(name: str, default: int) -> int:
    try:
        return max(1, int(os.environ.get(name, "") or default))
    except ValueError:
        return default


cores = os.cpu_count() or 1
bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = _int("WEB_CONCURRENCY", max(2, 2 * cores))
worker_class = "gthread"
threads = _int("WEB_THREADS", 2)
timeout = _int("WEB_TIMEOUT", 30)
graceful_timeout = 20
keepalive = 5
# Logs to the console for honcho; no request lines with their query strings (no personal data in logs).
accesslog = None
errorlog = "-"
