"""Plausible Chinese names and masked phone numbers, drawn from a seeded `random.Random`."""

from __future__ import annotations

import random

#: common surnames, the most frequent first (drawn with decreasing weight)
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾"
)
MALE = "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林建国志海峰文成东亮"
FEMALE = "芳娜敏静丽艳娟霞燕玲婷雪慧莹洁琳颖倩晶露琴萍红梅兰月春秀英桂佳欣怡蕾"
PREFIXES = ("138", "139", "137", "136", "135", "150", "151", "152", "158", "159", "186", "187",
            "188", "189", "131", "132", "155", "156", "133", "153", "177", "180", "181", "199")
_WEIGHTS = [1 / (i + 4) for i in range(len(SURNAMES))]


def person_name(rng: random.Random, *, female: bool | None = None) -> str:
    """A name: a surname and one or two given-name characters."""
    if female is None:
        female = rng.random() < 0.5
    surname = rng.choices(SURNAMES, weights=_WEIGHTS)[0]
    pool = FEMALE if female else MALE
    given = rng.choice(pool) if rng.random() < 0.35 else rng.choice(pool) + rng.choice(pool)
    return surname + given


def couple_names(rng: random.Random) -> str:
    """Co-owners of one unit, as the register lists them: "张伟;李娜"."""
    return person_name(rng, female=False) + ";" + person_name(rng, female=True)


BRANDS = ("鑫盛", "恒达", "福源", "佳和", "永兴", "瑞丰", "金盛", "宏远", "百汇", "和美")
TRADES = ("商贸有限公司", "餐饮管理有限公司", "便利店", "药房", "洗衣店")


def company_name(rng: random.Random, city: str) -> str:
    """A shop-owning business, e.g. 青岛恒达商贸有限公司."""
    return city + rng.choice(BRANDS) + rng.choice(TRADES)


def masked_phone(rng: random.Random) -> str:
    """A mobile number with the middle digits masked, as printed lists show it: 138****1234."""
    return f"{rng.choice(PREFIXES)}****{rng.randrange(10000):04d}"
