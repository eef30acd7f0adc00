"""Every string a person reads is translated: the committed Vietnamese catalogues have no empty or
fuzzy entry, and extracting the strings afresh from the code and templates finds none missing."""

import os
import re
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import pytest

TUSOI_DIR = Path(__file__).resolve().parent.parent
GETTEXT_TOOLS = ("xgettext", "msgmerge", "msguniq", "msgattrib", "msgfmt")

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b"}


def _unquote(token: str) -> str:
    """The value of one quoted PO string token: `"a\\"b"` -> `a"b`."""
    token = token.strip()
    if len(token) < 2 or token[0] != '"' or token[-1] != '"':
        raise ValueError(f"not a quoted PO string: {token!r}")
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), token[1:-1])


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    @property
    def label(self) -> str:
        if self.is_header:
            return "(catalogue header)"
        ctx = f"[{self.msgctxt}] " if self.msgctxt is not None else ""
        return f"{ctx}{self.msgid!r}"


def parse_po(text: str) -> list[Entry]:
    """Entries of a PO file (obsolete `#~` entries left out), multi-line strings joined."""
    entries: list[Entry] = []
    current: Entry | None = None
    has_keyword = has_msgid = False
    target: tuple[str, int] | None = None  # the field a continuation line extends

    def entry_at(lineno: int, new: bool) -> Entry:
        """The entry a line belongs to, closing the current one when `new`."""
        nonlocal current, has_keyword, has_msgid
        if current is not None and new and has_keyword:
            entries.append(current)
            current = None
        if current is None:
            current = Entry(line=lineno)
            has_keyword = has_msgid = False
        return current

    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            target = None
            continue
        if line.startswith("#"):
            entry = entry_at(lineno, new=True)
            if line.startswith("#,"):
                entry.flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
            target = None
            continue
        if line.startswith('"'):
            if current is None or target is None:
                raise ValueError(f"line {lineno}: string outside an entry")
            name, index = target
            if name == "msgstr":
                current.msgstr[index] += _unquote(line)
            else:
                setattr(current, name, (getattr(current, name) or "") + _unquote(line))
            continue
        keyword, _, rest = line.partition(" ")
        value = _unquote(rest)
        if keyword in ("msgctxt", "msgid"):
            entry = entry_at(lineno, new=keyword == "msgctxt" or has_msgid)
            has_msgid = has_msgid or keyword == "msgid"
        else:
            entry = entry_at(lineno, new=False)
        has_keyword = True
        if keyword in ("msgctxt", "msgid", "msgid_plural"):
            setattr(entry, keyword, value)
            target = (keyword, 0)
        elif (match := re.fullmatch(r"msgstr(?:\[(\d+)\])?", keyword)) is not None:
            index = int(match.group(1) or 0)
            entry.msgstr[index] = value
            target = ("msgstr", index)
        else:
            raise ValueError(f"line {lineno}: unknown keyword {keyword!r}")
    if current is not None and has_keyword:
        entries.append(current)
    return entries


def problems_in(po_file: Path, shown_as: str) -> list[str]:
    """'file: msgid (why)' for each untranslated or fuzzy entry of one catalogue."""
    found = []
    for entry in parse_po(po_file.read_text(encoding="utf-8")):
        if "fuzzy" in entry.flags:
            found.append(f"{shown_as}:{entry.line}: {entry.label} is marked fuzzy")
        if entry.is_header:
            continue
        if not entry.msgstr or any(not s for s in entry.msgstr.values()):
            found.append(f"{shown_as}:{entry.line}: {entry.label} has no translation")
    return found


def catalogues(root: Path) -> list[Path]:
    return sorted(
        p for p in root.rglob("locale/*/LC_MESSAGES/*.po") if "__pycache__" not in p.parts
    )


# --- the parser itself ------------------------------------------------------------------------


