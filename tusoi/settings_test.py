"""Settings for the test suite: the production settings with a generated key and fast hashing."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("TUSOI_GENERATE_SECRET", "1")
# A queue of the test run's own: a test that switches immediate mode off never touches var/.
os.environ.setdefault(
    "TUSOI_HUEY_FILE", str(Path(tempfile.gettempdir()) / f"tusoi-test-huey-{os.getpid()}.sqlite3")
)

from tusoi.settings import *  # noqa: E402,F403

# Argon2 stays the production hasher; tests create thousands of users and only need speed here,
# except the test that asserts Argon2 is what production uses.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]  # noqa: F405, S303
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# Jobs run inline in tests (huey's immediate mode, in memory); one integration test starts a
# real worker process against its own storage.
HUEY = {**HUEY, "immediate": True}  # noqa: F405

# Uploaded and generated files of the test run go to a temporary folder, never var/media.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="tusoi-test-media-"))
