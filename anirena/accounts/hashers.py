from django.contrib.auth.hashers import Argon2PasswordHasher


class LowCostArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2 with the smallest cost, for the test suite only (ANIRENA_FAST_PASSWORD_HASHING=1).

    The hashes are still real Argon2 hashes in the same format; only the work factor drops, so a
    test suite that creates hundreds of accounts stays quick.
    """

    time_cost = 1
    memory_cost = 64
    parallelism = 1
