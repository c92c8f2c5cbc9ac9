"""Finding a person already known, blind: keyed indexes over folded, phonetic and one-edit forms of her names.

Every name (the full name and each alias) is cut into words. Each word is written three ways, and each way
is stored only as a keyed hash (HMAC with ``DUPLICATE_HASH_KEY``, ``ceis.crypto.keyed_hash``), never in clear:

- ``word``: the word transliterated to ASCII (``anyascii``: Arabic, Cyrillic, accented Latin…), case-folded;
- ``sound``: the Double Metaphone codes (primary and alternate) of the word after folding the usual
  romanisation variants (``kh``/``k``, ``ou``/``u``, doubled letters, ``q``/``k``…), so that Mohammed and
  Muhammad, Osasu and Osazu, Ousmane and Usman meet;
- ``edit``: the word with one letter left out, each way (longer words only), so that two spellings one
  typing slip apart (a letter missing, added, changed or two swapped) share a key.

A new person's words are looked up in one query, among people born within a year of her (or whose year is
not known, or any year when hers is not); each word of hers counts once, at its best way of matching, and a
candidate needs two of her words matched (the only word, when she has one name). Word order is free, so
swapped first and last names still meet. The score (0-100) and its reasons are for coordinators only.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from anyascii import anyascii
from django.apps import apps
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from doublemetaphone import doublemetaphone

from ceis.crypto import keyed_hash

WORD = "word"
SOUND = "sound"
EDIT = "edit"
KINDS = (WORD, SOUND, EDIT)
# How much a word matched each way weighs (the best way counts).
WEIGHT = {WORD: 1.0, SOUND: 0.85, EDIT: 0.75}
EDIT_MIN_LENGTH = 5  # shorter words differ by one letter too often (Ama / Ada) to say anything
SCORE_MIN = 50

# Romanisation variants folded before the phonetic code: the same sound written the ways different
# transliteration schemes (French, English, Italian registry offices) write it.
_FOLDS = [
    (re.compile(r"([a-z])\1+"), r"\1"),  # doubled letters: Mohammed / Mohamed
    (re.compile(r"kh"), "k"),
    (re.compile(r"gh"), "g"),
    (re.compile(r"dh"), "d"),
    (re.compile(r"bh"), "b"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"q"), "k"),
    (re.compile(r"ksh|x"), "ks"),  # Lakshmi / Laxmi
    (re.compile(r"ou"), "u"),  # Mamadou / Mamadu, Ousmane / Usman
    (re.compile(r"ee|ie|iy"), "i"),
    (re.compile(r"oo"), "u"),
    (re.compile(r"(?<=[aeiou])y(?=[aeiou])"), "i"),  # Ayesha / Aisha
    (re.compile(r"h$"), ""),  # Fatimah / Fatima
]


def fold(text: str) -> str:
    """ASCII, lower case, letters and digits only (other characters become spaces)."""
    text = anyascii(unicodedata.normalize("NFKC", text or "")).casefold()
    return "".join(c if c.isalnum() else " " for c in text)


def words(text: str) -> list[str]:
    """The words of a name; numbers alone are no part of a name ("Joy 2" from a registry's list)."""
    return [w for w in fold(text).split() if not w.isdigit()]


def folded_for_sound(word: str) -> str:
    for pattern, replacement in _FOLDS:
        word = pattern.sub(replacement, word)
    return word


def _forms(word: str) -> list[tuple[str, str]]:
    """The (kind, clear form) pairs of one word; only their keyed hashes are ever stored."""
    forms = [(WORD, word)]
    if any(c.isdigit() for c in word):
        return forms  # a code, not a name: it matches only as written
    for code in doublemetaphone(folded_for_sound(word)):
        if code:
            forms.append((SOUND, code))
    if len(word) >= EDIT_MIN_LENGTH:
        forms.append((EDIT, word))  # an added letter: her word is the other's word less one letter
        forms.extend((EDIT, word[:i] + word[i + 1 :]) for i in range(len(word)))
    return list(dict.fromkeys(forms))


def digest(kind: str, form: str) -> str:
    return keyed_hash("match", kind, form)


@dataclass(frozen=True)
class Key:
    kind: str
    slot: str  # which of her names and which word: "first:0", "last:0", "alias1:2" (no content)
    digest: str


def names_of(first_name: str, last_name: str, aliases: str) -> list[tuple[str, str]]:
    """(slot prefix, text) of each name: first, last, and each alias (separated by , ; or /)."""
    names = [("first", first_name or ""), ("last", last_name or "")]
    names += [(f"alias{i}", a) for i, a in enumerate(re.split(r"[,;/]", aliases or "")) if a.strip()]
    return names


def person_keys(first_name: str, last_name: str, aliases: str) -> set[Key]:
    """The keys stored for a person (``PersonMatchKey`` rows)."""
    keys = set()
    for prefix, text in names_of(first_name, last_name, aliases):
        for i, word in enumerate(words(text)):
            for kind, form in _forms(word):
                keys.add(Key(kind, f"{prefix}:{i}", digest(kind, form)))
    return keys


@dataclass
class Candidate:
    person_id: int
    score: int
    reasons: list[str] = field(default_factory=list)


def _query_words(first_name: str, last_name: str, aliases: str) -> list[tuple[str, str]]:
    """(slot, word) of every word the new person is given, each distinct word once."""
    seen, out = set(), []
    for prefix, text in names_of(first_name, last_name, aliases):
        for i, word in enumerate(words(text)):
            if word not in seen:
                seen.add(word)
                out.append((f"{prefix}:{i}", word))
    return out


def year_filter(birth_year: int | None, path: str = "person__birth_year") -> Q:
    if not birth_year:
        return Q()
    return Q(**{f"{path}__in": [birth_year - 1, birth_year, birth_year + 1]}) | Q(**{f"{path}__isnull": True})


def find_candidates(
    *, first_name: str, last_name: str, aliases: str, birth_year: int | None, exclude_pk: int | None = None
) -> list[Candidate]:
    """People who may be the person described, best first (one query; at most 20)."""
    # By name, not by import: ``referrals.models`` imports this module to write the keys on save.
    PersonMatchKey = apps.get_model("referrals", "PersonMatchKey")  # noqa: N806

    query_words = _query_words(first_name, last_name, aliases)
    if not query_words:
        return []
    wanted: dict[str, list[tuple[int, str]]] = {}  # digest -> [(index of her word, kind)]
    for index, (_slot, word) in enumerate(query_words):
        for kind, form in _forms(word):
            wanted.setdefault(digest(kind, form), []).append((index, kind))
    rows = (
        PersonMatchKey.objects.filter(digest__in=list(wanted))
        .filter(year_filter(birth_year))
        # the keys of a record merged into another (it keeps them, ``referrals.merge``) count for the record kept
        .annotate(target=Coalesce("person__merged_into", "person"))
        .exclude(target=exclude_pk)
        .values_list("target", "kind", "slot", "digest", "person__birth_year")
    )
    # person -> her word index -> (best weight, kind, slot matched)
    found: dict[int, dict[int, tuple[float, str, str]]] = {}
    years: dict[int, int | None] = {}
    for person_id, kind, slot, dig, year in rows:
        years[person_id] = year
        for index, wanted_kind in wanted.get(dig, ()):
            if wanted_kind != kind:
                continue
            weight = WEIGHT[kind]
            best = found.setdefault(person_id, {}).get(index)
            if best is None or weight > best[0]:
                found[person_id][index] = (weight, kind, slot)
    need = min(2, len(query_words))
    candidates = []
    for person_id, matched in found.items():
        used_slots = {slot for _w, _k, slot in matched.values()}
        if len(matched) < need or len(used_slots) < need:
            continue
        share = sum(w for w, _k, _s in matched.values()) / len(query_words)
        score = round(80 * min(share, 1.0))
        year = years[person_id]
        if birth_year and year == birth_year:
            score += 20
        elif birth_year and year:
            score += 12
        else:
            score += 8
        if score < SCORE_MIN:
            continue
        candidates.append(Candidate(person_id, score, _reasons(query_words, matched, birth_year, year)))
    candidates.sort(key=lambda c: (-c.score, c.person_id))
    return candidates[:20]


def _reasons(query_words, matched, birth_year, year) -> list[str]:
    reasons = []
    by_part: dict[str, str] = {}  # her part ("first"/"last"/"alias") -> how it matched
    swapped = False
    for index, (_weight, kind, slot) in sorted(matched.items()):
        her_part = query_words[index][0].split(":")[0]
        their_part = slot.split(":")[0]
        if {her_part, their_part} == {"first", "last"}:
            swapped = True
        if their_part.startswith("alias") or her_part.startswith("alias"):
            by_part.setdefault("alias", kind)
        else:
            by_part.setdefault(her_part, kind)
    labels = {
        ("last", WORD): _("same surname"),
        ("last", SOUND): _("same phonetic surname"),
        ("last", EDIT): _("surname one letter apart"),
        ("first", WORD): _("same first name"),
        ("first", SOUND): _("same phonetic first name"),
        ("first", EDIT): _("first name one letter apart"),
        ("alias", WORD): _("an alias matches"),
        ("alias", SOUND): _("an alias sounds the same"),
        ("alias", EDIT): _("an alias one letter apart"),
    }
    for part in ("last", "first", "alias"):
        if part in by_part:
            reasons.append(str(labels[(part, by_part[part])]))
    if swapped:
        reasons.append(str(_("first and last names swapped")))
    if not birth_year or not year:
        reasons.append(str(_("year of birth not known")))
    elif year == birth_year:
        reasons.append(str(_("same year of birth")))
    else:
        reasons.append(str(_("year of birth ±1")))
    return reasons


def rebuild_all(person_model, key_model, *, batch: int = 500) -> int:
    """Write again the keys of every person (the migration that adds them; ``manage.py refresh_match_keys``
    after ``DUPLICATE_HASH_KEY`` changes). Takes the models, so that a migration can pass its historical ones."""
    key_model.objects.all().delete()
    count, rows = 0, []
    people = person_model.objects.only("pk", "first_name", "last_name", "aliases").order_by("pk")
    for person in people.iterator(chunk_size=batch):
        count += 1
        rows.extend(
            key_model(person_id=person.pk, kind=k.kind, slot=k.slot, digest=k.digest)
            for k in person_keys(person.first_name, person.last_name, person.aliases)
        )
        if len(rows) >= batch * 20:
            key_model.objects.bulk_create(rows)
            rows = []
    key_model.objects.bulk_create(rows)
    return count
