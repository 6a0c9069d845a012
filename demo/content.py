"""The seed stories as proposals, options and discussion. Pure data."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


def md(text: str) -> str:
    """Markdown written wrapped in the source: join soft-wrapped lines (Chinese needs no space)."""
    lines: list[str] = []
    for line in text.strip().split("\n"):
        starts_block = not line or line.startswith(("#", "- ")) or not lines or not lines[-1]
        if starts_block or lines[-1].startswith("#"):
            lines.append(line)
        else:
            lines[-1] += line
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class CommentSeed:
    """A comment: author (demo username), text, stance, option (index) and reply target."""

    key: str
    author: str
    body: str
    stance: str | None = None
    option: int | None = None
    reply_to: str | None = None
    official: bool = False


@dataclass(frozen=True)
class ProposalSeed:
    """A proposal of a demo community, posted by its committee account."""

    key: str
    code: str
    title: str
    summary: str
    body: str
    matters: tuple[int, ...]
    options: tuple[dict[str, Any], ...]
    scope: tuple[str, ...] | None = None
    comments: tuple[CommentSeed, ...] = field(default_factory=tuple)
    #: non-binding leanings (意向) of demo owner accounts: (username, option index)
    leanings: tuple[tuple[str, int], ...] = ()


SHED = ProposalSeed(
    key="shed", code="spj",
    title="电动自行车集中充电车棚建设（两个选址方案）",
    summary="电动自行车乱停乱放、“飞线”充电屡禁不止，存在重大消防隐患。物业与业委会调研后"
            "提出两套车棚选址方案：占用内部绿地，或改建外围车位。请比较、讨论后分别表决。",
    body=md("""## 背景

小区现有电动自行车约 **310 辆**，楼道停放、“飞线”充电屡禁不止。去年冬天 3 号楼一单元
楼道曾发生电瓶冒烟，所幸发现及时。

## 调研

睿幸福物业与业委会上门及线上征求意见，收回问卷 356 份：
- 有车业主最关心**充电方便**和**收费**；
- 无车业主最关心**绿化面积不能减少**、车棚离住宅不能太近。

据此制定两套方案（见下方比较），经两轮议事会、一次恳谈会修改。

## 表决规则

建设车棚属于《民法典》第二百七十八条第一款第七项（改建建筑物附属设施），方案A还改变
绿地用途（第八项）。两个方案分别表决，每个方案须经参与表决的业主专有部分面积和人数
**均达到四分之三**同意；参与表决的业主须占面积和人数的三分之二以上。

## 费用

车棚建设费由小区公共收益承担，街道“关键小事”专项补贴 5 万元；充电电费按实际用量 0.60 元/度，
另收服务费 0.20 元/度，用于车棚维护。
"""),
    matters=(7, 8),
    options=(
        {"title": "方案A：占用内部绿地建设充电车棚",
         "description": "在5号楼与6号楼之间的内部绿地建设钢结构车棚，设充电口60个，"
                        "配烟感报警与自动喷淋。",
         "cost_cny": Decimal("186500.00"), "funding_source": "mixed",
         "split": {"unit": "amount", "subsidy": Decimal("50000.00"),
                   "common_income": Decimal("136500.00")},
         "timeline": "规划备案后约45天", "green_area_lost_m2": Decimal("160.00"),
         "parking_delta": 0,
         "pros": "离楼栋近，取车充电方便；不减少车位，公共收益不受影响。",
         "cons": "减少绿化面积约160 m²，需移栽树木3棵；占用儿童活动区的一部分。",
         "risks": "绿地改建须向规划部门备案，周期不确定；车棚距5、6号楼不足15米，"
                  "一旦起火，烟气影响低层住户。"},
        {"title": "方案B：改建北门外围8个地面车位建设集中充电车棚",
         "description": "将北门内侧8个外围地面车位改建为集中充电车棚，设充电口72个，"
                        "配烟感报警、自动喷淋和视频监控。",
         "cost_cny": Decimal("142800.00"), "funding_source": "mixed",
         "split": {"unit": "amount", "subsidy": Decimal("50000.00"),
                   "common_income": Decimal("92800.00")},
         "timeline": "车位租约到期后约30天", "green_area_lost_m2": Decimal("0.00"),
         "parking_delta": -8,
         "pros": "不占绿地；远离住宅楼，消防更安全；靠近北门，上下班顺路，便于集中管理。",
         "cons": "减少8个外围车位，公共收益每年减少约2.88万元；部分楼栋取车多走约150米。",
         "risks": "需提前3个月通知车位租户；需电力扩容（已与供电公司初步沟通）。"},
    ),
    comments=(
        CommentSeed("c1", "spj-owner", "我家两辆电动车，天天为充电发愁。B方案在北门，上下班顺路，"
                    "车棚离楼远一点反而安全。", "support", 1),
        CommentSeed("c2", "spj-coowner", "我们家没有电动车。绿地是小区孩子们仅剩的活动场地，"
                    "占用160平米绿地我们不同意。", "oppose", 0),
        CommentSeed("c3", "chen-lixin", "外围车位现在有人租，改建后他们停哪里？车位租金减少的"
                    "公共收益谁来补？", "question", 1),
        CommentSeed("c4", "spj-committee", "感谢提问。北门8个车位的租约6月底到期，物业已承诺在"
                    "地下车库按原价为愿意续租的业主调剂车位。公共收益每年减少约2.88万元，充电"
                    "服务费预计每年收回约2万元，差额由公共收益承担。测算表已张贴在公告栏。",
                    reply_to="c3", official=True),
        CommentSeed("c5", "spj-resident", "我是租户，也骑电动车。租户能不能办充电卡？怎么收费？",
                    "question"),
        CommentSeed("c6", "spj-admin", "租户凭租赁合同到物业服务中心办理充电卡，收费与业主相同："
                    "电费0.60元/度，服务费0.20元/度。", reply_to="c5"),
        CommentSeed("c7", "spj-coowner", "B方案我们可以接受，只要不动绿地。", "support", 1,
                    reply_to="c1"),
    ),
    leanings=(("spj-committee", 1), ("chen-lixin", 1), ("spj-coowner", 1)),
)

GAS = ProposalSeed(
    key="gas", code="tyc",
    title="燃气管道老化改造（使用专项维修资金）",
    summary="小区燃气管道日渐老化，破损、漏气愈加严重。经“逢四说事”议事会与燃气企业、街道"
            "建设所、居民代表共同商讨，形成施工方案，拟使用专项维修资金。",
    body=md("""## 背景

