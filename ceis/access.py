"""The one module that grants, revokes and checks access to case records (django-guardian).

Protected roots (``Referral``, ``GroupSession``, ``ProtectionPathway``) carry direct-FK object
permissions: assigning an operator grants ``view_`` and ``change_`` on the root, unassigning
revokes both. Coordinators hold the model-level permissions through their Group and so see all
(``accept_global_perms``); operators' Group holds none, admins hold none. Children (interviews, reports, the
parts of a pathway) are visible exactly when the root above them is; a person when one of her
referrals or pathways is (and never once merged into another record: she is then only an alias).

A record the user may not see is answered with 404, never 403.

Restriction of processing (GDPR art. 18, ``privacy.Restriction``): a restricted person and every record
of hers (referrals, pathways and all beneath them) vanish for everyone but coordinators, who still see
them (the pages mark them "restricted").
"""

from __future__ import annotations

from collections import defaultdict
from typing import TypeVar

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.db.models import BooleanField, Exists, Expression, F, OuterRef, QuerySet, Subquery
from django.db.models.signals import post_delete, post_migrate, post_save
from django.db.models.sql import InsertQuery
from django.dispatch import Signal
from django.http import Http404
from guardian.shortcuts import assign_perm, remove_perm

from ceis.audit.models import Event
from ceis.audit.services import event_build, event_record

M = TypeVar("M", bound=models.Model)


# Sent after assignment rows are granted or revoked (``record``, ``users``): what reads them in bulk
# (the caseload dashboard's stored figures) follows; the rows themselves are written without model signals.
assignments_changed = Signal()


# Named by label, like the children below: ``ceis`` is the floor every app stands on and imports none of them.
_ROOTS = {
    "referrals.Referral": "referrals.ReferralUserObjectPermission",
    "groups.GroupSession": "groups.GroupSessionUserObjectPermission",
    "protection.ProtectionPathway": "protection.ProtectionPathwayUserObjectPermission",
}


def _roots() -> dict[type[models.Model], type[models.Model]]:
    """Protected root model -> its direct-FK user permission model."""
    return {apps.get_model(root): apps.get_model(perm) for root, perm in _ROOTS.items()}


# Children of a protected root: "app_label.Model" -> path to the root. They carry no permissions of
# their own and are visible (changeable) exactly when the root above them is.
_CHILDREN = {
    "interviews.Interview": "referral",
    "interviews.Report": "referral",
    "interviews.SentReport": "report__referral",
    "protection.PhaseChange": "pathway",
    "protection.PlanGoal": "pathway",
    "protection.GoalReview": "goal__pathway",
    "protection.Accommodation": "pathway",
    "protection.LiteracyCourse": "pathway",
    "protection.Training": "pathway",
    "protection.JobPlacement": "pathway",
    "protection.ResidencePermit": "pathway",
    "protection.DiaryEntry": "pathway",
}

# Children beneath one of two roots (exactly one is set): visible (changeable) when that root is.
_CHILDREN_OF_EITHER = {
    "protection.ServiceReferral": ("pathway", "referral"),
    "approvals.ClosureRequest": ("pathway", "referral"),
}
_CHILDREN["protection.ServiceStatusChange"] = "service"

# Records beneath a person (consents, legal bases, disclosures): visible (changeable) exactly when she is.
_CHILDREN.update(
    {
        "consent.Consent": "person",
        "consent.ConsentWithdrawal": "consent__person",
        "consent.LegalBasis": "person",
        "consent.Disclosure": "person",
    }
)


# Models that belong to one person: "app_label.Model" -> path to the person, for the restriction filter.
# Children follow their root (``visible`` filters them through it).
_PERSON_PATHS = {
    "referrals.Person": "pk",
    "referrals.Referral": "person",
    "protection.ProtectionPathway": "person",
    "protection.ServiceReferral": "person",
    "documents.Document": "person",
}


def sees_restricted(user) -> bool:
    """Coordinators (and the break-glass superuser) see restricted people; operators and admins do not.

    By role, not ``has_perm``: the role is cached on the user and read by every page's menu anyway,
    so the check costs no query of its own.
    """
    from ceis.accounts import roles

    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or user.has_role(roles.COORDINATOR)


def _person_path(model: type[models.Model]) -> str | None:
    path = _PERSON_PATHS.get(model._meta.label)
    if path is not None:
        return path
    child = _child_root(model)
    if child is not None:
        root, to_root = child
        root_path = _PERSON_PATHS.get(root._meta.label)
        return f"{to_root}__{root_path}" if root_path else None
    return None


