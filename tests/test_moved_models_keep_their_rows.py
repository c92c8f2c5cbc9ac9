"""Moving the library to ``materials`` and the statistics to ``stats`` keeps every row, link and grant.

The database is taken back to the schema before the move (``groups.0003``, ``caseload.0003``), filled with
the old models (languages, topics, materials with their links, a session using them, an attendance row,
a monthly report, a statistics snapshot, an audit row naming a material), then migrated forward: the new
models read the same rows, the content types keep their ids under the new app, and the roles' grants and
the audit row still point at them. Runs on SQLite and PostgreSQL alike (``DATABASE_URL``).
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [("groups", "0003_material_file_or_link"), ("caseload", "0003_caseload_snapshot")]


def _migrate(targets) -> None:
    MigrationExecutor(connection).migrate(targets)


def _fill_old_schema():
    old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
    ct = old.get_model("contenttypes", "ContentType")
    Language, Topic, Material = (old.get_model("groups", m) for m in ("Language", "Topic", "Material"))
    GroupSession, AttendanceRow = old.get_model("groups", "GroupSession"), old.get_model("groups", "AttendanceRow")
    PartnerBody = old.get_model("partners", "PartnerBody")
    MonthlyReport, StatisticsSnapshot = (old.get_model("caseload", m) for m in ("MonthlyReport", "StatisticsSnapshot"))
    LogEntry = old.get_model("auditlog", "LogEntry")

    tigrinya = Language.objects.create(code="tst-ti", name_it="tigrino (prova)", name_en="Tigrinya (test)")
    topic = Topic.objects.get(code="law")
    video = Material.objects.create(title="Moved video", kind="video", url="https://example.org/v")
    video.languages.add(tigrinya)
    video.topics.add(topic)
    centre = PartnerBody.objects.create(name="CAS moved (test)", kind="cas")
    session = GroupSession.objects.create(held_at=timezone.now(), host_centre=centre)
    session.languages.add(tigrinya)
    session.materials.add(video)
    session.topics.add(topic)
    AttendanceRow.objects.create(session=session, nationality="ER", gender="female", language=tigrinya, count=4)
    MonthlyReport.objects.create(month=datetime.date(2025, 3, 1), data={"sections": []})
    StatisticsSnapshot.objects.create(start=datetime.date(2025, 1, 1), end=datetime.date(2025, 12, 31), counts={"x": 1})
    material_ct = ct.objects.get(app_label="groups", model="material")
    LogEntry.objects.create(
        content_type=material_ct, object_pk=str(video.pk), object_repr=f"Material #{video.pk}", action=0
    )
    return {
        "ids": {"language": tigrinya.pk, "material": video.pk, "session": session.pk},
        "cts": {
            (app, model): ct.objects.get(app_label=app, model=model).pk
            for app, model in [
                ("groups", "language"),
                ("groups", "topic"),
                ("groups", "material"),
                ("caseload", "monthlyreport"),
                ("caseload", "statisticssnapshot"),
            ]
        },
    }


def test_every_moved_row_link_and_grant_survives_the_move():
    _migrate(BEFORE)
    try:
        before = _fill_old_schema()
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    fresh = MigrationExecutor(connection)
    assert not fresh.migration_plan(fresh.loader.graph.leaf_nodes())  # fully forward again
    ContentType.objects.clear_cache()

    from auditlog.models import LogEntry

    from groups.models import AttendanceRow, GroupSession
    from materials.models import Language, Material, Topic
    from stats.models import MonthlyReport, StatisticsSnapshot

    ids = before["ids"]
    video = Material.objects.get(pk=ids["material"])
    assert video.title == "Moved video"
    assert [lang.code for lang in video.languages.all()] == ["tst-ti"]
    assert [t.code for t in video.topics.all()] == ["law"]
    session = GroupSession.objects.get(pk=ids["session"])
    assert list(session.materials.all()) == [video]
    assert [lang.pk for lang in session.languages.all()] == [ids["language"]]
    assert [t.code for t in session.topics.all()] == ["law"]
    assert AttendanceRow.objects.get(session=session).language == Language.objects.get(code="tst-ti")
    assert Topic.objects.filter(code="law").exists()
    assert MonthlyReport.objects.get(month=datetime.date(2025, 3, 1)).data == {"sections": []}
    assert StatisticsSnapshot.objects.get(start=datetime.date(2025, 1, 1)).counts == {"x": 1}

    # Same content types (same ids), now under the new apps: nothing left under the old labels.
    for (old_app, model), pk in before["cts"].items():
        new_app = "materials" if old_app == "groups" else "stats"
        assert ContentType.objects.get(pk=pk).app_label == new_app, model
        assert not ContentType.objects.filter(app_label=old_app, model=model).exists()
    assert ContentType.objects.get_for_model(Material).pk == before["cts"][("groups", "material")]

    # The audit row and the roles' grants follow the model.
    entry = LogEntry.objects.get(object_pk=str(video.pk), content_type=ContentType.objects.get_for_model(Material))
    assert entry.object_repr == f"Material #{video.pk}"
    coordinators = Group.objects.get(name="coordinatore")
    assert coordinators.permissions.filter(content_type__app_label="materials", codename="change_material").exists()
    assert coordinators.permissions.filter(content_type__app_label="stats", codename="view_monthlyreport").exists()
    assert (
        Group.objects.get(name="amministratore")
        .permissions.filter(content_type__app_label="materials", codename="change_language")
        .exists()
    )
