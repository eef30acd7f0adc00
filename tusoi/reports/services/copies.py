"""Copy detection of self-review reports (issue 7). DOMAIN.md: the campaign demands that each
report be the member's own, the only automatic analysis of report text is this one, and its
flags are advice for the cell and its supervisors, never a verdict.

A check compares a report's text, normalised (`tusoi.dedup.normalize`) and without the
template's own headings, guidance and introduction (`strip_template`, so shared structure is not
mistaken for copying), with:
- every report of the same campaign in the whole country, through the persistent LSH index
  (collection "campaign:<id>", one lookup), plus every report of the same cell compared
  directly, since members who sit together are the likeliest to copy each other;
- the template's sample texts (copying the example is copying too, so they are not stripped);
- the member's own reports of other campaigns (collection "member:<id>").
Candidates are then measured exactly on word 3-shingles: the plain Jaccard index, the
containment (the share of this report's phrases found in the other; a half-copied report has
Jaccard ≈ 0.33 and containment 0.5), and the app's score, which decides the flag:

    score = |own ∩ other| / max(|own|, OWN_FLOOR),  own = this report's phrases − formulaic ones

Formulaic phrases are those found in at least FORMULAIC_SHARE of a sample of the campaign's
reports (the first report checked in each cell, up to SAMPLE_LIMIT, counted in CopyPhrase): the
sample takes one report per cell so that a cell copying one text does not make that text
"formulaic". The floor keeps a report with little text of its own from reaching the threshold by
sharing a few phrases. Against the template's sample text the score is the plain containment.
A report is flagged when its best score reaches the campaign's `copy_threshold`.

Submitting checks the report and adds it to the index (incremental: nothing is rebuilt); a
counterpart that was checked earlier gets the reverse match added to its own check. A whole
campaign is re-checked by a background job (`campaign_copy_recheck`): first every report is
indexed (signatures in bulk), then each is checked against the complete index.
"""

import functools
import hashlib
import math
from collections import Counter, OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from tusoi.campaigns.models import Campaign
from tusoi.dedup.index import buckets, index_add, index_bulk_add, index_query
from tusoi.dedup.minhash import (
    NUM_PERM,
    Signature,
    candidate_pairs,
    signature,
    signatures_of_normalised,
)
from tusoi.dedup.models import IndexedSignature, LshBucket
from tusoi.dedup.normalize import normalize, strip_template
from tusoi.orgs.permissions import Action, scope_for
from tusoi.reports.models import (
    COUNTED_STATUSES,
    CopyCheck,
    CopyMatch,
    CopyMatchKind,
    CopyPhrase,
    CopySample,
    ReportStatus,
    ReportTemplate,
    SelfReview,
)
from tusoi.reports.selectors.templates import template_effective_sections

# Reports compared and re-checked: submitted or later, and returned ones (submitted once, and
# copied from as much as any other).
COMPARED_STATUSES = (*COUNTED_STATUSES, ReportStatus.RETURNED)
SAMPLE_LIMIT = 2000
FORMULAIC_SHARE = 0.05
FORMULAIC_MIN_REPORTS = 3
MIN_SAMPLE = 20  # below this many sampled reports no phrase counts as formulaic
OWN_FLOOR = 100  # phrases: about a hundred words of the writer's own
QUERY_THRESHOLD = 0.3  # estimated similarity or containment for an indexed text to be measured
CANDIDATES = 20  # indexed texts measured per check, the closest first
CELL_PEERS = 300  # reports of the same cell compared directly
MATCH_FLOOR = 0.3  # counterparts kept with a check: score at least this (or the threshold)
MAX_MATCHES = 10
TEXT_CACHE = 20_000  # normalised texts kept while re-checking a campaign
RECHECK_BATCH = 500
# A re-check of a campaign up to this many reports finds its candidates in memory (LSH banding
# of all signatures at once, the same bands the index uses) instead of one index query each.
IN_MEMORY_LIMIT = 5000
JOB_KIND = "copy_recheck"


def campaign_collection(campaign_id: int) -> str:
    return f"campaign:{campaign_id}"


def member_collection(member_id: int) -> str:
    return f"member:{member_id}"


