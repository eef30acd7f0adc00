"""Deterministic generation of a party tree and its members, as plain row tuples.

No database access here. A `Plan` fixes the shape of a run (provinces, upper-grassroots
committees, their member budgets, the batches); each upper-grassroots committee is then generated
from its own random stream (seed, province, committee), so any batch can be generated alone and
a resumed run writes exactly what an uninterrupted run would have written.
"""

import bisect
import datetime
import itertools
import random
from dataclasses import dataclass, field

from tusoi.core.seeding import names
from tusoi.core.text import clean_text, fold, vn_sort_key
from tusoi.orgs.tree import SEGMENT_WIDTH, segment

# Generated dates never pass this day, so a given seed always yields the same data.
REFERENCE_DAY = datetime.date(2026, 6, 30)
_REF = REFERENCE_DAY.toordinal()
_YEAR = 365.25
SERIAL_SLACK = 2_000

KIND_ROOT_NATIONAL = "trung-uong"
KIND_PROVINCE = "tinh-uy"
KIND_UPPER = "dang-uy-tren-co-so"
KIND_GRASSROOTS = "dang-bo-co-so"
KIND_GRASSROOTS_CELL = "chi-bo-co-so"
KIND_CELL = "chi-bo"
CELL_KINDS = (KIND_GRASSROOTS_CELL, KIND_CELL)

# Column order of the tuples below; writer.py adds the timestamps.
ORG_COLUMNS = (
    "id",
    "code",
    "name",
    "kind",
    "parent_id",
    "path",
    "depth",
    "child_counter",
    "name_key",
)
MEMBER_COLUMNS = (
    "id",
    "card_number",
    "full_name",
    "birth_date",
    "gender",
    "citizen_id",
    "phone",
    "email",
    "admitted_on",
    "official_on",
    "cell_id",
    "job",
    "position",
    "is_leader",
    "life_situation",
    "works_away",
    "elderly_frail",
    "status",
    "status_since",
    "home_cell_id",
    "transferred_in_from",
    "merged_into_id",
    "name_key",
    "search_name",
    "version",
)
PERIOD_COLUMNS = (
    "member_id",
    "cell_id",
    "status",
    "valid_from",
    "valid_to",
    "change",
    "reason",
    "recorded_by_id",
)


@dataclass(frozen=True)
class Scale:
    name: str
    root_code: str
    root_name: str
    national: bool
    members: int
    region: int  # card/citizen-ID prefix of a province-rooted scale (national: 1..34)
    uppers: int  # upper-grassroots committees of a province-rooted scale
    batch_members: int
    duplicates: int
    demo_users: bool


SCALES: dict[str, Scale] = {
    # `tiny` is for the tests: the demo's code paths in a fraction of a second.
    "tiny": Scale("tiny", "TINY", "Tỉnh ủy Thử Nghiệm", False, 160, 92, 2, 80, 2, False),
    "demo": Scale("demo", "DEMO", "Tỉnh ủy Minh Sơn", False, 3_000, 91, 3, 1_000, 10, True),
    "province": Scale(
        "province", "TINH", "Tỉnh ủy Đông Giang", False, 165_000, 81, 98, 50_000, 0, False
    ),
    "national": Scale(
        "national", "TW", "Ban Chấp hành Trung ương", True, 5_600_000, 0, 0, 60_000, 0, False
    ),
}
PUBLIC_SCALES = ("demo", "province", "national")


@dataclass(frozen=True)
class UpperSpec:
    index: int  # 0-based among the province's children; its segment is index + 1
    code: str
    name: str
    kind: str  # "xa", "phuong" or "agency"
    place: str
    budget: int
    serial_offset: int  # first serial number of its members within the province


@dataclass(frozen=True)
class ProvinceSpec:
    index: int
    code: str
    name: str
    place: str
    region: int
    uppers: tuple[UpperSpec, ...]


@dataclass(frozen=True)
class Batch:
    number: int
    province: int
    uppers: tuple[int, ...]
    label: str


@dataclass(frozen=True)
class Plan:
    scale: Scale
    seed: int
    root_code: str
    root_name: str
    root_kind: str
    provinces: tuple[ProvinceSpec, ...]
    batches: tuple[Batch, ...]

    @property
    def province_is_root(self) -> bool:
        return not self.scale.national