2019年燃气改造工程因业主意见不统一一直未能推进。近两年燃气管道破损、漏气现象愈加
严重，去年全年报修漏气 **27 次**，消防安全得不到保障。

## 议事会

今年2月初，科宁社区在天元城红色议事厅召开“逢四说事”议事会，燃气企业、街道建设所、
居民代表到场，现场解答了施工期间停气、外墙明管、费用分摊等顾虑，事后形成详细施工方案。

## 表决规则

使用专项维修资金属于《民法典》第二百七十八条第一款第五项：须经参与表决的业主专有部分
面积和人数**均过半数**同意；参与表决的业主须占面积和人数的三分之二以上。停车位面积
按本小区规定不计入。

## 费用分摊

费用从各户维修资金分户账中按专有部分面积列支，不另外收费。
"""),
    matters=(5,),
    options=(
        {"title": "方案一：16幢楼整体更换立管与入户管",
         "description": "全部更换为镀锌钢管外墙明装，入户段改为不锈钢波纹管，同步加装燃气"
                        "泄漏报警器。",
         "cost_cny": Decimal("1268000.00"), "funding_source": "maintenance_fund",
         "timeline": "分4期，每期约1个月；每户停气不超过1天",
         "pros": "一次性消除全部隐患；质保10年；报警器全覆盖。",
         "cons": "外墙明管影响立面美观；施工期间部分地面车位临时占用。",
         "risks": "维修资金余额约310万元，使用后约183万元；雨季可能延误工期。"},
        {"title": "方案二：只改造漏气严重的6幢楼，其余加装报警器",
         "description": "更换3、5、8、9、12、14幢的立管与入户管，其余10幢只加装燃气泄漏报警器。",
         "cost_cny": Decimal("486000.00"), "funding_source": "maintenance_fund",
         "timeline": "约6周",
         "pros": "花钱少，维修资金余额约262万元。",
         "cons": "其余10幢的老化管道仍在，3至5年后还要再改，届时材料和人工更贵。",
         "risks": "分两次施工，总费用可能高于一次改造。"},
    ),
    comments=(
        CommentSeed("g1", "tyc-owner", "去年冬天我家楼道闻到过两次煤气味，支持整体改造，"
                    "一次改到位。", "support", 0),
        CommentSeed("g2", "tyc-coowner", "我家65平米，整体改造大概要从维修资金里扣多少？"
                    "需要另外交钱吗？", "question", 0),
        CommentSeed("g3", "tyc-committee", "不需要另交钱。按方案一，费用约25.32元/m²，65平米的"
                    "住户约从分户账列支1,650元。每户的明细会在公告栏和本页公示。",
                    reply_to="g2", official=True),
        CommentSeed("g4", "chen-lixin", "只改6幢是头痛医头，过几年还得再折腾一次，反对方案二。",
                    "oppose", 1),
        CommentSeed("g5", "tyc-resident", "我是租户，施工期间要停气几天？会提前通知吗？",
                    "question"),
        CommentSeed("g6", "tyc-admin", "每户入户改造停气不超过1天，施工前3天在单元门口张贴通知，"
                    "并在楼栋微信群提醒。", reply_to="g5"),
    ),
    leanings=(("tyc-committee", 0), ("tyc-owner", 0), ("tyc-coowner", 0), ("chen-lixin", 0)),
)

ELEVATOR = ProposalSeed(
    key="elevator", code="jax",
    title="19-1号楼电梯改造升级（监控更换、电梯卡、被困求救电话）",
    summary="微网格居民骨干巡查发现19-1号楼电梯监控老化、安全设施不足。经上门走访和楼栋群"
            "征求意见，提出改造方案，拟使用本楼维修资金，由19-1号楼业主表决。",
    body=md("""## 背景

