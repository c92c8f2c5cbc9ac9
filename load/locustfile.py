"""Load scenario for ceis: operators browsing and recording, coordinators reviewing the caseload.

Operators read far more than they write: their referrals, interviews and agenda, their protection pathways
(the list and one pathway), their group sessions (the list and one session), the materials library (the list and
one material); they record a phone referral, an interview draft, a diary entry on one of their pathways and plan a
group session. Coordinators read the caseload, every referral, pathway and session, the statistics of a year and
of a quarter, and the queue of closures to approve with one request in it.

Run through ``make load`` against a running ``make serve`` whose database was seeded with
``manage.py seed_load`` (accounts load-op-NN and load-coord-NN, password LOAD_PASSWORD). The server must
run with ``REQUIRE_2FA=0``: the simulated users log in with a password only (README, Production: load).

Every POST goes as a browser sends it: GET the form, send back its fields (hidden ones included: the CSRF token,
the submission token, a formset's management form; not the inert rows of a <template>) with a Referer. Anything
but the redirect that follows a save counts as a failure, reported "with form errors" when the form came back
with errors; so does a redirect back to the login page.
"""

from __future__ import annotations

import itertools
import os
import random
import re
import uuid
from datetime import datetime, timedelta
from html.parser import HTMLParser
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

from locust import HttpUser, between, task

PASSWORD = os.environ.get("LOAD_PASSWORD", "ceis-load-test-2026")
OPERATORS = int(os.environ.get("LOAD_OPERATORS", "20"))
COORDINATORS = int(os.environ.get("LOAD_COORDINATORS", "5"))
REFERRAL_LINK = re.compile(r'href="/referrals/(\d+)/"')
PATHWAY_LINK = re.compile(r'href="/protection/(\d+)/"')
SESSION_LINK = re.compile(r'href="/groups/(\d+)/"')
MATERIAL_LINK = re.compile(r'href="/groups/materials/(\d+)/"')
APPROVAL_LINK = re.compile(r'href="/approvals/(\d+)/"')
DIARY_LINK = re.compile(r'href="(/protection/parts/\d+/diary/new/)"')
INVALID = re.compile(r'class="[^"]*\bis-invalid\b|class="[^"]*\binvalid-feedback\b|class="[^"]*\berrorlist\b')

_operator_numbers = itertools.count()
_coordinator_numbers = itertools.count()


class Form:
    """One <form>: its method, action, the values a browser would send, and the options of each field."""

    def __init__(self, attrs: dict[str, str]) -> None:
        self.method = (attrs.get("method") or "get").lower()
        self.action = attrs.get("action") or ""
        self.values: dict[str, list[str]] = {}
        self.options: dict[str, list[str]] = {}

    def set(self, name: str, *values: str) -> None:
        self.values[name] = list(values)

    def first_option(self, name: str) -> str:
        return next(v for v in self.options.get(name, []) if v)

    def data(self) -> list[tuple[str, str]]:
        return [(name, value) for name, values in self.values.items() for value in values]


class FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: tuple[str, bool, list[str]] | None = None  # name, multiple, selected values
        self._textarea: str | None = None
        self._template = 0  # inside <template>: inert, never submitted (a formset's empty row)

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "template":
            self._template += 1
        if self._template:
            return
        if tag == "form":
            self._form = Form(a)
            self.forms.append(self._form)
        if self._form is None or not a.get("name") and tag != "option":
            return
        form, name = self._form, a.get("name", "")
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio"):
                form.options.setdefault(name, []).append(a.get("value", "on"))
                form.values.setdefault(name, [])
                if "checked" in a:
                    form.values[name].append(a.get("value", "on"))
                return
            form.set(name, a.get("value", ""))
        elif tag == "select":
            self._select = (name, "multiple" in a, [])
            form.options[name] = []
            form.values.setdefault(name, [])
        elif tag == "option" and self._select:
            value = a.get("value", "")
            form.options[self._select[0]].append(value)
            if "selected" in a:
                self._select[2].append(value)
        elif tag == "textarea":
            self._textarea = name
            form.set(name, "")

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            value = self._form.values[self._textarea][0]
            # A browser drops the line feed that opens a <textarea>'s content (HTML parsing rules).
            self._form.values[self._textarea] = [value + (data if value else data.removeprefix("\n"))]

    def handle_endtag(self, tag):
        if tag == "template":
            self._template = max(0, self._template - 1)
            return
        if self._template:
            return
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select and self._form is not None:
            name, multiple, selected = self._select
            options = self._form.options[name]
            self._form.values[name] = selected or ([] if multiple or not options else [options[0]])
            self._select = None


