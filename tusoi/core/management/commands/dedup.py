"""`tusoi dedup INPUT.jsonl --threshold 0.5 --out PAIRS.jsonl`: copy detection offline.

Each input line is {"id": ..., "text": ...}; each output line {"a": id, "b": id, "score": s},
s the estimated Jaccard index of the two texts' normalised word 3-shingles, for every pair at or
above the threshold, once, `a` being the earlier line. A bad line stops the run with nothing
written (exit status 1), unless --skip-bad, which reports it and goes on.
"""

import json
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _


def read_texts(path: Path) -> tuple[list[Any], list[str], list[str]]:
    """(ids, texts, problems) of a JSON-lines file; blank lines are ignored."""
    ids: list[Any] = []
    texts: list[str] = []
    problems: list[str] = []
    first_line: dict[Any, int] = {}
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                record = json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError:
                problems.append(_("Line %(line)d: not UTF-8 text.") % {"line": number})
                continue
            except json.JSONDecodeError as error:
                problems.append(
                    _("Line %(line)d: not valid JSON (%(error)s).")
                    % {"line": number, "error": error.msg}
                )
                continue
            if not isinstance(record, dict) or "id" not in record or "text" not in record:
                problems.append(
                    _('Line %(line)d: expected an object with "id" and "text".') % {"line": number}
                )
                continue
            ident, text = record["id"], record["text"]
            if isinstance(ident, bool) or not isinstance(ident, str | int):
                problems.append(
                    _('Line %(line)d: "id" must be a string or a whole number.') % {"line": number}
                )
                continue
            if not isinstance(text, str):
                problems.append(_('Line %(line)d: "text" must be a string.') % {"line": number})
                continue
            if ident in first_line:
                problems.append(
                    _("Line %(line)d: id %(id)s already appears on line %(first)d.")
                    % {"line": number, "id": json.dumps(ident), "first": first_line[ident]}
                )
                continue
            first_line[ident] = number
            ids.append(ident)
            texts.append(text)
    return ids, texts, problems


class Command(BaseCommand):
    help = "Find texts that copy each other in a JSON-lines file of {id, text}."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("input", help='JSON lines: {"id": ..., "text": ...} per line')
        parser.add_argument(
            "--threshold",
            type=float,
            default=0.5,
            help="smallest estimated Jaccard index reported (default 0.5)",
        )
        parser.add_argument("--out", default="-", help="where to write the pairs (default stdout)")
        parser.add_argument(
            "--skip-bad", action="store_true", help="report bad lines and go on with the rest"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            self._run(**options)

    def _run(self, **options: Any) -> None:
        from tusoi.dedup.minhash import signatures, similar_pairs

        threshold = options["threshold"]
        if not 0 < threshold <= 1:
            raise CommandError(_("The threshold must be above 0 and at most 1."))
        path = Path(options["input"])
        try:
            ids, texts, problems = read_texts(path)
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": path, "error": error.strerror}
            ) from error
        for problem in problems:
            self.stderr.write(problem)
        if problems and not options["skip_bad"]:
            raise CommandError(
                _(
                    "%(count)d bad line(s) in %(file)s; nothing written. "
                    "Fix them, or give --skip-bad to leave them out."
                )
                % {"count": len(problems), "file": path}
            )
        sigs, _sizes = signatures(texts, sizes=False, jobs=os.cpu_count() or 1)
        pairs = similar_pairs(sigs, threshold)
        lines = [
            json.dumps({"a": ids[i], "b": ids[j], "score": score}, ensure_ascii=False) + "\n"
            for i, j, score in pairs
        ]
        summary = _("%(pairs)d pair(s) at or above %(threshold)s among %(texts)d texts.") % {
            "pairs": len(pairs),
            "threshold": threshold,
            "texts": len(texts),
        }
        if options["out"] == "-":
            self.stdout.write("".join(lines), ending="")
            self.stderr.write(summary, style_func=lambda text: text)
        else:
            Path(options["out"]).write_text("".join(lines), encoding="utf-8")
            self.stdout.write(summary)
