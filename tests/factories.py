from __future__ import annotations

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from ceis import access
from ceis.accounts import roles
from ceis.partners.models import PartnerBody, PartnerContact
from referrals.models import Person, Referral

PASSWORD = "a-long-test-password-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"Nome{n}")
    last_name = "Test"
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        """``UserFactory(role="operatore")``; the role factories below set it for you."""
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))
        if create:
            self.save()


def _with_role(name: str):
    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name=extracted or name))
            self.save()

    return role


class OperatorFactory(UserFactory):
    role = _with_role(roles.OPERATOR)


class CoordinatorFactory(UserFactory):
    role = _with_role(roles.COORDINATOR)


class AdminFactory(UserFactory):
    role = _with_role(roles.ADMIN)


class PartnerBodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerBody

    name = factory.Sequence(lambda n: f"CAS Test {n}")
    kind = PartnerBody.Kind.CAS
    municipality = "Lucca"


class PartnerUserFactory(UserFactory):
    """A partner body's portal account (role ``ente``), with its body."""

    partner_body = factory.SubFactory(PartnerBodyFactory)
    role = _with_role(roles.PARTNER)


class NetworkFactory(UserFactory):
    """A network account (role ``rete``): the statistics only."""

    role = _with_role(roles.NETWORK)


class PartnerContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerContact

    body = factory.SubFactory(PartnerBodyFactory)
    name = factory.Sequence(lambda n: f"Referente {n}")
    role = "operatore CAS"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    first_name = factory.Sequence(lambda n: f"Amina{n}")  # never a user's name ("Nome<n>")
    last_name = factory.Sequence(lambda n: f"Cognome{n}")
    birth_year = 1999
    nationality = "NG"
    gender = Person.Gender.FEMALE


class ReferralFactory(factory.django.DjangoModelFactory):
    """A referral; pass ``assigned_to=[user, ...]`` to grant access through ceis.access."""

    class Meta:
        model = Referral
        skip_postgeneration_save = True

    person = factory.SubFactory(PersonFactory)
    referring_body = factory.SubFactory(PartnerBodyFactory)
    channel = Referral.Channel.PHONE
    received_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    urgency = Referral.Urgency.ROUTINE
    reason = "Segnalazione di prova"

    @factory.post_generation
    def assigned_to(self, create, extracted, **kwargs):
        for user in extracted or ():
            access.assign(self, user, by=user)
            self.status = Referral.Status.ASSIGNED
            self.save(update_fields=["status"])


class PortalReferralFactory(ReferralFactory):
    """A referral a partner body sent through the portal (status "new" until a coordinator assigns it)."""

    channel = Referral.Channel.PORTAL
    referrer_name = "Operatrice CAS"


class InterviewFactory(factory.django.DjangoModelFactory):
    """A scheduled interview, numbered within its referral."""

    class Meta:
        model = "interviews.Interview"

    referral = factory.SubFactory(ReferralFactory)
    number = factory.LazyAttribute(lambda o: o.referral.interviews.count() + 1)
    status = "scheduled"
    scheduled_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=3))
    place = "Sede CeIS"


class LanguageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "materials.Language"
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"q{chr(97 + n // 26 % 20)}{chr(97 + n % 26)}")  # qaa-qtz: ISO local use
    name_it = factory.Sequence(lambda n: f"lingua {n}")
    name_en = factory.Sequence(lambda n: f"language {n}")


class MaterialFactory(factory.django.DjangoModelFactory):
    """A material given as a link; pass ``languages=[...]``/``topics=[...]`` (default: English)."""

    class Meta:
        model = "materials.Material"
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Materiale {n}")
    kind = "video"
    url = factory.Sequence(lambda n: f"https://video.example.org/watch/{n}")

    @factory.post_generation
    def languages(self, create, extracted, **kwargs):
        if create:
            from materials.models import Language

            self.languages.set(extracted if extracted is not None else [Language.objects.get(code="en")])

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.set(extracted)


class GroupSessionFactory(factory.django.DjangoModelFactory):
    """A group session held yesterday; pass ``facilitators=[user, ...]`` to assign them through ceis.access."""

    class Meta:
        model = "groups.GroupSession"
        skip_postgeneration_save = True

    held_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    # Held when dated in the past, planned when still to come (a future session cannot be held).
    status = factory.LazyAttribute(lambda o: "planned" if o.held_at > timezone.now() else "held")
    host_centre = factory.SubFactory(PartnerBodyFactory)
    place = "Sala comune"

    @factory.post_generation
    def facilitators(self, create, extracted, **kwargs):
        for user in extracted or ():
            access.assign(self, user, by=user)


class AttendanceRowFactory(factory.django.DjangoModelFactory):
    """How many people of a nationality and gender attended a session (aggregates only, never names)."""

    class Meta:
        model = "groups.AttendanceRow"

    session = factory.SubFactory(GroupSessionFactory)
    nationality = "NG"
    gender = "female"
    count = 5


class PathwayFactory(factory.django.DjangoModelFactory):
    """An open protection pathway started ten days ago, with its first phase change.

    Pass ``assigned_to=[user, ...]`` to grant access through ceis.access.
    """

    class Meta:
        model = "protection.ProtectionPathway"
        skip_postgeneration_save = True

    person = factory.SubFactory(PersonFactory)
    legal_basis = "art18_social"
    phase = "emergency"
    started_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=10))

    @factory.post_generation
    def first_phase(self, create, extracted, **kwargs):
        if create:
            self.phase_changes.create(phase=self.phase, changed_on=self.started_on)

    @factory.post_generation
    def assigned_to(self, create, extracted, **kwargs):
        for user in extracted or ():
            access.assign(self, user, by=user)


# Consent (ceis/consent): append-only rows, created once.


def _notice():
    from ceis.consent.models import InformationNotice

    notice, _ = InformationNotice.objects.get_or_create(version="test-1", language="English")
    return notice


class ConsentFactory(factory.django.DjangoModelFactory):
    """``ConsentFactory(person=p, purpose="referral", recipient=body)``; no recipient means any recipient."""

    class Meta:
        model = "consent.Consent"

    person = factory.SubFactory(PersonFactory)
    purpose = "referral"
    recipient = None
    notice = factory.LazyFunction(_notice)
    language = "English"
    interpreter = ""
    given_on = factory.LazyFunction(timezone.localdate)
    recorded_by = factory.SubFactory(OperatorFactory)


class LegalBasisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "consent.LegalBasis"

    person = factory.SubFactory(PersonFactory)
    purpose = "referral"
    basis = "legal_claims"
    recipient = None
    explanation = "Richiesta dell'autorità giudiziaria (fittizia)."
    decided_on = factory.LazyFunction(timezone.localdate)
    recorded_by = factory.SubFactory(OperatorFactory)
