"""Settings a deployment relies on: Vietnamese, Hanoi time, dd/mm/yyyy dates, SQLite in WAL mode,
no secret key or debugging by accident."""

import os
import subprocess
import sys
from datetime import UTC, date, datetime

import pytest
from django.conf import settings
from django.db import connection
from django.template import Context, Template
from django.utils import formats, timezone, translation

# Variables the suite's own environment may carry that would change what settings do.
_SETTINGS_ENV = {
    "SECRET_KEY",
    "TUSOI_DEMO",
    "TUSOI_GENERATE_SECRET",
    "DEBUG",
    "DATABASE_URL",
    "DJANGO_SETTINGS_MODULE",
    "ALLOWED_HOSTS",
}


def _run_settings(tmp_path, code: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run `code` in a fresh interpreter that imports tusoi.settings with only `env` set."""
    clean = {k: v for k, v in os.environ.items() if k not in _SETTINGS_ENV}
    clean.update(TUSOI_VAR_DIR=str(tmp_path), **env)
    return subprocess.run(
        [sys.executable, "-c", code],
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_language_is_vietnamese_and_time_is_hanoi():
    assert settings.LANGUAGE_CODE == "vi"
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert settings.USE_TZ is True
    assert timezone.get_current_timezone_name() == "Asia/Ho_Chi_Minh"


def test_dates_are_written_day_month_year():
    with translation.override("vi"):
        assert formats.date_format(date(2024, 3, 5)) == "05/03/2024"
        assert formats.date_format(date(2024, 3, 5), "SHORT_DATE_FORMAT") == "05/03/2024"


def test_datetimes_show_in_hanoi_time():
    # 17:30 UTC on 5 March is 00:30 on 6 March in Hanoi (UTC+7).
    moment = datetime(2024, 3, 5, 17, 30, tzinfo=UTC)
    with translation.override("vi"):
        rendered = Template("{{ moment }}").render(Context({"moment": moment}))
    assert rendered == "00:30 06/03/2024"


def test_secret_key_is_required_outside_the_demo(tmp_path):
    result = _run_settings(tmp_path, "import tusoi.settings")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_demo_generates_a_private_secret_key_and_keeps_it(tmp_path):
    code = "import tusoi.settings as s; print(s.SECRET_KEY)"
    first = _run_settings(tmp_path, code, TUSOI_DEMO="1")
    assert first.returncode == 0, first.stderr
    key_file = tmp_path / "secret_key"
    assert key_file.read_text().strip() == first.stdout.strip()
    assert len(first.stdout.strip()) >= 50
    assert key_file.stat().st_mode & 0o777 == 0o600
    second = _run_settings(tmp_path, code, TUSOI_DEMO="1")
    assert second.stdout == first.stdout


@pytest.mark.parametrize(
    ("env", "debug"),
    [
        ({"SECRET_KEY": "k" * 50}, False),
        ({"SECRET_KEY": "k" * 50, "DEBUG": "0"}, False),
        ({"TUSOI_DEMO": "1"}, True),
        ({"SECRET_KEY": "k" * 50, "DEBUG": "1"}, True),
    ],
)
def test_debug_is_off_unless_asked_for(tmp_path, env, debug):
    result = _run_settings(tmp_path, "import tusoi.settings as s; print(s.DEBUG)", **env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(debug)


def test_default_database_is_sqlite_in_wal_mode(tmp_path):
    code = (
        "import django, os\n"
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'tusoi.settings'\n"
        "django.setup()\n"
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    c.execute('PRAGMA journal_mode')\n"
        "    print(connection.vendor, c.fetchone()[0])\n"
    )
    result = _run_settings(tmp_path, code, SECRET_KEY="k" * 50)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["sqlite", "wal"]
    assert (tmp_path / "tusoi.sqlite3").exists()


@pytest.mark.django_db
def test_database_in_use_is_configured_for_its_engine():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # The settings' init command ran on this connection (waits for a writer, not fails).
            cursor.execute("PRAGMA busy_timeout")
            assert cursor.fetchone()[0] == 10000
            cursor.execute("PRAGMA foreign_keys")
            assert cursor.fetchone()[0] == 1
        else:
            assert connection.vendor == "postgresql", connection.vendor
            # Vietnamese names need a UTF-8 database.
            cursor.execute("SHOW server_encoding")
            assert cursor.fetchone()[0] == "UTF8"


def test_pages_are_vietnamese_whatever_language_the_browser_asks_for(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Đăng nhập" in response.content.decode()
