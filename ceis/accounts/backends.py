"""Who the signed-in user is, read once per request: her roles, her permissions and her unread count.

Django's ``ModelBackend`` reads a user's own permissions and her groups' permissions in two queries, the roles
(``User.has_role``) take a third and the navigation bar's unread count a fourth, on every page. ``load`` reads all
of them in one ``UNION ALL`` and leaves them where Django and ``User`` already look for them (``_perm_cache``,
``_user_perm_cache``, ``_group_perm_cache``, ``_role_cache``) for the life of the user object, that is the
request, exactly as Django's own caches already did: same sets, one round trip (bench/README.md).

A superuser's permissions are every permission: Django's backend answers them as before (not read here).
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth import backends
from django.db import connection

from ceis.accounts import roles as role_names

ROLE, USER_PERM, GROUP_PERM, UNREAD, CLOSURES = 0, 1, 2, 3, 4


def _sql(user_model) -> str:
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Notification = apps.get_model("notifications", "Notification")
    q = connection.ops.quote_name
    user_groups = q(user_model.groups.through._meta.db_table)
    user_perms = q(user_model.user_permissions.through._meta.db_table)
    group_perms = q(Group.permissions.through._meta.db_table)
    perm, ct, group = q(Permission._meta.db_table), q(ContentType._meta.db_table), q(Group._meta.db_table)
    notification = q(Notification._meta.db_table)
    closure = q(apps.get_model("approvals", "ClosureRequest")._meta.db_table)
    return (
        f"SELECT {ROLE} AS kind, g.{q('name')} AS a, '' AS b FROM {group} g "
        f"INNER JOIN {user_groups} ug ON ug.{q('group_id')} = g.{q('id')} WHERE ug.{q('user_id')} = %s "
        f"UNION ALL SELECT {USER_PERM}, ct.{q('app_label')}, p.{q('codename')} FROM {perm} p "
        f"INNER JOIN {user_perms} up ON up.{q('permission_id')} = p.{q('id')} "
        f"INNER JOIN {ct} ct ON ct.{q('id')} = p.{q('content_type_id')} WHERE up.{q('user_id')} = %s "
        f"UNION ALL SELECT {GROUP_PERM}, ct.{q('app_label')}, p.{q('codename')} FROM {perm} p "
        f"INNER JOIN {group_perms} gp ON gp.{q('permission_id')} = p.{q('id')} "
        f"INNER JOIN {user_groups} ug ON ug.{q('group_id')} = gp.{q('group_id')} "
        f"INNER JOIN {ct} ct ON ct.{q('id')} = p.{q('content_type_id')} WHERE ug.{q('user_id')} = %s "
        f"UNION ALL SELECT {UNREAD}, CAST(COUNT(*) AS VARCHAR(20)), '' FROM {notification} n "
        f"WHERE n.{q('recipient_id')} = %s AND n.{q('read_at')} IS NULL"
        # Closures waiting for approval, counted for coordinators only (the queue's index answers it).
        f" UNION ALL SELECT {CLOSURES}, CAST(COUNT(*) AS VARCHAR(20)), '' FROM {closure} c "
        f"WHERE c.{q('status')} = 'pending' AND EXISTS (SELECT 1 FROM {user_groups} ug "
        f"INNER JOIN {group} g ON g.{q('id')} = ug.{q('group_id')} "
        f"WHERE ug.{q('user_id')} = %s AND g.{q('name')} = %s)"
    )


def load(user) -> None:
    """Read the roles, the permissions and the unread count of ``user`` in one query, onto the instance."""
    if not user.pk:
        return
    roles: set[str] = set()
    own: set[str] = set()
    groups: set[str] = set()
    unread = closures = 0
    with connection.cursor() as cursor:
        cursor.execute(_sql(type(user)), [user.pk] * 5 + [role_names.COORDINATOR])
        for kind, a, b in cursor.fetchall():
            if kind == ROLE:
                roles.add(a)
            elif kind == USER_PERM:
                own.add(f"{a}.{b}")
            elif kind == GROUP_PERM:
                groups.add(f"{a}.{b}")
            elif kind == UNREAD:
                unread = int(a)
            else:
                closures = int(a)
    user.__dict__["_role_cache"] = roles
    user.__dict__["_unread_notifications"] = unread
    user.__dict__["_pending_closures"] = closures
    if not user.is_superuser:  # a superuser holds every permission: Django's backend reads them
        user._user_perm_cache = own
        user._group_perm_cache = groups
        user._perm_cache = own | groups


class ModelBackend(backends.ModelBackend):
    """Django's ``ModelBackend``, with the user's permissions read by ``load`` (together with her roles)."""

    def get_all_permissions(self, user_obj, obj=None):
        if (
            obj is None
            and user_obj.is_active
            and not user_obj.is_anonymous
            and not user_obj.is_superuser
            and not hasattr(user_obj, "_perm_cache")
        ):
            load(user_obj)
        return super().get_all_permissions(user_obj, obj)


def forget(user) -> None:
    """Drop what ``load`` read (after a change of role), so that the next check reads it again."""
    for name in (
        "_role_cache",
        "_unread_notifications",
        "_pending_closures",
        "_perm_cache",
        "_user_perm_cache",
        "_group_perm_cache",
    ):
        user.__dict__.pop(name, None)
