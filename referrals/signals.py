from django.dispatch import Signal

# Sent by ``seed_demo`` (devdata) inside its transaction, after the demo accounts and referrals exist, with
# ``users`` (username -> User). Apps built on referrals add their own demo records from it,
# so that referrals need not know them.
demo_seeded = Signal()
