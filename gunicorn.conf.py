"""gunicorn's configuration for ``make serve`` (the Procfile's ``web``); every value can be set in the environment.

Threads sized to the cores, so that a login does not queue everyone: the password hash (Argon2id, ~20-60 ms of
CPU at OWASP's minimum parameters) runs in C without Python's lock, and while one thread of a worker hashes, the
other threads of the same worker keep answering pages, which mostly wait on PostgreSQL. With only processes
(``sync`` workers, one request each) two workers on two cores were both busy hashing during the 50 logins at the
start of ``make load``, and every page waited behind them (bench/README.md, "Login").

- ``WEB_CONCURRENCY``: worker processes, default the number of cores (at least 2);
- ``WEB_THREADS``: threads per worker, default 4 (each holds at most one database connection, kept for
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
workers = _int("WEB_CONCURRENCY", max(2, cores))
worker_class = "gthread"
threads = _int("WEB_THREADS", 4)
timeout = _int("WEB_TIMEOUT", 30)
graceful_timeout = 20
keepalive = 5
# Logs to the console for honcho; no request lines with their query strings (no personal data in logs).
accesslog = None
errorlog = "-"
