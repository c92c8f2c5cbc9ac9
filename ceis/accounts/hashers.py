"""Password hashing: Argon2id at OWASP's minimum parameters, so that a login does not hold a core for long.

Django's ``Argon2PasswordHasher`` defaults to 100 MiB, 2 passes and 8 lanes: on the service's two cores one
login took ~0.3 s of CPU alone, and 50 people signing in at nine o'clock queued every other page behind them
(bench/README.md, "Login"). OWASP's Password Storage Cheat Sheet gives as its minimum for Argon2id 19 MiB of
memory, 2 iterations and 1 degree of parallelism: these are the parameters used here, never fewer.

The algorithm name stays ``argon2``, so every stored hash still verifies; a hash made with other parameters
(Django's defaults) is re-made with these at the next successful login (``must_update``, Django's upgrade path).
"""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher

# OWASP Password Storage Cheat Sheet, Argon2id minimum configuration.
OWASP_MIN_MEMORY_KIB = 19 * 1024
OWASP_MIN_TIME_COST = 2
OWASP_MIN_PARALLELISM = 1


class Argon2idPasswordHasher(Argon2PasswordHasher):
    """Argon2id (Django's variant) with m = 19 MiB, t = 2, p = 1."""

    time_cost = OWASP_MIN_TIME_COST
    memory_cost = OWASP_MIN_MEMORY_KIB
    parallelism = OWASP_MIN_PARALLELISM
