"""The `tusoi` console script: Django's management entry point with TuSoi's settings."""

import os
import sys


def command_argv(argv: list[str]) -> list[str]:
    """`tusoi import-orgs …` runs the `import_orgs` command: Django command names are module
    names and cannot hold dashes, people type dashes."""
    if len(argv) > 1 and "-" in argv[1] and not argv[1].startswith("-"):
        return [argv[0], argv[1].replace("-", "_"), *argv[2:]]
    return list(argv)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tusoi.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(command_argv(sys.argv))


if __name__ == "__main__":
    main()
