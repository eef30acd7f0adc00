"""The models and the migrations agree: no model change is waiting for a migration."""

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration():
    out = StringIO()
    try:
        call_command("makemigrations", check=True, dry_run=True, stdout=out, stderr=out)
    except SystemExit as exit_:
        pytest.fail(
            f"makemigrations --check found model changes without a migration "
            f"(exit {exit_.code}):\n{out.getvalue()}"
        )
    assert "No changes detected" in out.getvalue(), out.getvalue()
