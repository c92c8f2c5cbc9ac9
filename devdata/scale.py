"""A synthetic dataset at national scale, for benchmarks (``manage.py seed_scale``).

Everything is made in proportion to the number of persons N (for N = 100 000: about 200 000 referrals,
500 000 interviews with their indicator marks, 10 000 group sessions, 30 000 pathways with their parts,
300 operators and a million audit rows), from a seeded random generator, and written with bulk inserts:
``COPY`` on PostgreSQL, batched ``INSERT`` elsewhere. Primary keys are allocated here, so the foreign keys
need no read-back; the sequences are reset at the end.

Encrypted columns hold real Fernet tokens made by the field's own ``get_prep_value`` (a small pool of them,
reused: encrypting millions of values would be the bottleneck), so every page decrypts them as usual. Keyed
hashes come from a pool too. Assignments are the rows ``ceis.access.assign`` writes: ``view_`` and
``change_`` in the direct-FK permission table, and an ``assign`` audit event.

Synthetic accounts are named ``synthetic-...`` and have no usable password. ``refuse_if_real`` is the
guard: see its docstring.
"""

from __future__ import annotations

import datetime
import io
import json
import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, models
from django.utils import timezone

PREFIX = "synthetic-"
# The accounts ``seed_demo`` makes (well-known password, fictional data): a demo database, not a real one.
DEMO_ACCOUNTS = frozenset({"operatore1", "operatore2", "coordinatore", "amministratore"})

# Rows per person (N = 100 000 gives the volumes of the issue).
REFERRALS_PER_PERSON = 2
SESSIONS_PER_PERSON = 0.1
PATHWAYS_PER_PERSON = 0.3
AUDIT_ROWS_PER_PERSON = 10
OPERATORS_PER_1000 = 3
ANSWERS_PER_HELD_INTERVIEW = 3
YEARS = 8
POOL = 64


class RealDataError(Exception):
    pass


def refuse_if_real() -> None:
    """Refuse to seed a database that holds any account other than synthetic or demo ones.

    The marker of real data is an account: every real record is written by a person who logs in, and
    every account made by hand (``createsuperuser``, the admin screens) has a name of its choosing. So
    any user whose username neither starts with ``synthetic-`` nor is one of the four demo accounts
    means the database is, or once was, in use: we refuse rather than mix millions of fake records
    into real ones (they would show in real statistics and caseloads and could never be told apart
    again). Case records without any account cannot exist through the application.
    """
    User = get_user_model()
    real = User.objects.exclude(username__startswith=PREFIX).exclude(username__in=DEMO_ACCOUNTS)
    count = real.count()
    if count:
        raise RealDataError(
            f"This database holds {count} account(s) that are neither synthetic ({PREFIX}...) nor demo accounts: "
            "seed_scale only runs on a throw-away database."
        )


# --------------------------------------------------------------------------------------------- writing


def _copy_text(value) -> str:
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, dict | list):
        value = json.dumps(value)
    elif not isinstance(value, str):
        return value.isoformat() if hasattr(value, "isoformat") else str(value)
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