“微网格”居民骨干定期巡查电梯运行，发现监控老化、安全设施不足等问题。通过上门走访、
楼栋微信群广泛征求意见，从使用电梯卡到新增被困求救电话，逐项讨论。

## 范围与规则

电梯属19-1号楼业主共有，本议题只由 **19-1号楼** 的业主表决。使用维修资金属于
《民法典》第二百七十八条第一款第五项：须参与表决的面积和人数均过半数同意；
参与表决的须占本楼面积和人数的三分之二以上。
"""),
    matters=(5,),
    scope=("19-1号楼",),
    options=(
        {"title": "方案A：更换监控，加装电梯卡系统和被困求救电话",
         "description": "更换轿厢高清监控；加装电梯卡（刷卡到本户楼层）；轿厢内加装被困求救"
                        "电话，接物业值班室和微网格员手机。",
         "cost_cny": Decimal("68500.00"), "funding_source": "maintenance_fund",
         "timeline": "约20天，每天停梯不超过4小时",
         "pros": "消除监控老化隐患；外来人员不能随意乘梯，电梯损耗和维护费降低。",
         "cons": "每户需办卡，首张免费，补卡20元。",
         "risks": "老人忘带卡时上下楼不便（已约定一楼设访客呼叫）。"},
        {"title": "方案B：只更换监控",
         "description": "仅更换轿厢监控，其余维持现状。",
         "cost_cny": Decimal("21800.00"), "funding_source": "maintenance_fund",
         "timeline": "约5天",
         "pros": "花钱少，施工快。",
         "cons": "被困时仍只能按警铃，求助慢；外来人员乘梯问题不解决。",
         "risks": ""},
    ),
    comments=(
        CommentSeed("e1", "jax-owner", "支持方案A。上次电梯困人，警铃按了十分钟才有人来。",
                    "support", 0),
        CommentSeed("e2", "jax-coowner", "家里老人不会用手机，电梯卡办理能不能上门？",
                    "question", 0),
        CommentSeed("e3", "jax-committee", "可以。行动不便的住户由微网格员上门办卡；被困求救电话"
                    "接物业值班室，我的手机也作为求救电话之一，24小时有人接听。",
                    reply_to="e2", official=True),
    ),
    leanings=(("jax-committee", 0), ("jax-owner", 0), ("jax-coowner", 0)),
)

GUARD_ROOM = ProposalSeed(
    key="guardroom", code="jax",
    title="一楼闲置门卫室出租，租金计入公共维修资金",
    summary="19-1号楼一楼门卫室闲置多年。拟出租给花店经营，租金全部计入公共维修资金，"
            "用于电梯维护，每户电梯维护费可由每月216元降至180元。",
    body=md("""## 方案

门卫室约 **18 m²**，拟以公开询价方式出租给花店，年租金 2.4 万元，租期3年；
租金全部计入公共维修资金，专款用于电梯维护。

## 表决规则

利用共有部分从事经营活动属于《民法典》第二百七十八条第一款第八项：须经参与表决的业主
专有部分面积和人数**均达到四分之三**同意；参与表决的业主须占面积和人数的三分之二以上。
"""),
    matters=(8,),
    options=(
        {"title": "出租给花店，年租金2.4万元，租期3年",
         "description": "租金全部计入公共维修资金；合同约定不得经营餐饮、不得存放易燃物品。",
         "cost_cny": Decimal("0.00"), "funding_source": "none", "timeline": "表决通过后签约",
         "pros": "每年增加2.4万元公共维修资金；电梯维护费每户每月由216元降至180元。",
         "cons": "门卫室不再用于值班和收发快递。",
         "risks": "经营可能带来噪音和人员出入，须在合同中约定营业时间。"},
    ),
    comments=(
        CommentSeed("r1", "jax-owner", "闲着也是闲着，租出去还能省维护费，同意。", "support", 0),
        CommentSeed("r2", "jax-coowner", "快递以后放哪里？", "question", 0),
        CommentSeed("r3", "jax-committee", "快递柜已与快递公司谈妥，安装在一楼大厅东侧，"
                    "不占门卫室。", reply_to="r2", official=True),
    ),
)

PROPOSALS: tuple[ProposalSeed, ...] = (SHED, GAS, ELEVATOR, GUARD_ROOM)