# Texts and phrases -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CopyText:
    """A text as compared: its normalised words (template structure removed) and their word
    3-shingles ("phrases")."""

    normalised: str
    shingles: frozenset[str]

    @classmethod
    def of(cls, normalised: str) -> "CopyText":
        words = normalised.split()
        if len(words) >= 3:
            shingles = frozenset(map(" ".join, zip(words, words[1:], words[2:], strict=False)))
        else:
            shingles = frozenset({" ".join(words)}) if words else frozenset()
        return cls(normalised=" ".join(words), shingles=shingles)


@functools.lru_cache(maxsize=1 << 18)
def phrase_id(shingle: str) -> int:
    """A stable signed 64-bit id of a phrase (Python's own hash changes between processes);
    cached, since formulaic phrases recur in report after report."""
    digest = hashlib.blake2b(shingle.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


@dataclass(frozen=True)
class TemplateParts:
    structure: tuple[str, ...]  # introduction, headings and guidance: stripped from texts
    sample: CopyText  # the sample texts of the effective sections, joined


def template_parts(template: ReportTemplate) -> TemplateParts:
    sections = template_effective_sections(template)
    structure = (
        template.introduction,
        *(s.heading for s in sections),
        *(s.guidance for s in sections),
    )
    sample = "\n\n".join(s.sample_text for s in sections if s.sample_text)
    return TemplateParts(
        structure=tuple(p for p in structure if p),
        sample=CopyText.of(normalize(sample)),
    )


def report_copy_text(full_text: str, parts: TemplateParts) -> CopyText:
    return CopyText.of(strip_template(full_text, parts.structure))


# Findings --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CopyFinding:
    """One counterpart of a report, measured: `containment` is the share of the report's phrases
    found in it, `score` the app's score (module docstring)."""

    kind: str  # a CopyMatchKind value
    other_report_id: int | None
    jaccard: float
    containment: float
    score: float


@dataclass(frozen=True)
class _Doc:
    pk: int
    campaign_id: int
    member_id: int
    cell_id: int
    template_id: int
    full_text: str


_DOC_FIELDS = ("pk", "campaign_id", "member_id", "member__cell_id", "template_id", "full_text")


def _doc(values: Sequence[Any]) -> _Doc:
    return _Doc(*values)


def _measure(
    this: CopyText, own: frozenset[str] | None, other: frozenset[str], floor: float = 0.0
) -> tuple[float, float, float] | None:
    """(Jaccard, containment, score) of `this` against `other`, or None when the score stays
    below `floor`. Without `own` the score is the plain containment (the template's sample
    text); the score is computed first, on the (often much smaller) set of own phrases."""
    if not this.shingles or not other:
        return None
    if own is not None:
        score = len(own & other) / max(len(own), OWN_FLOOR) if own else 0.0
        if score < floor or not score:
            return None
    common = len(this.shingles & other)
    if not common:
        return None
    jaccard = common / (len(this.shingles) + len(other) - common)
    contained = common / len(this.shingles)
    if own is None:
        if contained < floor:
            return None
        score = contained
    return jaccard, contained, score


class _Checker:
    """What checks within one campaign share: the threshold, the formulaic phrases, and caches
    of templates, normalised texts and each cell's reports."""

    def __init__(self, campaign: Campaign, *, cache: int = 256) -> None:
        self.campaign = campaign
        self.threshold = float(campaign.copy_threshold)
        self.floor = min(MATCH_FLOOR, self.threshold)
        self.formulaic: frozenset[int] = frozenset()
        self._templates: dict[int, TemplateParts] = {}
        self._texts: OrderedDict[int, CopyText] = OrderedDict()
        self._cache = cache
        self._cell_peers: dict[int, list[int]] = {}

    # Loading ------------------------------------------------------------------------------

    def load_formulaic(self) -> None:
        sample = (
            CopySample.objects.filter(campaign=self.campaign)
            .values_list("pk", "reports", "pruned")
            .first()
        )
        row, sampled, complete = sample or (0, 0, False)
        key = (self.campaign.pk, row, sampled)
        if complete and key in _COMPLETE_FORMULAIC:
            self.formulaic = _COMPLETE_FORMULAIC[key]
            return
        self.formulaic = formulaic_phrases(self.campaign.pk, sampled)
        if complete:
            # A full sample never changes again: its formulaic phrases are kept in memory.
            _COMPLETE_FORMULAIC[key] = self.formulaic

    def template(self, template_id: int) -> TemplateParts:
        if template_id not in self._templates:
            self._templates[template_id] = template_parts(
                ReportTemplate.objects.get(pk=template_id)
            )
        return self._templates[template_id]

    def text_of(self, doc: _Doc) -> CopyText:
        text = self._texts.get(doc.pk)
        if text is None:
            text = report_copy_text(doc.full_text, self.template(doc.template_id))
            self._remember(doc.pk, text)
        return text

    def _remember(self, pk: int, text: CopyText) -> None:
        self._texts[pk] = text
        self._texts.move_to_end(pk)
        while len(self._texts) > self._cache:
            self._texts.popitem(last=False)

    def load_texts(self, ids: Iterable[int]) -> None:
        missing = [pk for pk in set(ids) if pk not in self._texts]
        for values in SelfReview.objects.filter(pk__in=missing).values_list(*_DOC_FIELDS):
            self.text_of(_doc(values))

    def text(self, pk: int) -> CopyText | None:
        return self._texts.get(pk)

    def own(self, text: CopyText) -> frozenset[str]:
        if not self.formulaic:
            return text.shingles
        return frozenset(s for s in text.shingles if phrase_id(s) not in self.formulaic)

    def prefetch_cell_peers(self) -> None:
        """Every cell's compared reports at once (a re-check reads them all)."""
        peers: dict[int, list[int]] = {}
        for cell_id, pk in (
            SelfReview.objects.filter(campaign=self.campaign, status__in=COMPARED_STATUSES)
            .order_by("-pk")
            .values_list("member__cell_id", "pk")
        ):
            listed = peers.setdefault(cell_id, [])
            if len(listed) < CELL_PEERS:
                listed.append(pk)
        self._cell_peers = peers

    def cell_peers(self, doc: _Doc) -> list[int]:
        if doc.cell_id not in self._cell_peers:
            self._cell_peers[doc.cell_id] = list(
                SelfReview.objects.filter(
                    campaign_id=doc.campaign_id,
                    member__cell_id=doc.cell_id,
                    status__in=COMPARED_STATUSES,
                )
                .order_by("-pk")
                .values_list("pk", flat=True)[:CELL_PEERS]
            )
        return [pk for pk in self._cell_peers[doc.cell_id] if pk != doc.pk]

    # Comparing ----------------------------------------------------------------------------

    def candidates(
        self,
        doc: _Doc,
        sig: Signature,
        *,
        other_campaigns: bool = True,
        indexed: list[int] | None = None,
    ) -> tuple[list[int], list[int]]:
        """(reports of the campaign, the member's reports of other campaigns) to measure.
        `indexed`: the campaign's candidates when already found in memory."""
        if indexed is None:
            found = index_query(
                campaign_collection(doc.campaign_id),
                sig,
                threshold=QUERY_THRESHOLD,
                exclude_key=str(doc.pk),
                limit=CANDIDATES,
            )
            indexed = [int(m.key) for m in found]
        same = set(indexed) | set(self.cell_peers(doc))
        own: list[int] = []
        if other_campaigns:
            earlier = index_query(
                member_collection(doc.member_id),
                sig,
                threshold=QUERY_THRESHOLD,
                exclude_key=str(doc.pk),
                limit=CANDIDATES,
            )
            own = [int(m.key) for m in earlier]
        same.discard(doc.pk)
        return sorted(same), [pk for pk in own if pk not in same]

    def findings(
        self, doc: _Doc, text: CopyText, same: list[int], own_reports: list[int]
    ) -> list[CopyFinding]:
        """The counterparts whose score reaches the floor of kept matches, closest first (their
        texts loaded)."""
        own = self.own(text)
        out: list[CopyFinding] = []
        for kind, ids in ((CopyMatchKind.REPORT, same), (CopyMatchKind.OWN, own_reports)):
            for pk in ids:
                other = self.text(pk)
                if other is None:
                    continue  # deleted since it was indexed
                measured = _measure(text, own, other.shingles, self.floor)
                if measured is not None:
                    out.append(CopyFinding(kind, pk, *measured))
        sample = self.template(doc.template_id).sample
        measured = _measure(text, None, sample.shingles, self.floor)
        if measured is not None:
            out.append(CopyFinding(CopyMatchKind.TEMPLATE, None, *measured))
        out.sort(key=lambda f: (-f.score, -f.containment, f.other_report_id or 0))
        return out

    def check_findings(
        self, doc: _Doc, text: CopyText, sig: Signature
    ) -> tuple[list[CopyFinding], list[int]]:
        """(findings, the campaign's reports that were measured)."""
        same, own_reports = self.candidates(doc, sig)
        self.load_texts([*same, *own_reports])
        return self.findings(doc, text, same, own_reports), same


_COMPLETE_FORMULAIC: dict[tuple[int, int, int], frozenset[int]] = {}


def formulaic_phrases(campaign_id: int, sampled: int) -> frozenset[int]:
    """Ids of the phrases found in at least FORMULAIC_SHARE of the campaign's sample."""
    if sampled < MIN_SAMPLE:
        return frozenset()
    cutoff = max(FORMULAIC_MIN_REPORTS, math.ceil(FORMULAIC_SHARE * sampled))
    return frozenset(
        CopyPhrase.objects.filter(campaign_id=campaign_id, reports__gte=cutoff).values_list(
            "shingle", flat=True
        )
    )


# The sample of formulaic language ------------------------------------------------------------


def _sample_add(campaign: Campaign, docs: list[tuple[_Doc, CopyText]], cells: set[int]) -> int:
    """Count the phrases of the first report of each cell not yet sampled (`cells` holds the
    cells already in the sample and grows), while the sample has room. Returns how many reports
    were added; their checks are marked `in_sample`."""
    # Unlocked reads first: once the sample is full, or the cell already in it, a submission
    # takes no lock (only the first report of each cell, up to the bound, waits for the row).
    counted = CopySample.objects.filter(campaign=campaign).values_list("reports", flat=True)
    if (counted.first() or 0) >= SAMPLE_LIMIT or not _unsampled(campaign, docs, cells):
        return 0
    CopySample.objects.get_or_create(campaign=campaign)
    sample = CopySample.objects.select_for_update().get(campaign=campaign)
    room = SAMPLE_LIMIT - sample.reports
    if room <= 0 or not _unsampled(campaign, docs, cells):  # again, now that no one else adds
        return 0
    chosen: list[tuple[_Doc, CopyText]] = []
    for doc, text in docs:
        if len(chosen) >= room:
            break
        if doc.cell_id not in cells and text.shingles:
            cells.add(doc.cell_id)
            chosen.append((doc, text))
    if not chosen:
        return 0
    counts: Counter[int] = Counter()
    for _chosen, text in chosen:
        counts.update({phrase_id(s) for s in text.shingles})
    _count_phrases(campaign.pk, counts)
    now = timezone.now()
    marked = set(
        CopyCheck.objects.filter(report_id__in=[d.pk for d, _t in chosen]).values_list(
            "report_id", flat=True
        )
    )
    CopyCheck.objects.filter(report_id__in=marked).update(in_sample=True)
    CopyCheck.objects.bulk_create(
        [
            CopyCheck(report_id=d.pk, campaign=campaign, checked_at=now, in_sample=True)
            for d, _t in chosen
            if d.pk not in marked
        ]
    )
    sample.reports += len(chosen)
    if sample.reports >= SAMPLE_LIMIT and not sample.pruned:
        # The sample is complete: only the phrases that can still be formulaic are kept.
        cutoff = max(FORMULAIC_MIN_REPORTS, math.ceil(FORMULAIC_SHARE * sample.reports))
        CopyPhrase.objects.filter(campaign=campaign, reports__lt=cutoff).delete()
        sample.pruned = True
    sample.save(update_fields=["reports", "pruned"])
    return len(chosen)


def _unsampled(campaign: Campaign, docs: list[tuple[_Doc, CopyText]], cells: set[int]) -> bool:
    """Whether a report of `docs` comes from a cell with no report in the sample yet; `cells`
    learns the sampled cells among theirs."""
    fresh = {d.cell_id for d, _t in docs} - cells
    if fresh:
        cells |= set(
            CopyCheck.objects.filter(
                campaign=campaign, in_sample=True, report__member__cell_id__in=fresh
            ).values_list("report__member__cell_id", flat=True)
        )
    return any(d.cell_id not in cells for d, _t in docs)


def _count_phrases(campaign_id: int, counts: Counter[int]) -> None:
    table = connection.ops.quote_name(CopyPhrase._meta.db_table)
    statement = (
        f"INSERT INTO {table} (campaign_id, shingle, reports) VALUES (%s, %s, %s) "  # noqa: S608
        f"ON CONFLICT (campaign_id, shingle) DO UPDATE SET reports = {table}.reports + "
        "excluded.reports"
    )
    rows = [(campaign_id, shingle, n) for shingle, n in counts.items()]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(statement, rows[start : start + 5000])


# Storing ---------------------------------------------------------------------------------------


def _store(checker: _Checker, items: list[tuple[_Doc, list[CopyFinding]]]) -> dict[int, CopyCheck]:
    """Replace the checks (and their counterparts) of the given reports. One report: its row is
    updated in place; a batch: the rows are written afresh in bulk (bulk_update's CASE
    expressions cost more than deleting and inserting)."""
    ids = [doc.pk for doc, _f in items]
    existing = {c.report_id: c for c in CopyCheck.objects.filter(report_id__in=ids)}
    now = timezone.now()
    checks: dict[int, CopyCheck] = {}
    kept: dict[int, list[CopyFinding]] = {}
    for doc, findings in items:
        best = [f for f in findings if f.score >= checker.floor][:MAX_MATCHES]
        check = existing.get(doc.pk) or CopyCheck(report_id=doc.pk, campaign=checker.campaign)
        check.checked_at = now
        check.jaccard = max((f.jaccard for f in best), default=0.0)
        check.containment = max((f.containment for f in best), default=0.0)
        check.score = max((f.score for f in best), default=0.0)
        check.flagged = check.score >= checker.threshold
        check.match_count = len(best)
        checks[doc.pk] = check
        kept[doc.pk] = best
    if len(items) == 1 and existing:
        CopyMatch.objects.filter(copy_check__report_id__in=ids).delete()
        for check in checks.values():
            check.save()
    else:
        CopyCheck.objects.filter(report_id__in=ids).delete()  # their matches with them
        for check in checks.values():
            check.pk = None
        CopyCheck.objects.bulk_create(list(checks.values()), batch_size=500)
    CopyMatch.objects.bulk_create(
        [
            CopyMatch(
                copy_check=checks[pk],
                kind=f.kind,
                other_report_id=f.other_report_id,
                jaccard=f.jaccard,
                containment=f.containment,
                score=f.score,
            )
            for pk, best in kept.items()
            for f in best
        ],
        batch_size=1000,
    )
    return checks


def _refresh(check_ids: set[int], threshold: float) -> None:
    """Recompute the summary of checks whose counterparts changed (one aggregate query)."""
    if not check_ids:
        return
    summary: dict[int, dict[str, Any]] = {
        row["copy_check_id"]: dict(row)
        for row in CopyMatch.objects.filter(copy_check_id__in=check_ids)
        .values("copy_check_id")
        .annotate(j=Max("jaccard"), c=Max("containment"), s=Max("score"), n=Count("id"))
    }
    checks = list(CopyCheck.objects.filter(pk__in=check_ids))
    for check in checks:
        row: dict[str, Any] = summary.get(check.pk, {})
        check.jaccard, check.containment = row.get("j") or 0.0, row.get("c") or 0.0
        check.score, check.match_count = row.get("s") or 0.0, row.get("n") or 0
        check.flagged = check.score >= threshold
    CopyCheck.objects.bulk_update(
        checks, ["jaccard", "containment", "score", "flagged", "match_count"]
    )


def _reverse(checker: _Checker, doc: _Doc, text: CopyText, measured: list[int]) -> None:
    """Counterparts checked earlier learn about this report: the match seen from their side
    (their share found in this report) is added to their checks; matches this report had
    before its text changed are dropped."""
    earlier = CopyMatch.objects.filter(other_report_id=doc.pk, kind=CopyMatchKind.REPORT)
    touched = set(earlier.values_list("copy_check_id", flat=True))
    earlier.delete()
    checks = {c.report_id: c for c in CopyCheck.objects.filter(report_id__in=measured)}
    new: list[CopyMatch] = []
    for pk, check in checks.items():
        other = checker.text(pk)
        found = _measure(other, checker.own(other), text.shingles, checker.floor) if other else None
        if found is not None:
            jaccard, contained, score = found
            new.append(
                CopyMatch(
                    copy_check=check,
                    kind=CopyMatchKind.REPORT,
                    other_report_id=doc.pk,
                    jaccard=jaccard,
                    containment=contained,
                    score=score,
                )
            )
            touched.add(check.pk)
    CopyMatch.objects.bulk_create(new)
    _refresh(touched, checker.threshold)


# Checking one report ---------------------------------------------------------------------------


def _report_doc(report: SelfReview) -> _Doc:
    return _Doc(
        report.pk,
        report.campaign_id,
        report.member_id,
        report.member.cell_id,
        report.template_id,
        report.full_text,
    )


def report_copy_check(*, report: SelfReview, index: bool = True) -> CopyCheck:
    """Check the report's text for copying and store the result, replacing the earlier one;
    with `index`, also add (or replace) the report in the campaign's and the member's index
    collections, count it into the formulaic-language sample if its cell has no report there
    yet, and add the reverse match to counterparts checked before. Called by `report_submit`
    inside its transaction."""
    checker = _Checker(report.campaign)
    doc = _report_doc(report)
    text = checker.text_of(doc)
    sig = signature(text.normalised, normalised=True)
    with transaction.atomic():
        if index:
            _sample_add(report.campaign, [(doc, text)], set())
        checker.load_formulaic()
        findings, measured = checker.check_findings(doc, text, sig)
        check = _store(checker, [(doc, findings)])[doc.pk]
        if index:
            index_add(campaign_collection(doc.campaign_id), str(doc.pk), sig)
            index_add(member_collection(doc.member_id), str(doc.pk), sig)
            _reverse(checker, doc, text, measured)
            check.refresh_from_db()
    return check


def report_copy_precheck(report: SelfReview) -> list[CopyFinding]:
    """The counterparts the report's current text would be flagged for (score at or above the
    campaign's threshold), closest first. Writes nothing: for the writer's warning."""
    checker = _Checker(report.campaign)
    doc = _report_doc(report)
    text = checker.text_of(doc)
    checker.load_formulaic()
    findings, _measured = checker.check_findings(
        doc, text, signature(text.normalised, normalised=True)
    )
    return [f for f in findings if f.score >= checker.threshold]


# Re-checking a whole campaign ------------------------------------------------------------------


@dataclass
class _Recheck:
    campaign: Campaign
    checker: _Checker
    sampled_cells: set[int] = field(default_factory=set)
    # While the campaign is small enough: every signature, then each report's candidates.
    keep: bool = False
    keys: list[np.ndarray] = field(default_factory=list)
    values: list[np.ndarray] = field(default_factory=list)
    sizes: list[np.ndarray] = field(default_factory=list)
    in_memory: dict[int, list[int]] | None = None


def _memory_candidates(
    keys: np.ndarray, values: np.ndarray, sizes: np.ndarray
) -> dict[int, list[int]]:
    """What `index_query` would answer for each report, for all of them at once: reports sharing
    an LSH band whose estimated similarity or containment (either way) reaches QUERY_THRESHOLD,
    the CANDIDATES most similar."""
    pairs = candidate_pairs(values)
    if not len(pairs):
        return {}
    parts = []
    for start in range(0, len(pairs), 1 << 18):
        chunk = pairs[start : start + (1 << 18)]
        parts.append(np.count_nonzero(values[chunk[:, 0]] == values[chunk[:, 1]], axis=1))
    jaccard = np.concatenate(parts) / NUM_PERM
    size_a = sizes[pairs[:, 0]].astype(np.float64)
    size_b = sizes[pairs[:, 1]].astype(np.float64)
    common = jaccard * (size_a + size_b) / (1 + jaccard)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.nan_to_num(np.minimum(1.0, common / np.maximum(size_a, 1)))
        theirs = np.nan_to_num(np.minimum(1.0, common / np.maximum(size_b, 1)))
    near = np.maximum(jaccard, np.maximum(share, theirs)) >= QUERY_THRESHOLD
    a, b, jaccard = pairs[near, 0], pairs[near, 1], jaccard[near]
    source = np.concatenate((a, b))
    target = np.concatenate((b, a))
    closeness = np.concatenate((jaccard, jaccard))
    order = np.lexsort((-closeness, source))
    source, target = source[order], target[order]
    # Rank within each report's run of candidates; the CANDIDATES closest are kept.
    starts = np.flatnonzero(np.concatenate(([True], source[1:] != source[:-1])))
    run = np.repeat(starts, np.diff(np.concatenate((starts, [len(source)]))))
    kept = (np.arange(len(source)) - run) < CANDIDATES
    out: dict[int, list[int]] = {}
    for i, j in zip(keys[source[kept]].tolist(), keys[target[kept]].tolist(), strict=True):
        out.setdefault(i, []).append(j)
    return out


def _batches(campaign: Campaign, size: int) -> Iterable[list[_Doc]]:
    """The campaign's compared reports in batches, by primary key (keyset: no OFFSET)."""
    last = 0
    while True:
        rows = list(
            SelfReview.objects.filter(campaign=campaign, status__in=COMPARED_STATUSES, pk__gt=last)
            .order_by("pk")
            .values_list(*_DOC_FIELDS)[:size]
        )
        if not rows:
            return
        yield [_doc(r) for r in rows]
        last = rows[-1][0]


def _index_batch(state: _Recheck, docs: list[_Doc]) -> None:
    """Index a batch: signatures in bulk; a key whose signature is unchanged is left alone,
    a changed one replaced, new ones added in one bulk load."""
    texts = [state.checker.text_of(d) for d in docs]
    values, sizes = signatures_of_normalised([t.normalised for t in texts])
    if state.keep:
        state.keys.append(np.array([d.pk for d in docs], dtype=np.int64))
        state.values.append(values)
        state.sizes.append(sizes)
    with transaction.atomic():
        _sample_add(state.campaign, list(zip(docs, texts, strict=True)), state.sampled_cells)
        collection = campaign_collection(state.campaign.pk)
        keys = [str(d.pk) for d in docs]
        stored = dict(
            IndexedSignature.objects.filter(collection=collection, key__in=keys).values_list(
                "key", "signature"
            )
        )
        member_keys = {
            (c, k): bytes(s)
            for c, k, s in IndexedSignature.objects.filter(
                collection__in={member_collection(d.member_id) for d in docs}, key__in=keys
            ).values_list("collection", "key", "signature")
        }
        new, new_member = [], []
        for i, doc in enumerate(docs):
            key = keys[i]
            sig = Signature(values[i], int(sizes[i]))
            data = sig.to_bytes()
            old = stored.get(key)
            if old is None:
                new.append(i)
            elif bytes(old) != data:
                index_add(collection, key, sig)
            held = member_keys.get((member_collection(doc.member_id), key))
            if held is None:
                new_member.append(i)
            elif held != data:
                index_add(member_collection(doc.member_id), key, sig)
        _index_new_in_own_collections(
            [member_collection(docs[i].member_id) for i in new_member],
            [keys[i] for i in new_member],
            values[new_member],
            sizes[new_member],
        )
        if new:
            index_bulk_add(
                collection,
                [keys[i] for i in new],
                values[np.array(new)],
                sizes[np.array(new)],
            )


def _index_new_in_own_collections(
    collections: list[str], keys: list[str], values: np.ndarray, sizes: np.ndarray
) -> None:
    """Add new keys, each to its own collection (the members' collections: one text each), in
    two bulk inserts; `index_bulk_add` loads one collection at a time. The rows are exactly
    those `index_add` writes: the signature, and one bucket row per LSH band."""
    if not keys:
        return
    entries = IndexedSignature.objects.bulk_create(
        [
            IndexedSignature(collection=c, key=k, size=int(n), signature=v.astype("<u4").tobytes())
            for c, k, v, n in zip(collections, keys, values, sizes, strict=True)
        ],
        batch_size=1000,
    )
    rows = [
        (bucket, entry.pk)
        for entry, row in zip(entries, values, strict=True)
        if entry.size
        for bucket in buckets(entry.collection, row)[0].tolist()
    ]
    table = connection.ops.quote_name(LshBucket._meta.db_table)
    statement = f"INSERT INTO {table} (bucket, signature_id) VALUES (%s, %s)"  # noqa: S608
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 50_000):
            cursor.executemany(statement, rows[start : start + 50_000])