class Table:
    """Rows of one table, allocated primary keys, written in batches."""

    BATCH = 50_000

    def __init__(self, model: type[models.Model], writer: Writer):
        self.model = model
        self.writer = writer
        fields = [f for f in model._meta.concrete_fields]
        self.columns = [f.column for f in fields]
        self.attnames = [f.attname for f in fields]
        self.defaults = {}
        for f in fields:
            if f.primary_key:
                continue
            if f.has_default():
                value = f.get_default()
                if isinstance(value, dict | list):
                    value = json.dumps(value)
                elif isinstance(f, models.DateField) and value and not isinstance(f, models.DateTimeField):
                    value = value if isinstance(value, datetime.date) else None
                self.defaults[f.attname] = value
            elif f.null or f.blank:
                self.defaults[f.attname] = None if f.null else ""
        self.pk_name = model._meta.pk.attname
        self.has_pk = isinstance(model._meta.pk, models.AutoField)
        self.next_id = (model.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1 if self.has_pk else None
        self.rows: list[tuple] = []
        self.count = 0

    def add(self, **values) -> int | None:
        pk = None
        if self.has_pk and self.pk_name not in values:
            pk = values[self.pk_name] = self.next_id
            self.next_id += 1
        defaults = self.defaults
        self.rows.append(tuple(values[a] if a in values else defaults.get(a) for a in self.attnames))
        self.count += 1
        if len(self.rows) >= self.BATCH:
            self.flush()
        return pk

    def flush(self) -> None:
        if self.rows:
            self.writer.write(self.model._meta.db_table, self.columns, self.rows)
            self.rows = []


class Writer:
    def __init__(self):
        self.pg = connection.vendor == "postgresql"
        self.tables: dict[type[models.Model], Table] = {}

        self.dropped: list[str] = []

    def table(self, model) -> Table:
        if model not in self.tables:
            self.tables[model] = Table(model, self)
            if self.pg:
                self._drop_indexes(model._meta.db_table)
        return self.tables[model]

    def _drop_indexes(self, table: str) -> None:
        """Drop the plain (non-unique) indexes of a table for the load: building them once afterwards is much
        faster than maintaining them row by row. Unique and primary-key indexes stay (they are constraints)."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
                "WHERE x.indrelid = %s::regclass AND NOT x.indisunique AND NOT x.indisprimary",
                [connection.ops.quote_name(table)],
            )
            for name, definition in cursor.fetchall():
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
                self.dropped.append(definition)

    def write(self, table: str, columns: list[str], rows: list[tuple]) -> None:
        qn = connection.ops.quote_name
        cols = ", ".join(qn(c) for c in columns)
        with connection.cursor() as cursor:
            if self.pg:
                buf = io.StringIO()
                buf.writelines("\t".join(map(_copy_text, row)) + "\n" for row in rows)
                buf.seek(0)
                cursor.copy_expert(f"COPY {qn(table)} ({cols}) FROM STDIN", buf)
            else:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(
                    f"INSERT INTO {qn(table)} ({cols}) VALUES ({marks})",
                    [tuple(self._adapt(v) for v in row) for row in rows],
                )

    @staticmethod
    def _adapt(value):
        if isinstance(value, dict | list):
            return json.dumps(value)
        if isinstance(value, datetime.datetime):
            return connection.ops.adapt_datetimefield_value(value)
        if isinstance(value, datetime.date):
            return value.isoformat()
        return value

    def finish(self) -> dict[str, int]:
        for t in self.tables.values():
            t.flush()
        models_ = [m for m in self.tables if isinstance(m._meta.pk, models.AutoField)]
        with connection.cursor() as cursor:
            if self.dropped:
                # Deferred foreign-key checks still pending (when the triggers ran) must fire before CREATE INDEX.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            for definition in self.dropped:
                cursor.execute(definition)
            for sql in connection.ops.sequence_reset_sql(no_style(), models_):
                cursor.execute(sql)
        return {m._meta.label: t.count for m, t in self.tables.items()}


# --------------------------------------------------------------------------------------------- the data


@dataclass
class Scale:
    persons: int
    seed: int = 2026
    now: datetime.datetime = field(default_factory=lambda: timezone.now().replace(minute=0, second=0, microsecond=0))

    @property
    def operators(self) -> int:
        return max(2, round(self.persons * OPERATORS_PER_1000 / 1000))

    @property
    def coordinators(self) -> int:
        return max(1, self.persons // 10_000)

    @property
    def bodies(self) -> int:
        return 20 + self.persons // 1000


def _pool(model, attname: str, texts: Iterable[str]) -> list[str]:
    f = model._meta.get_field(attname)
    return [f.get_prep_value(t) for t in texts]


def seed(scale: Scale, *, log=print) -> dict[str, int]:
    """Write the dataset (the caller holds a transaction). Returns rows written per model."""
    from auditlog.models import LogEntry

    from caseload.models import CaseloadSnapshot
    from ceis.accounts import roles
    from ceis.audit.models import Event
    from ceis.crypto import keyed_hash
    from ceis.notifications.models import Notification
    from ceis.partners.models import PartnerBody, PartnerContact
    from groups.models import AttendanceRow, GroupSession, GroupSessionUserObjectPermission
    from interviews.indicators import lists_to_show
    from interviews.models import CatalogueVersion, Indicator, IndicatorAnswer, Interview, InterviewList
    from materials.models import Language, Topic
    from protection.models import (
        Accommodation,
        DiaryEntry,
        GoalReview,
        JobPlacement,
        LiteracyCourse,
        PhaseChange,
        PlanGoal,
        ProtectionPathway,
        ProtectionPathwayUserObjectPermission,
        ResidencePermit,
        Training,
    )
    from referrals.models import (
        CaseCodeCounter,
        ExploitationForm,
        Person,
        PersonNameKey,
        Referral,
        ReferralUserObjectPermission,
    )
    from stats.models import StatisticsSnapshot

    rng = random.Random(scale.seed)
    N = scale.persons
    now = scale.now
    today = timezone.localdate(now)
    span = datetime.timedelta(days=365 * YEARS)
    w = Writer()
    User = get_user_model()

    # --- accounts (no usable password: nobody can log in as them)
    def make_users(kind: str, count: int, role: str) -> list:
        users = User.objects.bulk_create(
            User(
                username=f"{PREFIX}{kind}-{i:04d}",
                first_name=f"Synthetic {kind}",
                last_name=f"{i:04d}",
                email=f"{PREFIX}{kind}-{i:04d}@example.invalid",
                password="!synthetic-no-login",
            )
            for i in range(1, count + 1)
        )
        users = list(User.objects.filter(username__startswith=f"{PREFIX}{kind}-").order_by("pk"))
        group = Group.objects.get(name=role)
        User.groups.through.objects.bulk_create(User.groups.through(user_id=u.pk, group_id=group.pk) for u in users)
        return users

    operators = make_users("op", scale.operators, roles.OPERATOR)
    coordinators = make_users("coord", scale.coordinators, roles.COORDINATOR)
    make_users("admin", 1, roles.ADMIN)
    op_ids = [u.pk for u in operators]
    coord_ids = [u.pk for u in coordinators]
    log(f"accounts: {len(op_ids)} operators, {len(coord_ids)} coordinators")

    # --- reference data
    PartnerBody.objects.bulk_create(
        PartnerBody(
            name=f"{PREFIX}body {i:04d} (fittizio)",
            kind=PartnerBody.Kind.CAS if i % 3 else rng.choice(PartnerBody.Kind.values),
            municipality="Lucca",
        )
        for i in range(1, scale.bodies + 1)
    )
    bodies = list(PartnerBody.objects.filter(name__startswith=PREFIX).order_by("pk"))
    PartnerContact.objects.bulk_create(PartnerContact(body=b, name=f"Contact {b.pk}") for b in bodies)
    body_ids = [b.pk for b in bodies]
    cas_ids = [b.pk for b in bodies if b.kind == PartnerBody.Kind.CAS]
    form_codes = dict(ExploitationForm.objects.values_list("pk", "code"))
    forms = list(form_codes)
    in_use = {(v.audience, v.exploitation): v.pk for v in CatalogueVersion.objects.filter(status="in_use")}
    adult_indicators = list(Indicator.objects.filter(audience="adult", active=True).values_list("pk", flat=True))
    languages = list(Language.objects.values_list("pk", flat=True))
    topics = list(Topic.objects.values_list("pk", flat=True))

    def perm(model, action: str) -> int:
        return Permission.objects.get(
            content_type__app_label=model._meta.app_label, codename=f"{action}_{model._meta.model_name}"
        ).pk

    ct = {m: ContentType.objects.get_for_model(m).pk for m in (Referral, Person, Interview, ProtectionPathway)}
    ct[GroupSession] = ContentType.objects.get_for_model(GroupSession).pk

    # --- pools of encrypted values and keyed hashes
    words = ["Amina", "Blessing", "Joy", "Precious", "Fatima", "Grace", "Esther", "Mercy", "Ibrahim", "Samuel"]
    names = _pool(Person, "first_name", (f"{rng.choice(words)}" for _ in range(POOL)))
    surnames = _pool(Person, "last_name", (f"Sintetica {i}" for i in range(POOL)))
    phones = _pool(Person, "phone", (f"+39 3{i:02d} 000 {i:04d}" for i in range(POOL)))
    births = _pool(Person, "date_of_birth", (datetime.date(1975 + i % 30, 1 + i % 12, 1 + i % 28) for i in range(POOL)))
    reasons = _pool(Referral, "reason", (f"Segnalazione sintetica n. {i}: testo di prova." * 3 for i in range(POOL)))
    closure_notes = _pool(Referral, "closure_note", (f"Chiusura sintetica {i}" for i in range(POOL)))
    histories = _pool(Interview, "personal_history", (f"Storia sintetica {i}. " * 20 for i in range(POOL)))
    assessments = _pool(Interview, "assessment", (f"Valutazione sintetica {i}." * 5 for i in range(POOL)))
    goals_text = _pool(PlanGoal, "goal", (f"Obiettivo sintetico {i}" for i in range(POOL)))
    review_notes = _pool(GoalReview, "note", (f"Revisione sintetica {i}" for i in range(POOL)))
    addresses = _pool(Accommodation, "secret_address", (f"Via Sintetica {i}, Lucca" for i in range(POOL)))
    diary_texts = _pool(DiaryEntry, "text", (f"Diario sintetico {i}. " * 8 for i in range(POOL)))
    dup_keys = [keyed_hash("dup", f"synthetic {i}", 1990) for i in range(POOL * 4)]
    name_keys = [keyed_hash("name", f"synthetic {i}") for i in range(POOL * 4)]
    pick = rng.choice

    # --- people
    persons = w.table(Person)
    name_key_rows = w.table(PersonNameKey)
    person_created: list[datetime.datetime] = []
    person_ids: list[int] = []
    person_minor: list[bool] = []
    counters: dict[int, int] = defaultdict(int)
    for _ in range(N):
        created = now - span * (rng.random() ** 1.2)  # more of them recently
        year = timezone.localtime(created).year
        counters[year] += 1
        birth_year = today.year - rng.randint(16, 50)
        pk = persons.add(
            case_code=f"LU-{year}-{counters[year]:05d}",
            first_name=pick(names),
            last_name=pick(surnames),
            aliases="",
            phone=pick(phones),
            documents="",
            gender=pick(("female", "female", "female", "male", "male", "trans_woman")),
            date_of_birth=pick(births) if rng.random() < 0.3 else None,
            birth_year=birth_year,
            nationality=pick(("NG", "NG", "CI", "GM", "SN", "PK", "BD", "MA", "RO", "AL", "CN", "GN")),
            reception_centre_id=pick(cas_ids) if rng.random() < 0.7 else None,
            legal_status=pick(Person.LegalStatus.values),
            minor=birth_year > today.year - 18,
            duplicate_key=pick(dup_keys),
            created_at=created,
            updated_at=created,
            created_by_id=pick(op_ids),
        )
        person_ids.append(pk)
        person_minor.append(birth_year > today.year - 18)
        person_created.append(created)
        name_key_rows.add(person_id=pk, key=pick(name_keys))
    log(f"people: {persons.count}")

    # --- referrals, their operators (as ceis.access.assign writes them), interviews and marks
    referrals = w.table(Referral)
    ref_forms = w.table(Referral.exploitation_forms.through)
    ref_perms = w.table(ReferralUserObjectPermission)
    events = w.table(Event)
    interviews = w.table(Interview)
    present = w.table(Interview.operators_present.through)
    answers = w.table(IndicatorAnswer)
    interview_lists = w.table(InterviewList)
    view_ref, change_ref = perm(Referral, "view"), perm(Referral, "change")
    open_statuses = ["new", "assigned", "assigned", "interview_scheduled", "in_assessment", "in_assessment"]
    taken: list[tuple[int, int, datetime.datetime, int]] = []  # (referral, person, closed_at, operator)
    pathway_share = PATHWAYS_PER_PERSON / (REFERRALS_PER_PERSON * 0.95)  # about 95% of referrals are closed
    other_outcomes = [o for o in Referral.Outcome.values if o != "taken_in_charge"]

    def assign_rows(table, view_pk, change_pk, model, record_pk, user_pk, at, by):
        table.add(permission_id=view_pk, user_id=user_pk, content_object_id=record_pk)
        table.add(permission_id=change_pk, user_id=user_pk, content_object_id=record_pk)
        events.add(
            at=at, kind=Event.Kind.ASSIGN, actor_id=by, subject_id=user_pk, username="", target_type_id=ct[model],
            target_id=str(record_pk), ip="10.0.0.1", request_id="", details={},
        )  # fmt: skip

    for k in range(N * REFERRALS_PER_PERSON):
        p = k if k < N else rng.randrange(N)
        received = person_created[p] if k < N else person_created[p] + (now - person_created[p]) * rng.random()
        age = (now - received).days
        if age > 120 or (age > 30 and rng.random() < 0.5):
            status = "closed"
        else:
            status = pick(open_statuses)
        closed_at = received + datetime.timedelta(days=rng.randint(10, 60)) if status == "closed" else None
        if closed_at and closed_at > now:
            closed_at = now
        outcome = ""
        if status == "closed":
            outcome = "taken_in_charge" if rng.random() < pathway_share else pick(other_outcomes)
        urgency = pick(("routine",) * 7 + ("priority",) * 2 + ("immediate",))
        op = pick(op_ids)
        rid = referrals.add(
            person_id=person_ids[p],
            referring_body_id=pick(body_ids),
            referrer_name="",
            channel=pick(Referral.Channel.values),
            received_at=received,
            reason=pick(reasons),
            urgency=urgency,
            status=status,
            outcome=outcome,
            closed_at=closed_at,
            closure_note=pick(closure_notes) if closed_at else "",
            report_returned_at=None,
            possible_duplicate=False,
            created_at=received,
            updated_at=closed_at or received,
            created_by_id=op,
        )
        chosen_forms = rng.sample(forms, rng.randint(1, 2))
        for form in chosen_forms:
            ref_forms.add(referral_id=rid, exploitationform_id=form)
        # The lists an interview of this referral uses, as interviews.services.interview_save records them with
        # every held interview (the labour list standing in for a list not loaded: the service's default).
        needed_lists = []
        for audience, needed in lists_to_show(
            minor=person_minor[p], exploitation_codes={form_codes[f] for f in chosen_forms}
        ):
            version = in_use.get((audience, needed)) or in_use.get((audience, "labour"))
            if version is not None:
                needed_lists.append((version, needed))
        if status != "new":
            assign_rows(ref_perms, view_ref, change_ref, Referral, rid, op, received, op)
            second = pick(op_ids)
            if rng.random() < 0.1 and second != op:
                assign_rows(ref_perms, view_ref, change_ref, Referral, rid, second, received, pick(coord_ids))
        if outcome == "taken_in_charge":
            taken.append((rid, person_ids[p], closed_at, op))
        # interviews: none before assignment; 0–5 afterwards, the last one scheduled while open
        n = 0 if status in ("new", "assigned") else rng.randint(1, 4) if status == "closed" else rng.randint(1, 3)
        for number in range(1, n + 1):
            held = received + datetime.timedelta(days=3 * number, hours=rng.randint(0, 8))
            scheduled = status in ("interview_scheduled",) and number == n
            if held > now:
                held = now - datetime.timedelta(hours=1)
            iid = interviews.add(
                referral_id=rid,
                number=number,
                status="scheduled" if scheduled else pick(("completed", "completed", "completed", "draft")),
                scheduled_at=now + datetime.timedelta(days=rng.randint(1, 30)) if scheduled else held,
                held_at=None if scheduled else held,
                duration_minutes=None if scheduled else 60,
                place="Sede",
                mediator_name="",
                mediator_language="",
                mediator_sex="",
                language="English",
                interviewer_same_sex=None,
                interpreter_same_sex=None,
                personal_history="" if scheduled else pick(histories),
                safety_risk="" if scheduled else pick(("low", "medium", "high")),
                safety_notes="",
                assessment="" if scheduled else pick(assessments),
                proposed_outcome="",
                next_steps="",
                next_appointment=None,
                created_at=held,
                updated_at=held,
                created_by_id=op,
            )
            present.add(interview_id=iid, user_id=op)
            if not scheduled:
                for version, needed in needed_lists:
                    interview_lists.add(interview_id=iid, version_id=version, needed=needed)
                for indicator in rng.sample(adult_indicators, ANSWERS_PER_HELD_INTERVIEW):
                    answers.add(
                        interview_id=iid,
                        indicator_id=indicator,
                        answer=pick(("observed", "reported", "not_present", "not_asked")),
                        note="",
                    )
    log(f"referrals: {referrals.count}, interviews: {interviews.count}, indicator marks: {answers.count}")

    # --- group sessions (facilitators assigned), attendance as aggregates
    sessions = w.table(GroupSession)
    session_perms = w.table(GroupSessionUserObjectPermission)
    attendance = w.table(AttendanceRow)
    s_topics = w.table(GroupSession.topics.through)
    s_langs = w.table(GroupSession.languages.through)
    view_s, change_s = perm(GroupSession, "view"), perm(GroupSession, "change")
    for _ in range(round(N * SESSIONS_PER_PERSON)):
        held = now - span * rng.random()
        sid = sessions.add(
            held_at=held,
            status="held",
            host_centre_id=pick(cas_ids),
            place="Sala comune",
            mediators="",
            notes="",
            created_at=held,
            updated_at=held,
            created_by_id=pick(op_ids),
        )
        for op in rng.sample(op_ids, min(len(op_ids), rng.randint(1, 2))):
            assign_rows(session_perms, view_s, change_s, GroupSession, sid, op, held, op)
        for nat in rng.sample(("NG", "CI", "GM", "SN", "PK", "BD", "ML", "GN"), 3):
            attendance.add(
                session_id=sid,
                nationality=nat,
                gender=pick(("female", "male")),
                language_id=pick(languages) if languages else None,
                count=rng.randint(1, 12),
            )
        for t in rng.sample(topics, min(2, len(topics))):
            s_topics.add(groupsession_id=sid, topic_id=t)
        if languages:
            s_langs.add(groupsession_id=sid, language_id=pick(languages))
    log(f"group sessions: {sessions.count}")

    # --- protection pathways and their parts
    pathways = w.table(ProtectionPathway)
    path_perms = w.table(ProtectionPathwayUserObjectPermission)
    view_p, change_p = perm(ProtectionPathway, "view"), perm(ProtectionPathway, "change")
    phases = ProtectionPathway.Phase.values
    parts = {m: w.table(m) for m in (PhaseChange, PlanGoal, Accommodation, LiteracyCourse, Training)}
    parts.update({m: w.table(m) for m in (JobPlacement, ResidencePermit, DiaryEntry, GoalReview)})
    for rid, pid, closed_at, op in taken:
        start = timezone.localdate(closed_at)
        ended = start + datetime.timedelta(days=rng.randint(200, 900))
        ended = ended if ended < today else None
        phase = pick(phases)
        made = closed_at
        common = {"created_at": made, "updated_at": made, "created_by_id": op}
        pw = pathways.add(
            person_id=pid,
            origin="referral",
            referral_id=rid,
            transferred_from_id=None,
            legal_basis=pick(ProtectionPathway.LegalBasis.values),
            phase=phase,
            started_on=start,
            ended_on=ended,
            closure_reason=pick(ProtectionPathway.ClosureReason.values) if ended else "",
            created_at=made,
            updated_at=made,
            created_by_id=op,
        )
        assign_rows(path_perms, view_p, change_p, ProtectionPathway, pw, op, made, pick(coord_ids))
        parts[PhaseChange].add(pathway_id=pw, phase="emergency", changed_on=start, **common)
        parts[PhaseChange].add(pathway_id=pw, phase=phase, changed_on=start + datetime.timedelta(days=60), **common)
        for g in range(3):
            gid = parts[PlanGoal].add(
                pathway_id=pw,
                area=pick(PlanGoal.Area.values),
                goal=pick(goals_text),
                agreed=True,
                target_date=start + datetime.timedelta(days=90 * (g + 1)),
                status=pick(("open", "achieved", "achieved", "dropped")),
                **common,
            )
            if g < 2:
                parts[GoalReview].add(
                    goal_id=gid, reviewed_on=start + datetime.timedelta(days=45 * (g + 1)), note=pick(review_notes),
                    **common,
                )  # fmt: skip
        parts[Accommodation].add(
            pathway_id=pw, facility_id=pick(body_ids), facility_name="", type="safe_house",
            secret_address=pick(addresses), start=start, end=start + datetime.timedelta(days=120), **common,
        )  # fmt: skip
        parts[LiteracyCourse].add(
            pathway_id=pw, provider="CPIA Lucca", level_start="pre_a1", level_now="a2", level_note="", start=start,
            end=None, attendance_percent=80, certificate=False, **common,
        )  # fmt: skip
        if rng.random() < 0.5:
            parts[Training].add(
                pathway_id=pw, kind="vocational", title="Corso sintetico", provider="Ente", start=start, end=None,
                outcome="ongoing", qualification="", **common,
            )  # fmt: skip
        if rng.random() < 0.5:
            parts[JobPlacement].add(
                pathway_id=pw, kind="traineeship", employer="Azienda sintetica", sector="", hours_per_week=20,
                start=start + datetime.timedelta(days=200), end=None, outcome="ongoing", **common,
            )  # fmt: skip
        parts[ResidencePermit].add(
            pathway_id=pw, type="art18", route="social", proposing_body_id=None, applied_on=start,
            issued_on=start + datetime.timedelta(days=30), expires_on=start + datetime.timedelta(days=395),
            renewal_of_id=None, converted_to="", **common,
        )  # fmt: skip
        for d in range(5):
            parts[DiaryEntry].add(
                pathway_id=pw, written_on=min(today, start + datetime.timedelta(days=20 * d)), text=pick(diary_texts),
                **common,
            )  # fmt: skip
    log(f"pathways: {pathways.count}")

    # --- notifications: a few unread in each operator's inbox
    notes = w.table(Notification)
    for op in op_ids:
        for j in range(20):
            notes.add(
                recipient_id=op, kind="assigned", label="LU-0000", path="", created_at=now, read_at=None if j < 5 else now,
                emailed_at=now, email_attempts=1, event_key="",
            )  # fmt: skip

    # --- audit: reads of case records (auditlog) up to the target, beside the assignment events
    entries = w.table(LogEntry)
    readable = [
        (ct[Referral], referrals),
        (ct[Person], persons),
        (ct[Interview], interviews),
        (ct[ProtectionPathway], pathways),
    ]
    for _ in range(max(0, N * AUDIT_ROWS_PER_PERSON - events.count)):
        ct_pk, table = pick(readable)
        first = table.next_id - table.count
        object_id = rng.randrange(first, table.next_id)
        entries.add(
            content_type_id=ct_pk, object_pk=str(object_id), object_id=object_id, object_repr=f"#{object_id}",
            serialized_data=None, action=LogEntry.Action.ACCESS, changes_text="", changes=None,
            actor_id=pick(op_ids), cid="", remote_addr="10.0.0.1", remote_port=None,
            timestamp=now - span * rng.random(), additional_data=None, actor_email=None,
        )  # fmt: skip

    written = w.finish()
    for year, last in counters.items():
        CaseCodeCounter.objects.update_or_create(year=year, defaults={"last": last})
    # The load sends no signal: no stored statistics or dashboard figures may outlive it.
    StatisticsSnapshot.objects.all().delete()
    CaseloadSnapshot.objects.all().delete()
    return written