class Picker:
    """Weighted choice by bisection over cumulative weights (faster than random.choices)."""

    def __init__(self, items: list[tuple[str, float]]):
        self.values = [v for v, _w in items]
        self.cum = list(itertools.accumulate(w for _v, w in items))
        self.total = self.cum[-1]

    def __call__(self, rng: random.Random) -> str:
        return self.values[bisect.bisect_right(self.cum, rng.random() * self.total)]


# Plan ------------------------------------------------------------------------------------------


def _place_names(rng: random.Random, count: int) -> list[str]:
    pool = [f"{a} {b}" for a in names.PLACE_FIRST for b in names.PLACE_SECOND if a != b]
    rng.shuffle(pool)
    return pool[:count]


def _uppers(
    rng: random.Random,
    *,
    prov_code: str,
    communes: int,
    members: int,
    urban: float,
    kinds: list[str] | None = None,
) -> tuple[UpperSpec, ...]:
    agencies = names.PROVINCE_AGENCY_COMMITTEES if kinds is None else []
    count = len(agencies) + communes if kinds is None else len(kinds)
    places = _place_names(rng, count)
    raw: list[tuple[str, str, str, float]] = []
    for i in range(count):
        if kinds is not None:
            kind = kinds[i]
        elif i < len(agencies):
            kind = "agency"
        else:
            kind = "phuong" if rng.random() < urban else "xa"
        if kind == "agency":
            name = names.PROVINCE_AGENCY_COMMITTEES[i % len(names.PROVINCE_AGENCY_COMMITTEES)]
            weight = 2.5
        else:
            name = f"Đảng ủy {'phường' if kind == 'phuong' else 'xã'} {places[i]}"
            weight = (1.25 if kind == "phuong" else 1.0) * rng.lognormvariate(0, 0.3)
        raw.append((kind, name, places[i], weight))
    if kinds is not None:  # the demo: even committees, easy to read
        raw = [(k, n, p, 1.0) for k, n, p, _w in raw]
    total_weight = sum(w for *_x, w in raw)
    out, offset = [], 0
    for i, (kind, name, place, weight) in enumerate(raw):
        budget = max(30, round(members * weight / total_weight))
        out.append(UpperSpec(i, f"{prov_code}-{i + 1:03d}", name, kind, place, budget, offset))
        # A committee overshoots its budget by at most one unit (9 cells of 120) plus the
        # planted duplicates, so its serial numbers never reach the next committee's.
        offset += budget + SERIAL_SLACK
    return tuple(out)


def _batches(provinces: tuple[ProvinceSpec, ...], batch_members: int) -> tuple[Batch, ...]:
    out: list[Batch] = []
    for prov in provinces:
        group: list[int] = []
        size = 0
        for upper in prov.uppers:
            group.append(upper.index)
            size += upper.budget
            if size >= batch_members:
                out.append(Batch(len(out), prov.index, tuple(group), ""))
                group, size = [], 0
        if group:
            out.append(Batch(len(out), prov.index, tuple(group), ""))
    labelled = []
    for b in out:
        prov = provinces[b.province]
        first, last = prov.uppers[b.uppers[0]].code, prov.uppers[b.uppers[-1]].code
        label = f"{prov.name}: {first}" + (f"..{last}" if last != first else "")
        labelled.append(Batch(b.number, b.province, b.uppers, label))
    return tuple(labelled)


