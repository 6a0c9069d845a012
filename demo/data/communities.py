"""The three demo communities of the seed stories: settings and register plans."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from demo.data.registers import BuildingPlan, Line, RegisterPlan, generate, holdings

DATA_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class CommunitySpec:
    """A demo community: slug, name, settings for `create_community`, register plan."""

    slug: str
    name: str
    settings: dict[str, object]
    plan: RegisterPlan
    #: short code of the community in demo usernames ("spj-committee")
    code: str
    story: str
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def csv_path(self) -> Path:
        """The generated register CSV shipped with the demo."""
        return DATA_DIR / f"{self.slug}.csv"

    @property
    def parking_counted(self) -> bool:
        """Whether parking-space area counts in this community."""
        return self.settings.get("parking_area", "counted") == "counted"

    def lines(self) -> list[Line]:
        """The register rows (generated; the same every time)."""
        return generate(self.plan)


def _towers(count: int, stairs: int, floors: int, per_floor: int,
            plans: tuple[tuple[str, str], ...], suffix: str) -> tuple[BuildingPlan, ...]:
    """Identical buildings named 1{suffix}, 2{suffix}, ..."""
    return tuple(BuildingPlan(f"{n}{suffix}", stairs, floors, per_floor, plans)
                 for n in range(1, count + 1))


SHANGPINJU = CommunitySpec(
    slug="shangpinju", name="尚品居", code="spj",
    settings={"proxy_limit": 3, "vote_change": "allowed", "parking_area": "counted"},
    story="青岛西海岸新区薛家岛街道杜鹃山路社区：电动自行车集中充电车棚，两套选址方案。",
    plan=RegisterPlan(
        seed=278_001, ref_prefix="spj", city="青岛",
        buildings=_towers(8, 2, 14, 2, (("86.00", "98.00"), ("118.00", "142.00")), "号楼"),
        shop_building="沿街商铺", shops=12, unsold_shops=2,
        parking_building="地下车库", parking=24, unsold_parking=0.35,
        unsold_flats=6, undelivered_flats=4, second_home=0.05, co_owned=0.2,
        named_owners=("刘振华", "陈立新"),
    ),
)

TIANYUANCHENG = CommunitySpec(
    slug="tianyuancheng", name="天元城", code="tyc",
    settings={"proxy_limit": 5, "vote_change": "allowed", "parking_area": "excluded"},
    story="南京江宁区淳化街道科宁社区：老化燃气管道改造，动用专项维修资金。",
    plan=RegisterPlan(
        seed=278_002, ref_prefix="tyc", city="南京",
        buildings=_towers(16, 3, 6, 2, (("62.00", "78.00"), ("84.00", "108.00")), "幢"),
        shop_building="沿街商铺", shops=24, unsold_shops=1,
        parking_building="地面车位", parking=40, unsold_parking=0.2,
        unsold_flats=3, undelivered_flats=2, second_home=0.03, co_owned=0.15,
        named_owners=("周文斌", "陈立新"),
    ),
)

JINANXIAOZHU = CommunitySpec(
    slug="jinanxiaozhu", name="金安小筑", code="jax",
    settings={"proxy_limit": 2, "vote_change": "final", "parking_area": "counted",
              "notice_days": 7},
    story="宜昌西陵区夜明珠街道金安岭社区：19-1号楼电梯改造升级；一楼闲置门卫室出租。",
    plan=RegisterPlan(
        seed=278_004, ref_prefix="jax", city="宜昌",
        buildings=(
            BuildingPlan("19-1号楼", 1, 11, 4, (("72.00", "92.00"), ("98.00", "126.00"))),
            BuildingPlan("19-2号楼", 1, 10, 4, (("68.00", "88.00"), ("96.00", "118.00"))),
            BuildingPlan("19-3号楼", 1, 9, 4, (("60.00", "84.00"), ("90.00", "112.00"))),
        ),
        unsold_flats=2, undelivered_flats=1, second_home=0.04, co_owned=0.22,
        named_owners=("郑茂",),
    ),
    extra={"elevator_building": "19-1号楼"},
)

COMMUNITIES: tuple[CommunitySpec, ...] = (SHANGPINJU, TIANYUANCHENG, JINANXIAOZHU)


@dataclass(frozen=True)
class Featured:
    """Owners the demo accounts link to."""

    multi_unit: str  #: an owner of several units
    co_owned: str  #: co-owners of one unit


def featured_owners(spec: CommunitySpec, lines: list[Line] | None = None) -> Featured:
    """The first owner with several units and the first co-owned owner (not a named owner)."""
    held = holdings(lines if lines is not None else spec.lines())
    named = {f"{spec.plan.ref_prefix}{i + 1:04d}" for i in range(len(spec.plan.named_owners))}
    refs = [r for r in sorted(held) if r not in named]
    multi = next(r for r in refs if len(held[r]) >= 2 and ";" not in held[r][0].owner_name)
    co = next(r for r in refs if ";" in held[r][0].owner_name and len(held[r]) == 1)
    return Featured(multi_unit=multi, co_owned=co)