def test_po_parser_reads_multiline_plural_context_and_fuzzy_entries():
    text = textwrap.dedent(
        r"""
        msgid ""
        msgstr ""
        "Content-Type: text/plain; charset=UTF-8\n"

        #: a.py:1
        msgid ""
        "Long "
        "text with \"quotes\""
        msgstr ""
        "Văn bản "
        "dài"

        msgctxt "month"
        msgid "May"
        msgstr ""

        #, fuzzy, python-format
        msgid "%(n)s member"
        msgid_plural "%(n)s members"
        msgstr[0] "%(n)s đảng viên"

        msgid "one cell"
        msgid_plural "%d cells"
        msgstr[0] ""

        #~ msgid "gone"
        #~ msgstr ""
        """
    )
    entries = parse_po(text)
    assert [e.msgid for e in entries] == [
        "",
        'Long text with "quotes"',
        "May",
        "%(n)s member",
        "one cell",
    ]
    assert entries[0].msgstr[0] == "Content-Type: text/plain; charset=UTF-8\n"
    assert entries[1].msgstr == {0: "Văn bản dài"}
    assert entries[2].msgctxt == "month" and entries[2].msgstr == {0: ""}
    assert entries[3].flags == {"fuzzy", "python-format"}
    assert entries[3].msgid_plural == "%(n)s members"
    assert entries[4].msgstr == {0: ""}


def test_problems_name_untranslated_fuzzy_and_plural_gaps(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        textwrap.dedent(
            """
            msgid ""
            msgstr "Content-Type: text/plain; charset=UTF-8\\n"

            msgid "Members"
            msgstr "Đảng viên"

            msgid "Cell"
            msgstr ""

            #, fuzzy
            msgid "Branch"
            msgstr "Chi bộ"

            msgid "%d report"
            msgid_plural "%d reports"
            msgstr[0] ""
            """
        ),
        encoding="utf-8",
    )
    found = problems_in(po, "x.po")
    assert len(found) == 3, found
    assert "'Cell' has no translation" in found[0]
    assert "'Branch' is marked fuzzy" in found[1]
    assert "'%d report' has no translation" in found[2]


# --- the project's catalogues ---------------------------------------------------------------


def test_committed_catalogues_have_no_untranslated_or_fuzzy_entry():
    files = catalogues(TUSOI_DIR)
    assert files, f"no Vietnamese catalogue (locale/vi/LC_MESSAGES/django.po) under {TUSOI_DIR}"
    found = [p for f in files for p in problems_in(f, str(f.relative_to(TUSOI_DIR.parent)))]
    assert not found, "catalogue entries to translate:\n" + "\n".join(found)


_EXTRACT = """
import sys
from pathlib import Path

import tusoi

here = Path.cwd().resolve()
if Path(tusoi.__file__).resolve().parent != here:
    sys.exit(f"imported tusoi from {tusoi.__file__}, expected the copy in {here}")

import django

django.setup()
from django.core.management import call_command

call_command("makemessages", locale=["vi"], verbosity=0)
"""


def test_every_gettext_string_in_code_and_templates_has_a_translation(tmp_path):
    missing = [tool for tool in GETTEXT_TOOLS if shutil.which(tool) is None]
    assert not missing, (
        f"GNU gettext tools not found: {', '.join(missing)}; install them "
        "(Debian: apt-get install gettext) — translations cannot be checked without them"
    )
    copy = tmp_path / "tusoi"
    # makemessages writes temporary files beside templates and updates catalogues in place,
    # so it runs on a copy of the package, which the subprocess imports instead of the original.
    shutil.copytree(TUSOI_DIR, copy, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo"))
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "SECRET_KEY", "TUSOI_DEMO", "DEBUG"}
    }
    env.update(
        PYTHONPATH=str(tmp_path),
        DJANGO_SETTINGS_MODULE="tusoi.settings_test",
        TUSOI_VAR_DIR=str(tmp_path / "var"),
        TUSOI_GENERATE_SECRET="1",
    )
    result = subprocess.run(
        [sys.executable, "-c", _EXTRACT],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"makemessages failed:\n{result.stdout}\n{result.stderr}"
    files = catalogues(copy)
    assert files, "makemessages produced no catalogue"
    found = [p for f in files for p in problems_in(f, str(f.relative_to(tmp_path)))]
    assert not found, (
        "strings in code or templates without a Vietnamese translation (run makemessages -l vi "
        "in the app folder and translate them):\n" + "\n".join(found)
    )


@pytest.mark.parametrize("tool", GETTEXT_TOOLS)
def test_gettext_tool_is_installed(tool):
    assert shutil.which(tool), f"{tool} not found: install GNU gettext (apt-get install gettext)"
