"""The Italian catalogue: complete, consistent with its placeholders, compiled, and actually spoken.

The .po file is parsed with the standard library only (no polib), so these tests hold wherever the
suite runs. A stale ``django.mo`` (the .po was edited but not recompiled) fails here: every entry of
the .po is looked up in the compiled catalogue.
"""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

LC_MESSAGES = Path(settings.BASE_DIR) / "locale" / "it" / "LC_MESSAGES"
PO_FILE = LC_MESSAGES / "django.po"
MO_FILE = LC_MESSAGES / "django.mo"

NAMED_PLACEHOLDER = re.compile(r"%\((\w+)\)[sdifr]")
POSITIONAL_PLACEHOLDER = re.compile(r"%[sdifr]")
TEMPLATE_VARIABLE = re.compile(r"\{\{\s*([\w.]+)\s*\}\}")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    @property
    def label(self) -> str:
        return f"line {self.line}: {self.msgid!r}"


def _unquote(token: str, line_no: int) -> str:
    token = token.strip()
    if not (token.startswith('"') and token.endswith('"')):
        raise ValueError(f"{PO_FILE.name}:{line_no}: expected a quoted string, got {token!r}")
    return ast.literal_eval(token)


def parse_po(path: Path) -> list[Entry]:
    """Entries of a .po file, obsolete ones (``#~``) left out; continuation lines joined."""
    entries: list[Entry] = []
    current: Entry | None = None
    pending_flags: set[str] = set()
    target: tuple[str, int | None] | None = None  # which string the next "..." line continues

    def finish():
        nonlocal current
        if current is not None:
            entries.append(current)
        current = None

    for no, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            target = None
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#,"):
            finish()
            pending_flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            continue
        if line.startswith("#"):
            continue
        if line.startswith('"'):
            if current is None or target is None:
                raise ValueError(f"{path.name}:{no}: continuation line outside an entry")
            value = _unquote(line, no)
            key, index = target
            if key == "msgstr":
                current.msgstr[index] += value
            else:
                setattr(current, key, getattr(current, key) + value)
            continue
        keyword, _, rest = line.partition(" ")
        if keyword in ("msgctxt", "msgid"):
            if current is not None and (keyword == "msgctxt" or current.msgctxt is None or current.msgid):
                finish()
            if current is None:
                current = Entry(flags=pending_flags, line=no)
                pending_flags = set()
            setattr(current, keyword, _unquote(rest, no))
            target = (keyword, None)
        elif keyword == "msgid_plural":
            current.msgid_plural = _unquote(rest, no)
            target = ("msgid_plural", None)
        elif keyword == "msgstr":
            current.msgstr[0] = _unquote(rest, no)
            target = ("msgstr", 0)
        elif m := re.fullmatch(r"msgstr\[(\d+)\]", keyword):
            index = int(m.group(1))
            current.msgstr[index] = _unquote(rest, no)
            target = ("msgstr", index)
        else:
            raise ValueError(f"{path.name}:{no}: cannot parse {raw!r}")
    finish()
    return entries


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    return parse_po(PO_FILE)


@pytest.fixture(scope="module")
def messages(entries) -> list[Entry]:
    found = [e for e in entries if not e.is_header]
    assert len(found) > 300, "the catalogue looks truncated"
    return found


@pytest.fixture(scope="module")
def catalogue(messages) -> dict[str, str]:
    """Singular msgid -> msgstr (context-free entries only)."""
    return {e.msgid: e.msgstr[0] for e in messages if e.msgctxt is None and e.msgid_plural is None}


def _header(entries) -> dict[str, str]:
    (header,) = [e for e in entries if e.is_header]
    pairs = (line.partition(":") for line in header.msgstr[0].splitlines() if line.strip())
    return {k.strip(): v.strip() for k, _, v in pairs}


def _pairs(entry: Entry):
    """(source, translation) pairs: msgid with msgstr[0], msgid_plural with every further form."""
    for index, translation in sorted(entry.msgstr.items()):
        source = entry.msgid if index == 0 or entry.msgid_plural is None else entry.msgid_plural
        yield source, translation


