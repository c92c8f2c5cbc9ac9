"""Fictional demo records that ``seed_demo`` adds through ``referrals.signals.demo_seeded``, one module per app."""