def post_form(html: str) -> Form:
    """The page's main POST form: the one with the most fields (not the language switch or logout)."""
    parser = FormParser()
    parser.feed(html)
    forms = [f for f in parser.forms if f.method == "post" and "csrfmiddlewaretoken" in f.values]
    if not forms:
        raise LookupError("no POST form with a CSRF token on the page")
    return max(forms, key=lambda f: len(f.values))


def now_local(days: int = 0) -> str:
    """Now (or ``days`` from now) as the service's users type it: the form reads date-times in the service's time
    zone (Europe/Rome), whatever the zone of the machine running locust."""
    now = datetime.now(ZoneInfo(os.environ.get("LOAD_TIME_ZONE", "Europe/Rome")))
    return (now + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def links(response, pattern: re.Pattern) -> list[str]:
    return sorted(set(pattern.findall(response.text))) if response.status_code == 200 else []


class CeisUser(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    username = ""

    def on_start(self) -> None:
        self.log_in()

    def log_in(self) -> None:
        page = self.client.get("/accounts/login/", name="login (form)")
        form = post_form(page.text)
        for name in list(form.values):
            if name.endswith("username"):
                form.set(name, self.username)
            elif name.endswith("password"):
                form.set(name, PASSWORD)
        with self.client.post(
            urljoin(page.url, form.action) if form.action else page.url,
            data=form.data(),
            headers={"Referer": page.url},
            name="login (post)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302 or "/accounts/login" in response.headers.get("Location", ""):
                response.failure(f"login of {self.username} refused ({response.status_code})")

    def page(self, url: str, name: str, *, referer: str | None = None):
        headers = {"Referer": urljoin(self.host, referer)} if referer else None
        with self.client.get(url, name=name, headers=headers, catch_response=True) as response:
            if response.status_code == 200 and "/accounts/login" in response.url:
                response.failure("sent to the login page")
            return response

    def submit(self, form_url: str, name: str, fill, *, referer: str | None = None) -> None:
        """GET the form, let ``fill`` change its fields, POST it back; anything but a redirect fails."""
        page = self.page(form_url, f"{name} (form)", referer=referer)
        if page.status_code != 200:
            return
        try:
            form = post_form(page.text)
        except LookupError:
            page.failure("no form on the page")
            return
        fill(form)
        with self.client.post(
            urljoin(page.url, form.action) if form.action else page.url,
            data=form.data(),
            headers={"Referer": page.url},
            name=f"{name} (post)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                errors = "with form errors" if INVALID.search(response.text) else ""
                response.failure(f"expected a redirect, got {response.status_code} {errors}".strip())
            elif "/accounts/login" in response.headers.get("Location", ""):
                response.failure("sent to the login page")


class Operator(CeisUser):
    """An operator: her referrals, one referral, interviews and agenda, her pathways and group sessions, the
    materials library; records phone referrals and drafts."""

    weight = 4

    def on_start(self) -> None:
        self.username = f"load-op-{next(_operator_numbers) % OPERATORS + 1:02d}"
        super().on_start()
        self.referrals = self.my_referrals()
        self.pathways: list[str] = []
        self.sessions: list[str] = []
        self.materials: list[str] = []

    def my_referrals(self) -> list[str]:
        return links(self.page("/referrals/", "/referrals/ (mine)"), REFERRAL_LINK)

    @task(6)
    def browse_my_referrals(self) -> None:
        self.referrals = self.my_referrals() or self.referrals

    @task(6)
    def open_a_referral(self) -> None:
        if self.referrals:
            self.page(f"/referrals/{random.choice(self.referrals)}/", "/referrals/[id]/")

    @task(3)
    def browse_interviews(self) -> None:
        self.page("/interviews/", "/interviews/")

    @task(3)
    def look_at_the_agenda(self) -> None:
        self.page("/interviews/agenda/", "/interviews/agenda/")

    @task(2)
    def my_pathways(self) -> None:
        self.pathways = links(self.page("/protection/", "/protection/ (mine)"), PATHWAY_LINK) or self.pathways

    @task(3)
    def open_a_pathway(self) -> None:
        """One of her pathways, reached from her list (read again when not yet read)."""
        if not self.pathways:
            self.my_pathways()
        if self.pathways:
            self.page(f"/protection/{random.choice(self.pathways)}/", "/protection/[id]/", referer="/protection/")

    @task(1)
    def my_group_sessions(self) -> None:
        self.sessions = links(self.page("/groups/", "/groups/ (my sessions)"), SESSION_LINK) or self.sessions

    @task(2)
    def open_a_group_session(self) -> None:
        if not self.sessions:
            self.my_group_sessions()
        if self.sessions:
            self.page(f"/groups/{random.choice(self.sessions)}/", "/groups/[id]/", referer="/groups/")

    @task(1)
    def the_materials_library(self) -> None:
        self.materials = links(self.page("/groups/materials/", "/groups/materials/"), MATERIAL_LINK) or self.materials

    @task(1)
    def open_a_material(self) -> None:
        if not self.materials:
            self.the_materials_library()
        if self.materials:
            url = f"/groups/materials/{random.choice(self.materials)}/"
            self.page(url, "/groups/materials/[id]/", referer="/groups/materials/")

    @task(1)
    def record_a_phone_referral(self) -> None:
        def fill(form: Form) -> None:
            form.set("referring_body", form.first_option("referring_body"))
            form.set("referring_contact", "")
            form.set("exploitation_forms", form.first_option("exploitation_forms"))
            # A word of her own, never all digits: a number is no part of a name for the duplicate check, and an
            # alias reduced to "Carico" would match every earlier load-test person (the form then asks to confirm).
            form.set("aliases", f"Carico k{uuid.uuid4().hex[:10]}")
            form.set("reason", "Segnalazione fittizia della prova di carico.")

        self.submit("/referrals/new/", "/referrals/new/", fill)

    @task(1)
    def save_an_interview_draft(self) -> None:
        if not self.referrals:
            return

        def fill(form: Form) -> None:
            form.set("held_at", now_local())
            form.set("duration_minutes", "45")
            form.set("place", "Sede (prova di carico)")
            form.set("action", "draft")

        referral = random.choice(self.referrals)
        self.submit(f"/interviews/referral/{referral}/record/", "/interviews/referral/[id]/record/", fill)

    @task(1)
    def write_in_a_pathway_diary(self) -> None:
        """Open one of her pathways, follow its "new diary entry" link, write the entry (dated today, the form's
        default)."""
        if not self.pathways:
            self.my_pathways()
        if not self.pathways:
            return
        url = f"/protection/{random.choice(self.pathways)}/"
        pathway = self.page(url, "/protection/[id]/", referer="/protection/")
        if pathway.status_code != 200:
            return
        diary = links(pathway, DIARY_LINK)
        if not diary:
            pathway.failure("no link to a new diary entry on the pathway page")
            return

        def fill(form: Form) -> None:
            form.set("text", f"Colloquio di aggiornamento (prova di carico {uuid.uuid4().hex[:8]}).")

        self.submit(diary[0], "/protection/parts/[id]/diary/new/", fill, referer=url)

    @task(1)
    def plan_a_group_session(self) -> None:
        """Plan a session for next week: planned (the form's default), a host centre, a language, a topic; she is
        the facilitator already ticked."""

        def fill(form: Form) -> None:
            form.set("held_at", now_local(days=random.randint(1, 30)))
            form.set("host_centre", form.first_option("host_centre"))
            form.set("place", "Sala comune (prova di carico)")
            form.set("languages", form.first_option("languages"))
            form.set("topics", form.first_option("topics"))

        self.submit("/groups/new/", "/groups/new/", fill, referer="/groups/")


class Coordinator(CeisUser):
    """A coordinator: the caseload dashboard, all referrals, the statistics of last year and of one of its
    quarters, the closures to approve, all pathways and group sessions, the materials library."""

    weight = 1

    def on_start(self) -> None:
        self.username = f"load-coord-{next(_coordinator_numbers) % COORDINATORS + 1:02d}"
        super().on_start()

    @task(1)
    def caseload_dashboard(self) -> None:
        self.page("/caseload/", "/caseload/")

    @task(2)
    def all_referrals(self) -> None:
        self.page("/referrals/all/", "/referrals/all/")

    @task(1)
    def statistics_of_last_year(self) -> None:
        year = datetime.now().year - 1
        self.page(f"/caseload/statistics/?year={year}&part=year", "/caseload/statistics/ (a year)")

    @task(1)
    def statistics_of_a_quarter(self) -> None:
        year, quarter = datetime.now().year - 1, random.randint(1, 4)
        self.page(f"/caseload/statistics/?year={year}&part=q{quarter}", "/caseload/statistics/ (a quarter)")

    @task(1)
    def closures_to_approve(self) -> None:
        """The queue, and one request in it (read, not decided: the queue stays as seeded)."""
        requests = links(self.page("/approvals/", "/approvals/"), APPROVAL_LINK)
        if requests:
            self.page(f"/approvals/{random.choice(requests)}/", "/approvals/[id]/", referer="/approvals/")

    @task(1)
    def all_pathways(self) -> None:
        self.page("/protection/all/", "/protection/all/")

    @task(1)
    def all_group_sessions(self) -> None:
        self.page("/groups/all/", "/groups/all/ (sessions)")

    @task(1)
    def the_materials_library(self) -> None:
        self.page("/groups/materials/", "/groups/materials/")
