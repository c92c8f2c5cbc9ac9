"""gunicorn.conf.py: two processes per core of two threads, so that a password hash does not block other requests."""

from __future__ import annotations

import os
import runpy
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _config(monkeypatch, **env) -> dict:
    for name in ("WEB_CONCURRENCY", "WEB_THREADS", "WEB_TIMEOUT", "HOST", "PORT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_two_threaded_workers_per_core_by_default(monkeypatch):
    config = _config(monkeypatch)
    assert config["worker_class"] == "gthread"
    assert config["workers"] == max(2, 2 * (os.cpu_count() or 1))
    assert config["threads"] == 2
    assert config["bind"] == "127.0.0.1:8000"
    assert config["timeout"] == 30


def test_the_environment_sets_workers_threads_and_address(monkeypatch):
    config = _config(monkeypatch, WEB_CONCURRENCY="3", WEB_THREADS="8", HOST="0.0.0.0", PORT="8301")  # noqa: S104
    assert (config["workers"], config["threads"], config["bind"]) == (3, 8, "0.0.0.0:8301")


@pytest.mark.parametrize("bad", ["", "x", "0", "-2"])
def test_nonsense_falls_back_to_a_working_value(monkeypatch, bad):
    config = _config(monkeypatch, WEB_THREADS=bad)
    assert config["threads"] >= 1


def test_the_procfile_runs_gunicorn_with_this_configuration():
    web = next(line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith("web:"))
    assert "--config gunicorn.conf.py" in web
    assert "--workers" not in web  # one place for the sizes: gunicorn.conf.py