def make_plan(scale_name: str, seed: int) -> Plan:
    scale = SCALES[scale_name]
    rng = random.Random(f"{seed}:plan:{scale.name}")
    provinces: list[ProvinceSpec] = []
    if scale.national:
        total = sum(c * w for _n, c, w, _city in names.PROVINCES)
        for i, (place, communes, weight, city) in enumerate(names.PROVINCES):
            code = f"{scale.root_code}{i + 1:02d}"
            members = round(scale.members * communes * weight / total)
            title = "Thành ủy" if city else "Tỉnh ủy"
            uppers = _uppers(
                rng,
                prov_code=code,
                communes=communes,
                members=members,
                urban=0.6 if city else 0.2,
            )
            provinces.append(ProvinceSpec(i, code, f"{title} {place}", place, i + 1, uppers))
        root_kind = KIND_ROOT_NATIONAL
    else:
        kinds = ["phuong", "xa", "agency"] if scale.name in {"demo", "tiny"} else None
        if kinds is not None:
            kinds = kinds[: scale.uppers]
        uppers = _uppers(
            rng,
            prov_code=scale.root_code,
            communes=scale.uppers - 2,
            members=scale.members,
            urban=0.3,
            kinds=kinds,
        )
        place = scale.root_name.removeprefix("Tỉnh ủy ")
        provinces.append(
            ProvinceSpec(0, scale.root_code, scale.root_name, place, scale.region, uppers)
        )
        root_kind = KIND_PROVINCE
    for prov in provinces:
        last = prov.uppers[-1]
        # Serial numbers feed the 6 scrambled digits of the citizen ID: they must stay unique.
        if last.serial_offset + last.budget + SERIAL_SLACK >= 1_000_000:
            raise ValueError(f"{prov.name}: too many members for unique citizen IDs")
    return Plan(
        scale=scale,
        seed=seed,
        root_code=scale.root_code,
        root_name=scale.root_name,
        root_kind=root_kind,
        provinces=tuple(provinces),
        batches=_batches(tuple(provinces), scale.batch_members),
    )


# Names -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Word:
    text: str
    key: str  # this word's part of vn_sort_key
    folded: str


def _word(text: str) -> _Word:
    text = clean_text(text)
    return _Word(text, vn_sort_key(text), fold(text))


class _WordPicker:
    def __init__(self, items: list[tuple[str, float]]):
        self.words = {text: _word(text) for text, _w in items}
        self.pick = Picker(items)

    def __call__(self, rng: random.Random) -> _Word:
        return self.words[self.pick(rng)]


_FAMILY = _WordPicker(names.FAMILY_NAMES)
_MIDDLE = {g: _WordPicker(items) for g, items in names.MIDDLE_NAMES.items()}
_MIDDLE_TRADITIONAL = {g: _word(w) for g, w in names.MIDDLE_TRADITIONAL.items()}
_GIVEN = {g: _WordPicker(items) for g, items in names.GIVEN_NAMES.items()}


def person_name(rng: random.Random, gender: str, birth_year: int) -> tuple[str, str, str]:
    """(full name, sort key, folded search name), equal to what the member services derive."""
    family = _FAMILY(rng)
    # Older generations mostly carry "Văn"/"Thị"; later ones a wider choice, sometimes both.
    traditional = 0.75 if birth_year < 1965 else 0.5 if birth_year < 1985 else 0.3
    roll = rng.random()
    if roll < traditional:
        middles = [_MIDDLE_TRADITIONAL[gender]]
        if gender == "female" and rng.random() < 0.2:
            middles.append(_MIDDLE[gender](rng))
    else:
        middles = [_MIDDLE[gender](rng)]
    given = _GIVEN[gender](rng)
    if given.text == middles[-1].text:
        given = _GIVEN[gender](rng)
    words = [family, *middles, given]
    full = " ".join(w.text for w in words)
    key = (given.key + "".join(m.key for m in middles) + family.key)[:600]
    return full, key, " ".join(w.folded for w in words)


# Members ---------------------------------------------------------------------------------------

_JOBS = {k: Picker(v) for k, v in names.JOBS.items()}
_FREE_JOBS = {
    "Nông dân",
    "Kinh doanh tự do",
    "Lao động tự do",
    "Tiểu thương",
    "Thợ xây",
    "Lái xe",
}
# cell type -> (share of men, birth years (low, high, mode), share of leaders)
_PROFILE = {
    "residential": (0.58, (1940, 2004, 1953), 0.16),
    "agency": (0.55, (1966, 2001, 1984), 0.40),
    "school": (0.30, (1966, 2002, 1985), 0.15),
    "health": (0.38, (1966, 2002, 1986), 0.25),
    "enterprise": (0.60, (1966, 2004, 1988), 0.20),
    "police": (0.85, (1972, 2003, 1990), 0.22),
    "military": (0.92, (1966, 2003, 1985), 0.30),
}
# cell type -> (median size, share of "chi bộ đông đảng viên" of 100 or more)
_CELL_SIZE = {
    "residential": (22, 0.02),
    "agency": (18, 0.01),
    "school": (15, 0.0),
    "health": (20, 0.01),
    "enterprise": (20, 0.01),
    "police": (12, 0.0),
    "military": (6, 0.0),
}


