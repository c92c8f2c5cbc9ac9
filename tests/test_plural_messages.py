"""Counts in messages take their plural form ("1 caso riassegnato", never "1 casi riassegnati"): issue 15, point 8.

Every gettext string that shows a count goes through ``ngettext`` (a scan of the source), and the Italian
catalogue gives each of them its singular and its plural.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import polib
from django.conf import settings

from tests import factories

ROOT = Path(settings.BASE_DIR)
GETTEXT = {"_", "gettext", "gettext_lazy", "pgettext", "pgettext_lazy"}
COUNT = re.compile(r"%\((count|n|total|number_of|people|days|rows)\)d|%\((count|total)\)s")
APPS = ("ceis", "referrals", "materials", "interviews", "groups", "protection", "caseload", "stats", "privacy")


def _singular_gettext_with_a_count() -> list[str]:
    found = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in GETTEXT:
                    for arg in node.args:
                        if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and COUNT.search(arg.value):
                            found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {arg.value}")
    return found


def test_no_count_goes_through_a_singular_gettext():
    assert _singular_gettext_with_a_count() == []


def test_the_italian_catalogue_has_both_forms_of_the_new_plurals():
    catalogue = polib.pofile(str(ROOT / "locale/it/LC_MESSAGES/django.po"))
    wanted = {
        "%(count)d record reassigned to %(operator)s.": ("1 caso riassegnato", "casi riassegnati"),
        "%(n)s hour a week": ("ora a settimana", "ore a settimana"),
    }
    for msgid, (one, many) in wanted.items():
        entry = catalogue.find(msgid)
        assert entry is not None and not entry.fuzzy, msgid
        assert one.split()[-1] in entry.msgstr_plural[0] and many in entry.msgstr_plural[1], entry.msgstr_plural


def test_one_record_reassigned_is_singular_in_italian(coord_client, coordinator, operator, operator_b):
    referral = factories.ReferralFactory(assigned_to=[operator])
    response = coord_client.post(
        "/caseload/reassign/",
        {"referrals": [referral.pk], "pathways": [], "operator": operator_b.pk, "confirm": "on"},
        follow=True,
    )
    assert coordinator.language in ("", "it")
    assert "1 caso riassegnato a" in response.text
    assert "1 casi riassegnati" not in response.text