def test_it_parses_continuation_lines_and_plurals(tmp_path):
    po = tmp_path / "sample.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: it\\n"\n\n'
        '#, python-format\nmsgid ""\n"Hello %(name)s, "\n"a \\"long\\" one"\nmsgstr ""\n"Ciao %(name)s, "\n"uno lungo"\n\n'
        '#, fuzzy\nmsgid "%(counter)s referral"\nmsgid_plural "%(counter)s referrals"\n'
        'msgstr[0] "%(counter)s segnalazione"\nmsgstr[1] ""\n"%(counter)s segnalazioni"\n\n'
        '#~ msgid "gone"\n#~ msgstr "andato"\n',
        encoding="utf-8",
    )
    header, long_one, plural = parse_po(po)
    assert header.is_header and header.msgstr[0] == "Language: it\n"
    assert long_one.msgid == 'Hello %(name)s, a "long" one'
    assert long_one.msgstr == {0: "Ciao %(name)s, uno lungo"}
    assert long_one.flags == {"python-format"}
    assert plural.msgid_plural == "%(counter)s referrals"
    assert plural.msgstr == {0: "%(counter)s segnalazione", 1: "%(counter)s segnalazioni"}
    assert "fuzzy" in plural.flags


def test_it_declares_italian_with_two_plural_forms_in_utf8(entries):
    header = _header(entries)
    assert header["Language"] == "it"
    assert header["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    assert header["Content-Type"] == "text/plain; charset=UTF-8"


def test_it_translates_every_entry_in_every_plural_form(messages):
    missing = []
    for entry in messages:
        forms = (0, 1) if entry.msgid_plural is not None else (0,)
        if any(not entry.msgstr.get(index, "").strip() for index in forms):
            missing.append(entry.label)
    assert missing == []


def test_it_leaves_nothing_fuzzy(entries):
    assert [e.label for e in entries if "fuzzy" in e.flags] == []


def test_it_keeps_every_placeholder(messages):
    problems = []
    for entry in messages:
        for source, translation in _pairs(entry):
            for pattern in (NAMED_PLACEHOLDER, TEMPLATE_VARIABLE):
                if sorted(set(pattern.findall(source))) != sorted(set(pattern.findall(translation))):
                    problems.append(f"{entry.label} -> {translation!r}")
            if len(POSITIONAL_PLACEHOLDER.findall(source)) != len(POSITIONAL_PLACEHOLDER.findall(translation)):
                problems.append(f"{entry.label} -> {translation!r} (positional %s)")
    assert problems == []


def _edges(text: str) -> tuple[str, str]:
    return text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]


def test_it_keeps_leading_and_trailing_whitespace(messages):
    problems = [
        entry.label
        for entry in messages
        for source, translation in _pairs(entry)
        if translation and _edges(source) != _edges(translation)
    ]
    assert problems == []


def test_it_ships_a_compiled_catalogue_matching_the_po(messages):
    assert MO_FILE.exists(), "run `manage.py compilemessages` and commit django.mo"
    with MO_FILE.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    assert compiled.info().get("language") == "it"
    assert compiled.info().get("plural-forms") == "nplurals=2; plural=(n != 1);"
    # A handful of known entries first (readable failures), then every entry of the .po.
    assert compiled.gettext("My referrals") == "Le mie segnalazioni"
    assert compiled.gettext("Log in") == "Accedi"
    assert compiled.gettext("new") == "nuova"
    assert compiled.gettext("Who opened this record") == "Chi ha aperto questa scheda"
    stale = []
    for entry in messages:
        if entry.msgid_plural is not None:
            got = {
                0: compiled.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, 1)
                if entry.msgctxt
                else compiled.ngettext(entry.msgid, entry.msgid_plural, 1),
                1: compiled.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, 5)
                if entry.msgctxt
                else compiled.ngettext(entry.msgid, entry.msgid_plural, 5),
            }
            if got != {0: entry.msgstr[0], 1: entry.msgstr[1]}:
                stale.append(entry.label)
        else:
            got = compiled.pgettext(entry.msgctxt, entry.msgid) if entry.msgctxt else compiled.gettext(entry.msgid)
            if got != entry.msgstr[0]:
                stale.append(entry.label)
    assert stale == [], "django.mo is stale: run `manage.py compilemessages`"


def test_it_speaks_italian_to_an_italian_operator(op_client, operator, referral_a, catalogue):
    assert operator.language == "it"
    my_referrals = catalogue["My referrals"]
    assert my_referrals and my_referrals != "My referrals"

    response = op_client.get(reverse("referrals:mine"))

    assert response.status_code == 200
    assert response["Content-Language"] == "it"
    assert '<html lang="it">' in response.text
    assert my_referrals in response.text
    assert "1 segnalazione" in response.text  # the plural catalogue, n == 1
    assert "My referrals" not in response.text


def test_it_speaks_english_to_an_english_operator(op_client, operator, referral_a, catalogue):
    operator.language = "en"
    operator.save(update_fields=["language"])

    response = op_client.get(reverse("referrals:mine"))

    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    assert "My referrals" in response.text
    assert "1 referral" in response.text
    assert catalogue["My referrals"] not in response.text