def _iso(ordinal: int) -> str:
    return datetime.date.fromordinal(ordinal).isoformat()


def _plus_one_year(ordinal: int) -> str:
    day = datetime.date.fromordinal(ordinal)
    try:
        return day.replace(year=day.year + 1).isoformat()
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28).isoformat()


def _scramble(n: int, modulus: int, salt: int) -> int:
    """A bijection of 0..modulus-1 that hides the running order (unique in, unique out)."""
    return (n * 7_919 + salt) % modulus


def card_number(region: int, serial: int) -> str:
    body = f"{region:02d}{_scramble(serial, 10_000_000, 1_234_567):07d}"
    return f"{body}{int(body) % 997:03d}"


def citizen_id(region: int, serial: int, gender: str, birth_year: int) -> str:
    century_gender = (0 if gender == "male" else 1) + (2 if birth_year >= 2000 else 0)
    six = _scramble(serial, 1_000_000, 271_828)
    return f"{region:03d}{century_gender}{birth_year % 100:02d}{six:06d}"


@dataclass
class Ids:
    """Next primary keys; the writer starts them above what the tables already hold."""

    org: int
    member: int


@dataclass
class UpperRows:
    orgs: list[tuple] = field(default_factory=list)
    members: list[tuple] = field(default_factory=list)
    periods: list[tuple] = field(default_factory=list)
    cells: int = 0


@dataclass
class _Unit:
    """What a cell is: its type decides ages, jobs, life situations and size."""

    kind: str
    state_owned: bool = True