def _hide_restricted(qs: QuerySet, user) -> QuerySet:
    if sees_restricted(user):
        return qs
    return without_restricted(qs)


def without_restricted(model_or_qs: type[M] | QuerySet[M]) -> QuerySet[M]:
    """The records that do not belong to a restricted person, for work done on nobody's behalf (reminders)."""
    qs = _as_queryset(model_or_qs)
    path = _person_path(qs.model)
    if path is None:
        return qs
    if "__" not in path:  # a column of the record itself: the fixed text, nothing to build
        return qs.filter(_Unrestricted(F(path)))
    Restriction = apps.get_model("privacy.Restriction")
    return qs.filter(~Exists(Restriction.objects.filter(person=OuterRef(path))))


def _child_root(model: type[models.Model]) -> tuple[type[models.Model], str] | None:
    path = _CHILDREN.get(model._meta.label)
    if path is None:
        return None
    root = model
    for name in path.split("__"):
        root = root._meta.get_field(name).related_model
    return root, path


def _perm(model: type[models.Model], action: str) -> str:
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def _as_queryset(model_or_qs) -> QuerySet:
    return model_or_qs if isinstance(model_or_qs, QuerySet) else model_or_qs._default_manager.all()


def _visible_roots(model: type[models.Model], user, action: str = "view", qs: QuerySet | None = None) -> QuerySet:
    """What guardian's ``get_objects_for_user`` answers for one permission (superuser or global permission: all;
    otherwise the records with a row of the user's or of one of her groups), as two correlated ``EXISTS``.

    Guardian writes ``pk IN (her rows) OR pk IN (her groups' rows)``: an OR of two ``IN`` that PostgreSQL can
    only run as hashed subplans, reading every assignment row of hers (hundreds) even to fetch one record by
    pk (the detail pages, ``can_change``). ``EXISTS`` lets it probe the unique index (user, permission,
    object) once per record instead, and still hash the rows when it has many records to filter.
    """
    if not user.is_authenticated or not user.is_active:
        return model._default_manager.none()
    qs = qs if qs is not None else model._default_manager.all()
    if user.is_superuser or user.has_perm(_perm(model, action)):
        return qs
    return qs.filter(_Permitted(model, action, user.pk))


def _perm_rows(model: type[models.Model], action: str, perm_model: type[models.Model]) -> QuerySet:
    """The rows of one permission (``view``/``change``) of a root in a direct-FK permission table."""
    from django.contrib.auth.models import Permission

    permission = Permission.objects.filter(
        codename=f"{action}_{model._meta.model_name}", content_type__app_label=model._meta.app_label
    ).values("pk")[:1]
    return perm_model.objects.filter(permission=Subquery(permission))


# Aliases of the fixed SQL below: lower case, so never one the ORM gives (table names, ``T1``, ``U0``, ``AB0``),
# and the only outer name the text refers to is the record's column, compiled by the ORM itself.
_ROW, _PERM, _CT, _MEMBER, _RESTRICTION = "ceis_row", "ceis_perm", "ceis_ct", "ceis_member", "ceis_restriction"


class _Permitted(Expression):
    """Her rows or her groups' rows of one permission on the record whose key is ``pk``: the SQL of
    ``Exists(user_rows) | Exists(group_rows)`` (``_visible_roots``), written once per root, action and database
    instead of built from five nested querysets on every call, which took half the time of a detail page (the
    documents panel alone asks it of three roots, the person's twice). Same tables, conditions and parameters
    as the ORM wrote them; only the aliases differ.
    """

    conditional = True
    output_field = BooleanField()

    def __init__(self, model: type[models.Model], action: str, user_pk: int, pk: Expression | None = None):
        super().__init__(output_field=BooleanField())
        self.model, self.action, self.user_pk = model, action, user_pk
        self.pk = pk if pk is not None else F("pk")

    def get_source_expressions(self):
        return [self.pk]

    def set_source_expressions(self, exprs):
        (self.pk,) = exprs

    def as_sql(self, compiler, connection):
        pk_sql, pk_params = compiler.compile(self.pk)
        user_sql, group_sql, permission_sql, permission_params = _permitted_sql(self.model, self.action, connection)
        permission_id = _permission_id(self.model, self.action, connection)
        if permission_id is not None:  # the id the subquery would find, as a parameter: nothing to plan
            permission_sql, permission_params = "%s", (permission_id,)
        parts = {"pk": pk_sql, "permission": permission_sql}
        sql = f"({user_sql % parts} OR {group_sql % parts})"
        params = [*permission_params, *pk_params, self.user_pk, *permission_params, *pk_params, self.user_pk]
        return sql, params