def _check_batch(state: _Recheck, docs: list[_Doc]) -> None:
    checker = state.checker
    texts = [checker.text_of(d) for d in docs]
    values, sizes = signatures_of_normalised([t.normalised for t in texts])
    # Only members with reports in other campaigns need their own collection looked up.
    elsewhere = set(
        SelfReview.objects.filter(member_id__in={d.member_id for d in docs})
        .exclude(campaign=state.campaign)
        .values_list("member_id", flat=True)
    )
    found: list[tuple[_Doc, list[int], list[int]]] = []
    for i, doc in enumerate(docs):
        sig = Signature(values[i], int(sizes[i]))
        same, own = checker.candidates(
            doc,
            sig,
            other_campaigns=doc.member_id in elsewhere,
            indexed=state.in_memory.get(doc.pk, []) if state.in_memory is not None else None,
        )
        found.append((doc, same, own))
    checker.load_texts(pk for _d, same, own in found for pk in (*same, *own))
    items = [
        (doc, checker.findings(doc, text, same, own))
        for (doc, same, own), text in zip(found, texts, strict=True)
    ]
    with transaction.atomic():
        _store(checker, items)


def campaign_copy_recheck(
    *, campaign: Campaign, progress: Any = None, batch_size: int = RECHECK_BATCH
) -> int:
    """Re-check every compared report of the campaign: index them all first (bulk signatures),
    then check each against the complete index and store the results. `progress` is the job's
    Progress (total = twice the reports: indexing, then checking). Returns the reports checked."""
    total = SelfReview.objects.filter(campaign=campaign, status__in=COMPARED_STATUSES).count()
    if progress is not None:
        progress.total(2 * total)
        progress.info(_("Indexing %(n)s reports.") % {"n": total})
    state = _Recheck(
        campaign=campaign,
        checker=_Checker(campaign, cache=TEXT_CACHE),
        keep=total <= IN_MEMORY_LIMIT,
    )
    for docs in _batches(campaign, batch_size):
        _index_batch(state, docs)
        if progress is not None:
            progress.advance(len(docs))
    if state.keep and state.keys:
        state.in_memory = _memory_candidates(
            np.concatenate(state.keys), np.concatenate(state.values), np.concatenate(state.sizes)
        )
    state.checker.load_formulaic()
    state.checker.prefetch_cell_peers()
    if progress is not None:
        progress.info(_("Comparing each report with the others."))
    checked = 0
    for docs in _batches(campaign, batch_size):
        _check_batch(state, docs)
        checked += len(docs)
        if progress is not None:
            progress.advance(len(docs))
    if progress is not None:
        flagged = CopyCheck.objects.filter(campaign=campaign, flagged=True).count()
        progress.info(
            _("%(checked)s reports checked; %(flagged)s flagged as likely copies.")
            % {"checked": checked, "flagged": flagged}
        )
    return checked


def copy_recheck_start(*, campaign: Campaign, actor: Any) -> Any:
    """Start the background re-check of a whole campaign; only its issuing committee may. A
    re-check already waiting or running for the campaign is returned instead of a second."""
    from tusoi.jobs.models import ACTIVE_STATES, Job
    from tusoi.jobs.services import job_create, job_enqueue

    if not scope_for(actor).covers(Action.EDIT_ORGS, campaign.organization.path):
        raise PermissionDenied(_("Only the committee that issued the campaign can re-check it."))
    running = Job.objects.filter(
        kind=JOB_KIND, params__campaign=campaign.pk, state__in=ACTIVE_STATES
    ).first()
    if running is not None:
        return running
    job = job_create(
        owner=actor,
        kind=JOB_KIND,
        label=_("Copy check of every report of “%(campaign)s”") % {"campaign": campaign.title},
        organization=campaign.organization,
        params={"campaign": campaign.pk},
    )
    return job_enqueue(job)