class _UpperBuilder:
    def __init__(
        self,
        *,
        plan: Plan,
        prov: ProvinceSpec,
        upper: UpperSpec,
        parent_id: int,
        parent_path: str,
        ids: Ids,
        duplicates: int,
    ):
        self.plan, self.prov, self.upper = plan, prov, upper
        self.rng = random.Random(f"{plan.seed}:{prov.index}:{upper.index}")
        self.ids = ids
        self.rows = UpperRows()
        self.serial = upper.serial_offset
        self.duplicates = duplicates
        self.cell_ids: list[int] = []
        self.upper_id = ids.org
        ids.org += 1
        self.upper_path = parent_path + segment(upper.index + 1)
        self.upper_row = [
            self.upper_id,
            upper.code,
            upper.name,
            KIND_UPPER,
            parent_id,
            self.upper_path,
            len(self.upper_path) // SEGMENT_WIDTH - 1,
            0,
            vn_sort_key(upper.name),
        ]
        self.rows.orgs.append(())  # placeholder: the committee's row, once its children are known
        self.children = 0
        self.direct_cells = 0
        self.grassroots = 0
        self.commune_agency = False

    # tree ----------------------------------------------------------------------------------

    def _org(
        self, *, code: str, name: str, kind: str, parent_id: int, path: str, children: int
    ) -> int:
        org_id = self.ids.org
        self.ids.org += 1
        name = clean_text(name)
        self.rows.orgs.append(
            (
                org_id,
                code,
                name,
                kind,
                parent_id,
                path,
                len(path) // SEGMENT_WIDTH - 1,
                children,
                vn_sort_key(name),
            )
        )
        return org_id

    def _direct_cell(self, name: str, unit: _Unit) -> None:
        self.children += 1
        self.direct_cells += 1
        code = f"{self.upper.code}-C{self.direct_cells:02d}"
        cell_id = self._org(
            code=code,
            name=name,
            kind=KIND_GRASSROOTS_CELL,
            parent_id=self.upper_id,
            path=self.upper_path + segment(self.children),
            children=0,
        )
        self._fill_cell(cell_id, unit)

    def _grassroots(self, name: str, cell_names: list[str], unit: _Unit) -> None:
        self.children += 1
        self.grassroots += 1
        code = f"{self.upper.code}-{self.grassroots:02d}"
        path = self.upper_path + segment(self.children)
        org_id = self._org(
            code=code,
            name=name,
            kind=KIND_GRASSROOTS,
            parent_id=self.upper_id,
            path=path,
            children=len(cell_names),
        )
        for i, cell_name in enumerate(cell_names, start=1):
            cell_id = self._org(
                code=f"{code}-{i:02d}",
                name=cell_name,
                kind=KIND_CELL,
                parent_id=org_id,
                path=path + segment(i),
                children=0,
            )
            self._fill_cell(cell_id, unit)

    def _unit(self) -> None:
        """One more child of the committee: a grassroots organisation with its cells, or a
        grassroots cell, of a type that fits the committee."""
        rng, upper = self.rng, self.upper
        place = upper.place
        commune = "phường" if upper.kind == "phuong" else "xã"
        if upper.kind == "agency":
            roll = rng.random()
            if roll < 0.8:
                dept = rng.choice(names.PROVINCE_DEPARTMENTS)
                units = rng.sample(names.DEPARTMENT_UNITS, rng.randint(3, 6))
                self._grassroots(f"Đảng bộ {dept}", [f"Chi bộ {u}" for u in units], _Unit("agency"))
            elif roll < 0.9:
                brand = rng.choice(names.COMPANY_BRANDS)
                units = rng.sample(names.ENTERPRISE_UNITS, rng.randint(3, 6))
                self._grassroots(
                    f"Đảng bộ Công ty TNHH MTV {brand}",
                    [f"Chi bộ {u}" for u in units],
                    _Unit("enterprise", True),
                )
            else:
                self._direct_cell(
                    f"Chi bộ Trung tâm {rng.choice(names.DEPARTMENT_UNITS)}", _Unit("agency")
                )
            return
        roll = rng.random()
        urban = upper.kind == "phuong"
        if roll < 0.55:  # residential: villages and neighbourhoods
            if rng.random() < 0.8:
                n = rng.randint(4, 9)
                if urban:
                    self._grassroots(
                        f"Đảng bộ khu phố {self.grassroots + 1}",
                        [f"Chi bộ tổ dân phố {i}" for i in range(1, n + 1)],
                        _Unit("residential"),
                    )
                else:
                    village = f"{rng.choice(names.VILLAGE_PREFIX)} {place.split(' ')[-1]}"
                    self._grassroots(
                        f"Đảng bộ thôn {village}",
                        [f"Chi bộ xóm {i}" for i in range(1, n + 1)],
                        _Unit("residential"),
                    )
            else:
                prefix = "khu phố" if urban else "thôn"
                self._direct_cell(
                    f"Chi bộ {prefix} {rng.choice(names.PLACE_SECOND)}", _Unit("residential")
                )
        elif roll < 0.7:
            level = rng.choice(["Tiểu học", "Trung học cơ sở", "Trung học phổ thông", "Mầm non"])
            school = f"Trường {level} {rng.choice(names.PLACE_FIRST)} {place.split(' ')[-1]}"
            if level == "Trung học phổ thông" or rng.random() < 0.3:
                units = rng.sample(names.SCHOOL_UNITS, rng.randint(3, 5))
                self._grassroots(
                    f"Đảng bộ {school}", [f"Chi bộ {u}" for u in units], _Unit("school")
                )
            else:
                self._direct_cell(f"Chi bộ {school}", _Unit("school"))
        elif roll < 0.8:
            if rng.random() < 0.5:
                units = rng.sample(names.HEALTH_UNITS, rng.randint(3, 6))
                self._grassroots(
                    f"Đảng bộ Trung tâm Y tế khu vực {place}",
                    [f"Chi bộ {u}" for u in units],
                    _Unit("health"),
                )
            else:
                self._direct_cell(f"Chi bộ Trạm Y tế {commune} {place}", _Unit("health"))
        elif roll < 0.9 and not self.commune_agency:
            self.commune_agency = True
            units = rng.sample(names.DEPARTMENT_UNITS, rng.randint(3, 5))
            self._grassroots(
                f"Đảng bộ Cơ quan Ủy ban nhân dân {commune} {place}",
                [f"Chi bộ {u}" for u in units],
                _Unit("agency"),
            )
        else:
            brand = rng.choice(names.COMPANY_BRANDS)
            form = rng.choice(["Công ty Cổ phần", "Công ty TNHH"])
            if rng.random() < 0.5:
                units = rng.sample(names.ENTERPRISE_UNITS, rng.randint(3, 7))
                self._grassroots(
                    f"Đảng bộ {form} {brand}",
                    [f"Chi bộ {u}" for u in units],
                    _Unit("enterprise", False),
                )
            else:
                self._direct_cell(f"Chi bộ {form} {brand}", _Unit("enterprise", False))

    def build(self) -> UpperRows:
        upper = self.upper
        if upper.kind != "agency":
            commune = "phường" if upper.kind == "phuong" else "xã"
            self._direct_cell(f"Chi bộ Công an {commune} {upper.place}", _Unit("police"))
            self._direct_cell(f"Chi bộ Quân sự {commune} {upper.place}", _Unit("military"))
        # Stop a little short: the last unit added overshoots by half a unit on average.
        while len(self.rows.members) < upper.budget - 90:
            self._unit()
        self._plant_duplicates()
        if self.serial - upper.serial_offset > upper.budget + SERIAL_SLACK:
            raise AssertionError(f"{upper.code}: serial numbers overflow")
        self.upper_row[7] = self.children
        self.rows.orgs[0] = tuple(self.upper_row)
        return self.rows

    # members -------------------------------------------------------------------------------

    def _cell_size(self, unit: _Unit) -> int:
        median, big = _CELL_SIZE[unit.kind]
        if self.rng.random() < big:
            return self.rng.randint(100, 120)
        return max(3, min(99, round(self.rng.lognormvariate(0, 0.5) * median)))

    def _fill_cell(self, cell_id: int, unit: _Unit) -> None:
        self.rows.cells += 1
        for i in range(self._cell_size(unit)):
            self._member(cell_id, unit, i)
        self.cell_ids.append(cell_id)

    def _member(self, cell_id: int, unit: _Unit, index: int) -> None:  # noqa: C901
        rng, rows = self.rng, self.rows
        men, (low, high, mode), leader_share = _PROFILE[unit.kind]
        gender = "male" if rng.random() < men else "female"
        year = min(high, int(rng.triangular(low, high + 1, mode)))
        birth = datetime.date(year, 1, 1).toordinal() + rng.randrange(365)
        age = (_REF - birth) / _YEAR
        full_name, name_key, search_name = person_name(rng, gender, year)
        secretary = index == 0

        # Admitted at 18-45 (18th birthday plus a margin for leap days); official a year later.
        probationary = not secretary and age <= 45 and rng.random() < 0.09
        if probationary:
            admitted = _REF - rng.randrange(10, 360)
            official = None
        else:
            age_in = rng.triangular(0, 27, 4)
            admitted = min(birth + 6_576 + int(age_in * _YEAR), _REF - 400 - rng.randrange(200))
            admitted = max(admitted, birth + 6_576)
            official = _plus_one_year(admitted)

        # Job, life situation and flags follow the cell.
        life = ""
        works_away = False
        if unit.kind == "residential":
            if age >= 60 and rng.random() < 0.85:
                job, life = _JOBS["residential_retired"](rng), "retired"
            else:
                job = _JOBS["residential_working"](rng)
                if job == "Công nhân":
                    life = "non_state_worker"
                elif job in _FREE_JOBS:
                    life = "free_labourer"
                works_away = rng.random() < 0.09
        else:
            job = _JOBS[unit.kind](rng)
            if unit.kind == "enterprise" and not unit.state_owned:
                life = "non_state_worker"
                works_away = rng.random() < 0.04
            elif age >= 62:
                job, life = "Cán bộ hưu trí", "retired"
        frail_odds = 0.5 if age >= 80 else 0.18 if age >= 70 else 0.04 if age >= 62 else 0.0
        elderly = rng.random() < frail_odds
        is_leader = life != "retired" and rng.random() < leader_share
        position = ""
        if is_leader:
            position = rng.choice(names.LEADER_POSITIONS[unit.kind])
        elif unit.kind in names.OTHER_POSITIONS and rng.random() < 0.1:
            position = rng.choice(names.OTHER_POSITIONS[unit.kind])
        if secretary:
            position = f"Bí thư Chi bộ, {position}" if position else "Bí thư Chi bộ"
        elif index == 1:
            position = f"Phó Bí thư Chi bộ, {position}" if position else "Phó Bí thư Chi bộ"

        serial = self.serial
        self.serial += 1
        region = self.prov.region
        card = card_number(region, serial)
        cid = citizen_id(region, serial, gender, year) if rng.random() < 0.8 else ""
        phone = ""
        if rng.random() < 0.7:
            phone = f"{rng.choice(names.PHONE_PREFIXES)}{rng.randrange(10_000_000):07d}"

        # Status history: every member starts active in a cell; a few changed since.
        member_id = self.ids.member
        self.ids.member += 1
        status, change, reason = "active", "", ""
        if not secretary and not probationary:
            roll = rng.random()
            if roll < (0.3 if elderly else 0.02 if age > 75 else 0.003):
                status, change = "exempt", "exempted"
                reason = rng.choice(names.EXEMPT_REASONS)
            elif roll < 0.3 and works_away or roll < 0.004:
                status, change = "transferred_out", "transferred_out"
                other = rng.choice(names.PROVINCES)[0]
                reason = rng.choice(names.TRANSFER_OUT_REASONS).format(place=other)
            elif roll > 0.998 and self.cell_ids:
                change = "transferred_in"
        start = admitted
        home_cell = None
        version = 1
        if change:
            since = max(start + 1, _REF - rng.randrange(30, 1_500))
            if change == "transferred_in":
                home_cell = rng.choice(self.cell_ids)
                reason = "Sinh hoạt tạm thời theo nơi làm việc"
            rows.periods.append(
                (
                    member_id,
                    home_cell or cell_id,
                    "active",
                    _iso(start),
                    _iso(since),
                    "registered",
                    "",
                    None,
                )
            )
            rows.periods.append(
                (member_id, cell_id, status, _iso(since), None, change, reason, None)
            )
            status_since = _iso(since)
            version = 2
        else:
            status_since = _iso(start)
            rows.periods.append(
                (member_id, cell_id, "active", status_since, None, "registered", "", None)
            )
        rows.members.append(
            (
                member_id,
                card,
                full_name,
                _iso(birth),
                gender,
                cid,
                phone,
                "",
                _iso(admitted),
                official,
                cell_id,
                job,
                position,
                is_leader,
                life,
                works_away,
                elderly,
                status,
                status_since,
                home_cell,
                "",
                None,
                name_key,
                search_name,
                version,
            )
        )

    def _plant_duplicates(self) -> None:
        """Likely duplicates for the review page: the same person registered twice (same name
        and date of birth), in another cell, under another card number, without citizen ID."""
        if not self.duplicates or len(self.cell_ids) < 2:
            return
        rng = self.rng
        sources = rng.sample(self.rows.members, min(self.duplicates, len(self.rows.members)))
        for src in sources:
            cell_id = rng.choice([c for c in self.cell_ids if c != src[10]])
            serial = self.serial
            self.serial += 1
            member_id = self.ids.member
            self.ids.member += 1
            admitted = src[8]
            self.rows.members.append(
                (
                    member_id,
                    card_number(self.prov.region, serial),
                    src[2],
                    src[3],
                    src[4],
                    "",
                    "",
                    "",
                    admitted,
                    src[9],
                    cell_id,
                    src[11],
                    "",
                    False,
                    src[14],
                    False,
                    False,
                    "active",
                    admitted,
                    None,
                    "",
                    None,
                    src[22],
                    src[23],
                    1,
                )
            )
            self.rows.periods.append(
                (member_id, cell_id, "active", admitted, None, "registered", "", None)
            )


def generate_upper(
    *,
    plan: Plan,
    prov: ProvinceSpec,
    upper: UpperSpec,
    parent_id: int,
    parent_path: str,
    ids: Ids,
) -> UpperRows:
    """Every row of one upper-grassroots committee's subtree, from its own random stream."""
    share = plan.scale.duplicates // len(prov.uppers)
    extra = plan.scale.duplicates % len(prov.uppers)
    duplicates = share + (1 if upper.index < extra else 0)
    return _UpperBuilder(
        plan=plan,
        prov=prov,
        upper=upper,
        parent_id=parent_id,
        parent_path=parent_path,
        ids=ids,
        duplicates=duplicates,
    ).build()