# Permission ids by (database, root, action), read once per process: comparing with the id rather than the scalar
# subquery spares PostgreSQL planning that subquery (a sort and a join) in every check, about 5 ms on a detail
# page. Forgotten whenever the permissions may have been written again (migrate and flush send post_migrate) or a
# Permission row is saved or deleted. A stale id could only name a deleted permission (ids are never reused), so
# it would hide records, never show them.
_permission_ids: dict[tuple[str, str, str], int] = {}


def _permission_id(model: type[models.Model], action: str, connection) -> int | None:
    key = (connection.alias, model._meta.label, action)
    if key not in _permission_ids:
        from django.contrib.auth.models import Permission

        found = (
            Permission.objects.using(connection.alias)
            .filter(codename=f"{action}_{model._meta.model_name}", content_type__app_label=model._meta.app_label)
            .values_list("pk", flat=True)
            .first()  # in Permission's order, as the subquery's LIMIT 1
        )
        if found is None:
            return None  # not there (yet): the subquery decides, as it always did
        _permission_ids[key] = found
    return _permission_ids[key]


def _forget_permission_ids(**kwargs) -> None:
    _permission_ids.clear()


post_migrate.connect(_forget_permission_ids, dispatch_uid="ceis.access.forget_permission_ids")
post_save.connect(_forget_permission_ids, sender="auth.Permission", dispatch_uid="ceis.access.permission_saved")
post_delete.connect(_forget_permission_ids, sender="auth.Permission", dispatch_uid="ceis.access.permission_deleted")


_permitted_cache: dict[tuple[str, str, str], tuple[str, str, str, tuple[str, str]]] = {}


def _permitted_sql(model: type[models.Model], action: str, connection) -> tuple[str, str, str, tuple[str, str]]:
    """The two ``EXISTS`` of ``_Permitted`` (``%(pk)s`` for the record's key, ``%(permission)s`` for the
    permission's), and the permission as ``_perm_rows`` compares it with its parameters."""
    key = (model._meta.label, action, connection.vendor)
    if key not in _permitted_cache:
        from django.contrib.auth.models import Permission
        from django.contrib.contenttypes.models import ContentType
        from guardian.utils import get_group_obj_perms_model

        qn = connection.ops.quote_name
        perm, ct = Permission._meta, ContentType._meta
        # As ``_perm_rows`` compares it: a scalar subquery, in Permission's default order.
        permission = (
            f"SELECT {_PERM}.{qn(perm.pk.column)} AS {qn('pk')} FROM {qn(perm.db_table)} {_PERM} "
            f"INNER JOIN {qn(ct.db_table)} {_CT} ON ({_PERM}.{qn(perm.get_field('content_type').column)} = "
            f"{_CT}.{qn(ct.pk.column)}) WHERE ({_PERM}.{qn(perm.get_field('codename').column)} = %s AND "
            f"{_CT}.{qn(ct.get_field('app_label').column)} = %s) ORDER BY {_CT}.{qn('app_label')} ASC, "
            f"{_CT}.{qn('model')} ASC, {_PERM}.{qn('codename')} ASC LIMIT 1"
        )

        def rows(perm_model: type[models.Model], holder: str, holder_sql: str) -> str:
            meta = perm_model._meta
            return (
                f"EXISTS(SELECT 1 AS {qn('a')} FROM {qn(meta.db_table)} {_ROW} WHERE "
                f"({_ROW}.{qn(meta.get_field('permission').column)} = (%(permission)s) AND "
                f"{_ROW}.{qn(meta.get_field('content_object').column)} = (%(pk)s) AND "
                f"{_ROW}.{qn(meta.get_field(holder).column)} {holder_sql}) LIMIT 1)"
            )

        membership = get_user_model().groups.through._meta
        member_group = qn(membership.get_field("group").column)
        groups = (
            f"IN (SELECT {_MEMBER}.{member_group} AS {qn('group')} FROM {qn(membership.db_table)} {_MEMBER} "
            f"WHERE {_MEMBER}.{qn(membership.get_field('user').column)} = %%s)"
        )
        _permitted_cache[key] = (
            rows(_roots()[model], "user", "= %%s"),
            rows(get_group_obj_perms_model(model), "group", groups),
            permission,
            (f"{action}_{model._meta.model_name}", model._meta.app_label),
        )
    return _permitted_cache[key]


