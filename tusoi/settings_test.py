"""Settings for the test suite: the production settings with a generated key and fast hashing."""

import os

os.environ.setdefault("TUSOI_GENERATE_SECRET", "1")

from tusoi.settings import *  # noqa: E402,F403

# Argon2 stays the production hasher; tests create thousands of users and only need speed here,
# except the test that asserts Argon2 is what production uses.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]  # noqa: F405, S303
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# Jobs run inline in tests (huey's immediate mode, in memory); one integration test starts a
# real worker process against its own storage.
HUEY = {**HUEY, "immediate": True}  # noqa: F405
