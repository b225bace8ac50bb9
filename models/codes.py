"""Codes shared with the evaluation / import format, with their Chinese labels.

The string values are the codes of the eval format (``../shared/eval/README.md``) and
are what the API, the import files and the database carry.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Industry(StrEnum):
    new_materials = "new-materials"
    laser_equipment = "laser-equipment"
    intelligent_manufacturing = "intelligent-manufacturing"
    petrochemical = "petrochemical"
    plastics = "plastics"
    membranes_water = "membranes-water"
    environmental = "environmental"
    energy = "energy"
    aviation = "aviation"
    biomedical = "biomedical"
    pipeline_equipment = "pipeline-equipment"
    automotive = "automotive"
    electronics_ict = "electronics-ict"
    agriculture_food = "agriculture-food"


INDUSTRY_LABELS: dict[Industry, str] = {
    Industry.new_materials: "新材料",
    Industry.laser_equipment: "激光装备",
    Industry.intelligent_manufacturing: "智能制造",
    Industry.petrochemical: "石油化工",
    Industry.plastics: "塑料制品",
    Industry.membranes_water: "膜材料与水处理",
    Industry.environmental: "节能环保",
    Industry.energy: "新能源",
    Industry.aviation: "通用航空",
    Industry.biomedical: "生物医药",
    Industry.pipeline_equipment: "管道装备",
    Industry.automotive: "汽车及零部件",
    Industry.electronics_ict: "电子信息",
    Industry.agriculture_food: "农业与食品",
}


class Cooperation(StrEnum):
    transfer = "transfer"
    license = "license"
    joint_development = "joint-development"
    commissioned = "commissioned"
    equity = "equity"
    consulting = "consulting"


COOPERATION_LABELS: dict[Cooperation, str] = {
    Cooperation.transfer: "技术转让",
    Cooperation.license: "技术许可",
    Cooperation.joint_development: "合作开发",
    Cooperation.commissioned: "委托开发",
    Cooperation.equity: "技术入股",
    Cooperation.consulting: "技术咨询/服务",
}


class Region(StrEnum):
    cangzhou_hitech = "cangzhou-hitech"
    zhongjie_hitech = "zhongjie-hitech"
    beijing = "beijing"
    tianjin = "tianjin"
    hebei = "hebei"
    cee = "cee"


REGION_LABELS: dict[Region, str] = {
    Region.cangzhou_hitech: "沧州高新区",
    Region.zhongjie_hitech: "中捷高新区",
    Region.beijing: "北京",
    Region.tianjin: "天津",
    Region.hebei: "河北",
    Region.cee: "中东欧",
}


class Zone(StrEnum):
    """The two high-tech zones whose enterprises post needs."""

    cangzhou_hitech = "cangzhou-hitech"
    zhongjie_hitech = "zhongjie-hitech"


class Lang(StrEnum):
    zh = "zh"
    en = "en"


class OrganizationKind(StrEnum):
    enterprise = "enterprise"
    institute = "institute"
    transfer_center = "transfer_center"


class OrganizationStatus(StrEnum):
    active = "active"
    inactive = "inactive"


class NeedStatus(StrEnum):
    draft = "draft"
    open = "open"
    closed = "closed"


class ResultStatus(StrEnum):
    open = "open"
    withdrawn = "withdrawn"
    transferred = "transferred"


class Maturity(StrEnum):
    lab = "lab"
    pilot = "pilot"
    industrial = "industrial"


MATURITY_LABELS: dict[Maturity, str] = {
    Maturity.lab: "实验室",
    Maturity.pilot: "小试/中试",
    Maturity.industrial: "产业化",
}


class Stage(StrEnum):
    """成熟度 as Chinese tech-transfer listings state it."""

    in_research = "in_research"
    prototype = "prototype"
    bench_tested = "bench_tested"
    pilot_tested = "pilot_tested"
    mass_production = "mass_production"


class IpStatus(StrEnum):
    patent = "patent"
    patent_pending = "patent_pending"
    know_how = "know_how"
    software = "software"


IP_LABELS: dict[IpStatus, str] = {
    IpStatus.patent: "已授权专利",
    IpStatus.patent_pending: "专利申请中",
    IpStatus.know_how: "技术秘密",
    IpStatus.software: "软件著作权",
}


@dataclass(frozen=True)
class StageRow:
    stage: Stage
    label: str
    maturity: Maturity
    trl_min: int
    trl_max: int


# The one mapping between 成熟度, the lab / pilot / industrial code and TRL 1-9.
STAGE_TABLE: tuple[StageRow, ...] = (
    StageRow(Stage.in_research, "正在研发", Maturity.lab, 1, 3),
    StageRow(Stage.prototype, "已有样品", Maturity.lab, 4, 4),
    StageRow(Stage.bench_tested, "通过小试", Maturity.pilot, 5, 5),
    StageRow(Stage.pilot_tested, "通过中试", Maturity.pilot, 6, 7),
    StageRow(Stage.mass_production, "可以量产", Maturity.industrial, 8, 9),
)


def stage_row(stage: Stage) -> StageRow:
    return next(row for row in STAGE_TABLE if row.stage == stage)


def stage_for_trl(trl: int) -> StageRow:
    for row in STAGE_TABLE:
        if row.trl_min <= trl <= row.trl_max:
            return row
    raise ValueError(f"TRL must be 1-9, got {trl}")


def maturity_trl_range(maturity: Maturity) -> tuple[int, int]:
    rows = [row for row in STAGE_TABLE if row.maturity == maturity]
    return min(r.trl_min for r in rows), max(r.trl_max for r in rows)