class _Unrestricted(Expression):
    """No restriction on the person whose key is ``person``: the SQL of
    ``~Exists(Restriction.objects.filter(person=OuterRef(path)))``, as text (see ``_Permitted``)."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, person: Expression):
        super().__init__(output_field=BooleanField())
        self.person = person

    def get_source_expressions(self):
        return [self.person]

    def set_source_expressions(self, exprs):
        (self.person,) = exprs

    def as_sql(self, compiler, connection):
        person_sql, params = compiler.compile(self.person)
        meta = apps.get_model("privacy.Restriction")._meta
        qn = connection.ops.quote_name
        sql = (
            f"NOT EXISTS(SELECT 1 AS {qn('a')} FROM {qn(meta.db_table)} {_RESTRICTION} WHERE "
            f"{_RESTRICTION}.{qn(meta.get_field('person').column)} = ({person_sql}) LIMIT 1)"
        )
        return sql, params


def visible(model_or_qs: type[M] | QuerySet[M], user, *, action: str = "view") -> QuerySet[M]:
    """The records of this model (or narrowed queryset) that ``user`` may view (or change)."""
    Person, Referral = apps.get_model("referrals.Person"), apps.get_model("referrals.Referral")
    qs = _as_queryset(model_or_qs)
    model = qs.model
    if model in _roots():
        return _hide_restricted(_visible_roots(model, user, action, qs), user)
    if model is Person:
        # A record merged into another is nobody's to see: it is the alias of its case code, its links lead on
        # to the record kept (``referrals.views``), and nothing hangs beneath it.
        qs = qs.filter(merged_into__isnull=True)
        # A person is visible when one of her referrals or pathways is.
        if user.is_authenticated and user.is_active and user.has_perm(_perm(Person, action)):
            return qs
        ProtectionPathway = apps.get_model("protection.ProtectionPathway")
        referrals = _visible_roots(Referral, user, action)
        pathways = _visible_roots(ProtectionPathway, user, action)
        return _hide_restricted(
            qs.filter(Exists(referrals.filter(person=OuterRef("pk"))) | Exists(pathways.filter(person=OuterRef("pk")))),
            user,
        )
    either = _CHILDREN_OF_EITHER.get(model._meta.label)
    if either is not None:
        condition = models.Q()
        for path in either:
            root = model._meta.get_field(path).related_model
            condition |= Exists(visible(root, user, action=action).filter(pk=OuterRef(path)))
        return qs.filter(condition)
    child = _child_root(model)
    if child is not None:
        root, path = child
        roots = visible(root, user, action=action)
        return qs.filter(Exists(roots.filter(pk=OuterRef(path))))
    if model._meta.label == "documents.Document":
        return _hide_restricted(_visible_documents(qs, user, action), user)
    raise TypeError(f"{model.__name__} is not a case record known to ceis.access")


# The branches of the documents rule, in its order: the record a document follows, the condition that picks it.
_DOCUMENT_BRANCHES = {
    "pathway": ("protection.ProtectionPathway", models.Q(pathway__isnull=False)),
    "referral": ("referrals.Referral", models.Q(pathway__isnull=True, referral__isnull=False)),
    "person": ("referrals.Person", models.Q(pathway__isnull=True, referral__isnull=True)),
}
# The branches a document hanging on a record can take, by the field that names that record (the models' check
# constraints: a pathway's document names no referral; an interview's names its referral).
_DOCUMENT_BRANCHES_ON = {
    "pathway": ("pathway",),
    "referral": ("referral",),
    "interview": ("referral",),
    "person": ("pathway", "referral", "person"),
}


def _visible_documents(qs: QuerySet, user, action: str, branches=tuple(_DOCUMENT_BRANCHES)) -> QuerySet:
    """A case document follows the record it hangs on: its pathway, else its referral (an interview's document
    names the interview's referral), else its person."""
    condition = models.Q()
    for branch in branches:
        label, picks = _DOCUMENT_BRANCHES[branch]
        records = visible(apps.get_model(label), user, action=action).filter(pk=OuterRef(branch))
        condition |= picks & Exists(records)
    return qs.filter(condition)


def visible_documents_on(qs: QuerySet[M], field: str, user, *, action: str = "view") -> QuerySet[M]:
    """``visible`` for documents that hang on one record through ``field`` (``qs`` filtered on it): the same
    rule, asked only of the branches such documents can take (a pathway's: the pathway's alone), which spares
    the database planning the others (two thirds of the query on a pathway's page).

    Each branch keeps its own condition, so leaving branches out can only show less than ``visible``, never
    more, whatever ``qs`` holds; on documents hanging on the record it is the same set.
    """
    if qs.model._meta.label != "documents.Document":
        raise TypeError(f"{qs.model.__name__} is not a case document")
    return _hide_restricted(_visible_documents(qs, user, action, _DOCUMENT_BRANCHES_ON[field]), user)


def get_visible(model_or_qs: type[M] | QuerySet[M], user, *, action: str = "view", **lookup) -> M:
    """Fetch one record the user may see, or raise 404 (also for malformed ids)."""
    try:
        return visible(model_or_qs, user, action=action).get(**lookup)
    except (models.ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def can_view(user, obj: models.Model) -> bool:
    return visible(type(obj), user).filter(pk=obj.pk).exists()


def can_change(user, obj: models.Model) -> bool:
    return visible(type(obj), user, action="change").filter(pk=obj.pk).exists()


@transaction.atomic
def assign(record: models.Model, user, *, by) -> bool:
    """Grant ``user`` view and change on a protected root. Returns False if already assigned."""
    model = type(record)
    if model not in _roots():
        raise TypeError(f"{model.__name__} is not a protected root")
    if is_assigned(record, user):
        return False
    for action in ("view", "change"):
        assign_perm(_perm(model, action), user, record)
    event_record(kind=Event.Kind.ASSIGN, actor=by, target=record, subject=user)
    assignments_changed.send(sender=model, record=record, users=[user])
    return True


def assign_new(record: models.Model, users, *, by) -> None:
    """``assign`` for a record created in the same transaction (nobody can hold it yet): the view and change
    rows of every user in one ``INSERT ... SELECT`` (no permission read, no existence check) and one
    ``assign`` audit event per user, as ``assign`` writes them (on PostgreSQL both in one statement). Call it
    inside the transaction that created ``record``."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType
    from django.db import connections, router

    model = type(record)
    if model not in _roots():
        raise TypeError(f"{model.__name__} is not a protected root")
    users = list(users)
    if not users:
        return
    perm_model = _roots()[model]
    db = router.db_for_write(perm_model)
    qn = connections[db].ops.quote_name
    meta = perm_model._meta
    cols = [meta.get_field(name).column for name in ("permission", "user", "content_object")]
    ct = ContentType.objects.db_manager(db).get_for_model(model)  # cached after the first call
    codenames = [f"view_{model._meta.model_name}", f"change_{model._meta.model_name}"]
    selects = " UNION ALL ".join(
        f"SELECT id, %s, %s FROM {qn(Permission._meta.db_table)} WHERE content_type_id = %s AND codename IN (%s, %s)"
        for _ in users
    )
    params = []
    for user in users:
        params += [user.pk, record.pk, ct.pk, *codenames]
    sql = f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(c) for c in cols)}) {selects}"
    events = [event_build(kind=Event.Kind.ASSIGN, actor=by, target=record, subject=user) for user in users]
    with connections[db].cursor() as cursor:
        if connections[db].vendor == "postgresql":
            # One statement: the rows in a data-modifying WITH, the events as the main INSERT.
            insert = InsertQuery(Event)
            insert.insert_values([f for f in Event._meta.local_concrete_fields if not f.primary_key], events)
            ((event_sql, event_params),) = insert.get_compiler(db).as_sql()
            cursor.execute(f"WITH granted AS ({sql} RETURNING 1) {event_sql}", [*params, *event_params])
        else:
            cursor.execute(sql, params)
            Event.objects.bulk_create(events)
    assignments_changed.send(sender=model, record=record, users=users)


@transaction.atomic
def unassign(record: models.Model, user, *, by) -> bool:
    """Revoke ``user``'s view and change on a protected root. Returns False if not assigned."""
    model = type(record)
    if model not in _roots():
        raise TypeError(f"{model.__name__} is not a protected root")
    if not is_assigned(record, user):
        return False
    for action in ("view", "change"):
        remove_perm(_perm(model, action), user, record)
    event_record(kind=Event.Kind.UNASSIGN, actor=by, target=record, subject=user)
    assignments_changed.send(sender=model, record=record, users=[user])
    return True


def _view_rows(model: type[models.Model]) -> QuerySet:
    """The assignment rows of a root: its direct-FK rows of the ``view_`` permission.

    The permission is compared with a scalar subquery rather than joined: PostgreSQL then estimates the
    share of rows it selects from the column's statistics (about half), where the join through permission
    and content type made it guess a few dozen rows and read whole permission tables (bench/README.md).
    """
    return _perm_rows(model, "view", _roots()[model])


def is_assigned(record: models.Model, user) -> bool:
    return _view_rows(type(record)).filter(content_object=record, user=user).exists()


def assignees(records) -> dict[int, list]:
    """Operators assigned to each record (by pk), in one query whatever the number of records."""
    records = list(records)
    if not records:
        return {}
    model = type(records[0])
    rows = (
        _view_rows(model)
        .filter(content_object__in=[r.pk for r in records])
        .select_related("user")
        .order_by("user__username")
    )
    result: dict[int, list] = defaultdict(list)
    for row in rows:
        result[row.content_object_id].append(row.user)
    return result


def assigned_to(model: type[M], user) -> QuerySet[M]:
    """Records explicitly assigned to ``user`` ("my referrals"), global permissions ignored, whether or not
    she is still active (a coordinator looks for a departed operator's records to reassign them); restricted
    ones only for those who see them.

    They are exactly the records she holds the object permission ``view_`` on: for her own lists they need no
    second filter through ``visible`` (whose OR of user and group permissions makes PostgreSQL scan the whole
    table); see ``mine``.
    """
    return _hide_restricted(
        model._default_manager.filter(pk__in=_view_rows(model).filter(user=user).values("content_object")), user
    )


def mine(model: type[M], user) -> QuerySet[M]:
    """The records assigned to ``user`` herself, for her own lists: nothing once she is inactive."""
    if not user.is_authenticated or not user.is_active:
        return model._default_manager.none()
    # The LIMIT (far above any caseload, so it never cuts) keeps PostgreSQL from flattening the subquery into
    # a semi-join: it then reads her assignment rows first (the guardian unique index starts with user_id) and
    # sorts her few hundred records, instead of walking the whole table backwards by date until a page of hers
    # turns up, which reads ~100x more rows at N = 100 000 than at N = 1 000 (bench/README.md).
    rows = _view_rows(model).filter(user=user).values("content_object")[:_NO_CASELOAD_IS_THIS_LARGE]
    return _hide_restricted(model._default_manager.filter(pk__in=rows), user)


_NO_CASELOAD_IS_THIS_LARGE = 2**62


def candidates(model: type[models.Model], user) -> QuerySet | None:
    """The ids of the records of a protected root whose ``view_`` rows name ``user`` or one of her groups, as a
    subquery PostgreSQL runs first; ``None`` when her role sees every record (nothing to narrow).

    A narrowing, never a grant: the caller still filters these records through ``visible``, which lets her see
    one exactly when she holds such a row or a global permission (and hides restricted people from operators);
    ``visible`` writes it as an ``OR`` of two ``EXISTS``, which can only be checked record by record, over every
    record. As a ``UNION`` of the two index ranges, under a ``LIMIT`` that never cuts (as ``mine`` does) so that
    it is not flattened into a semi-join, it yields her few hundred records, whose children are then read by
    their foreign-key index (the list of interviews, ``interviews.selectors.interview_list``).
    """
    if not user.is_authenticated or not user.is_active:
        return model._default_manager.none().values("pk")
    if user.is_superuser or user.has_perm(_perm(model, "view")):
        return None
    from guardian.utils import get_group_obj_perms_model

    rows = _view_rows(model).filter(user=user).order_by().values("content_object")
    group_rows = (
        _perm_rows(model, "view", get_group_obj_perms_model(model))
        .filter(group__in=user.groups.through.objects.filter(user=user).values("group"))
        .order_by()
        .values("content_object")
    )
    return rows.union(group_rows)[:_NO_CASELOAD_IS_THIS_LARGE]


def operators_assignable() -> QuerySet:
    """Active operators, the only users a record may be assigned to."""
    from ceis.accounts import roles

    return get_user_model().objects.filter(is_active=True, groups__name=roles.OPERATOR).order_by("username")


def assignee_pairs(model: type[models.Model]) -> QuerySet:
    """Assignment rows of a protected root (view permission, direct-FK table), for aggregating in SQL.

    Filter and group through ``content_object__...`` and ``user``: one query however many records.
    """
    if model not in _roots():
        raise TypeError(f"{model.__name__} is not a protected root")
    return _view_rows(model)
