from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from ceis import access
from tests import factories

# Every clear text of the case below: none may survive an erasure anywhere in the database.
SECRETS = {
    "first_name": "Zainabu",
    "last_name": "Okonkwoeze",
    "aliases": "Mamaquilla",
    "phone": "+39 333 7654321",
    "documents": "Passaporto QX4455667",
    "reason": "Racconto del debito verso la madame Qwertilde",
    "closure_note": "Nota di chiusura Brindellone",
    "personal_history": "Storia personale Fiordalisa",
    "safety_notes": "Rischio per minacce Tramontino",
    "assessment": "Valutazione riservata Gelsomarina",
    "next_steps": "Prossimi passi Campanulo",
    "indicator_note": "Nota indicatore Zibaldone",
    "opinion": "Parere riservato Ortensiola",
    "goal": "Obiettivo suo Pervinchetta",
    "review": "Revisione riservata Mughetto",
    "secret_address": "Via Segretissima 42 Lucca",
    "diary": "Diario della relazione Sambuchella",
    "consent_interpreter": "Mediatrice Gelsomina Varrocchi",
    "legal_basis_explanation": "Spiegazione riservata Pelagatti",
}


@pytest.fixture(autouse=True)
def _english(request):
    """Assertions below read English labels: the users of these tests speak English."""
    for name in ("operator", "operator_b", "coordinator"):
        if name in request.fixturenames:
            user = request.getfixturevalue(name)
            user.language = "en"
            user.save(update_fields=["language"])


def build_case(operator, *, interviews: int = 1, diary: int = 1) -> dict:
    """A person with every kind of record, all assigned to ``operator``."""
    from groups.models import SessionReferral
    from interviews.models import Indicator, IndicatorAnswer, Report
    from protection import models as m

    s = SECRETS
    person = factories.PersonFactory(
        first_name=s["first_name"],
        last_name=s["last_name"],
        aliases=s["aliases"],
        phone=s["phone"],
        documents=s["documents"],
        date_of_birth=datetime.date(1999, 4, 5),
    )
    referral = factories.ReferralFactory(
        person=person, reason=s["reason"], closure_note=s["closure_note"], assigned_to=[operator]
    )
    indicator = Indicator.objects.first()
    records = {"person": person, "referral": referral, "interviews": []}
    for _ in range(interviews):
        interview = factories.InterviewFactory(
            referral=referral,
            status="completed",
            held_at=timezone.now() - datetime.timedelta(hours=2),
            duration_minutes=60,
            personal_history=s["personal_history"],
            safety_notes=s["safety_notes"],
            assessment=s["assessment"],
            next_steps=s["next_steps"],
        )
        IndicatorAnswer.objects.create(
            interview=interview, indicator=indicator, answer="observed", note=s["indicator_note"]
        )
        records["interviews"].append(interview)
    records["report"] = Report.objects.create(
        referral=referral, recipient=referral.referring_body, opinion=s["opinion"]
    )
    session = factories.GroupSessionFactory(facilitators=[operator])
    SessionReferral.objects.create(session=session, referral=referral)
    records["session"] = session
    pathway = m.ProtectionPathway.objects.create(person=person, referral=referral, legal_basis="art18_social")
    access.assign(pathway, operator, by=operator)
    day = datetime.date(2026, 1, 10)
    goal = m.PlanGoal.objects.create(pathway=pathway, area="work", goal=s["goal"])
    records.update(
        pathway=pathway,
        goal=goal,
        review=m.GoalReview.objects.create(goal=goal, note=s["review"]),
        accommodation=m.Accommodation.objects.create(
            pathway=pathway, type="safe_house", secret_address=s["secret_address"], start=day
        ),
        literacy=m.LiteracyCourse.objects.create(
            pathway=pathway, provider="CPIA", level_start="a1", level_now="a1", start=day
        ),
        training=m.Training.objects.create(pathway=pathway, kind="school", title="Licenza", provider="CPIA", start=day),
        job=m.JobPlacement.objects.create(pathway=pathway, kind="traineeship", employer="Coop", start=day),
        permit=m.ResidencePermit.objects.create(pathway=pathway, type="art18", route="social"),
        diary=[m.DiaryEntry.objects.create(pathway=pathway, written_on=day, text=s["diary"]) for _ in range(diary)],
        consent=factories.ConsentFactory(person=person, interpreter=s["consent_interpreter"], recorded_by=operator),
        legal_basis=factories.LegalBasisFactory(
            person=person, explanation=s["legal_basis_explanation"], recorded_by=operator
        ),
    )
    return records


@pytest.fixture
def case(operator):
    return build_case(operator)
