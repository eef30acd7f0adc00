import pytest


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Result files go to a per-test folder, never to var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Inside the test's transaction, on_commit callbacks (job_enqueue) run when asked."""

    def _run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return _run
