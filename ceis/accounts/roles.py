"""Roles are auth Groups; their model permissions are set by the data migrations and checked by tests.

Operators hold NO model-level view/change permission on protected roots: they see only what
``ceis.access`` grants them object by object.
"""

from __future__ import annotations

OPERATOR = "operatore"
COORDINATOR = "coordinatore"
ADMIN = "amministratore"
# Staff of one partner body (``User.partner_body``): submit referrals through the portal and follow their status,
# never any record's content. Confined to the portal's pages (``ceis.accounts.middleware.ConfinedRolesMiddleware``).
PARTNER = "ente"
# The local network and the regional secretariat: the de-identified statistics of the whole service, nothing else.
NETWORK = "rete"

ALL = (OPERATOR, COORDINATOR, ADMIN, PARTNER, NETWORK)
# Roles that see only their own few pages: every other route answers 404 to them.
CONFINED = (PARTNER, NETWORK)

# "app_label.codename" for each role, as the roles migration creates them.
PERMISSIONS: dict[str, tuple[str, ...]] = {
    OPERATOR: (
        "referrals.add_referral",
        "referrals.add_person",
        "partners.view_partnerbody",
        "partners.view_partnercontact",
        "groups.add_groupsession",
        "materials.add_material",  # the materials she uses in her sessions; coordinators retire them
        "materials.view_material",
        "materials.view_language",
        "protection.add_protectionpathway",
    ),
    COORDINATOR: (
        "referrals.add_referral",
        "referrals.view_referral",
        "referrals.change_referral",
        "referrals.assign_referral",
        "referrals.add_person",
        "referrals.view_person",
        "referrals.change_person",
        "partners.view_partnerbody",
        "partners.view_partnercontact",
        "auditlog.view_logentry",
        "audit.view_event",
        "groups.add_groupsession",
        "groups.view_groupsession",
        "groups.change_groupsession",
        "materials.add_material",
        "materials.change_material",
        "materials.view_material",
        "materials.view_language",
        "protection.add_protectionpathway",
        "protection.view_protectionpathway",
        "protection.change_protectionpathway",
        "stats.view_monthlyreport",
    ),
    ADMIN: (
        "partners.add_partnerbody",
        "partners.change_partnerbody",
        "partners.view_partnerbody",
        "partners.add_partnercontact",
        "partners.change_partnercontact",
        "partners.delete_partnercontact",
        "partners.view_partnercontact",
        "accounts.add_user",
        "accounts.change_user",
        "accounts.view_user",
        "interviews.add_indicator",
        "interviews.change_indicator",
        "interviews.view_indicator",
        "materials.add_material",
        "materials.change_material",
        "materials.view_material",
        "materials.add_language",
        "materials.change_language",
        "materials.view_language",
        "interviews.add_mediator",
        "interviews.change_mediator",
        "interviews.view_mediator",
    ),
    # What a portal submission writes (a person and her referral, created "new"); never view/change: the
    # portal shows the body's own referrals by body, not through model permissions.
    PARTNER: (
        "referrals.add_referral",
        "referrals.add_person",
    ),
    # Aggregates only: the statistics carry no model permission of their own.
    NETWORK: (),
}
