"""Every translatable string of the code and templates is in the committed Italian catalogue.

The extraction runs on a copy of the project (so the real catalogue is never touched) with
Django's own ``makemessages``; it needs GNU gettext (installed by .ci/run).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from tests.conftest import require_service
from tests.test_translations import parse_po


def _sources(base: Path) -> list[Path]:
    """Every Python package of the project (the apps), the templates and manage.py."""
    skip = {"tests", "locale", "static", "staticfiles"}
    packages = [p for p in base.iterdir() if (p / "__init__.py").exists() and p.name not in skip]
    return [*packages, base / "templates", base / "manage.py"]


def _msgids(path: Path) -> set[tuple[str | None, str]]:
    return {(entry.msgctxt, entry.msgid) for entry in parse_po(path) if not entry.is_header}


def test_it_finds_no_string_missing_from_the_italian_catalogue(tmp_path):
    require_service(shutil.which("xgettext") is not None, "GNU gettext (xgettext)")
    base = Path(settings.BASE_DIR)
    for source in _sources(base):
        if source.is_dir():
            shutil.copytree(source, tmp_path / source.name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, tmp_path / source.name)
    (tmp_path / "locale" / "it" / "LC_MESSAGES").mkdir(parents=True)
    env = {**os.environ, "DEBUG": "1", "PYTHONPATH": str(tmp_path), "DATABASE_URL": "sqlite:///:memory:"}
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "it", "--no-location", "--no-obsolete"],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    extracted = _msgids(tmp_path / "locale" / "it" / "LC_MESSAGES" / "django.po")
    committed = _msgids(base / "locale" / "it" / "LC_MESSAGES" / "django.po")
    missing = sorted(extracted - committed)
    assert not missing, (
        f"{len(missing)} strings are not in locale/it (run `make messages` and translate): {missing[:10]}"
    )
