"""Name material for the seeded demo city: places, compounds, people, phones and firms.

The city is modelled on Fuzhou's old urban districts, whose renovated compounds are typically
1980s–90s work-unit housing (单位宿舍) and "new villages" (新村). Every function takes the
caller's random.Random, so one seed always gives the same city.
"""

from __future__ import annotations

import random

from pm_app.org.uscc import ALPHABET, make_uscc

# (name, code prefix for compound codes, administrative division code, streets)
DISTRICTS = [
    (
        "鼓楼区",
        "GL",
        "350102",
        ["东街街道", "南街街道", "鼓东街道", "鼓西街道", "温泉街道", "安泰街道", "华大街道", "水部街道", "五凤街道"],
    ),
    (
        "台江区",
        "TJ",
        "350103",
        [
            "瀛洲街道",
            "后洲街道",
            "义洲街道",
            "新港街道",
            "上海街道",
            "苍霞街道",
            "茶亭街道",
            "洋中街道",
            "鳌峰街道",
            "宁化街道",
        ],
    ),
    (
        "仓山区",
        "CS",
        "350104",
        ["仓前街道", "东升街道", "对湖街道", "临江街道", "三叉街街道", "上渡街道", "下渡街道", "金山街道"],
    ),
    ("晋安区", "JA", "350111", ["茶园街道", "王庄街道", "象园街道", "岳峰街道", "鼓山街道", "新店街道"]),
    ("马尾区", "MW", "350105", ["罗星街道", "马尾街道", "快安街道", "琅岐街道", "亭江街道", "长安街道"]),
    ("长乐区", "CL", "350112", ["吴航街道", "航城街道", "营前街道", "首占街道", "漳港街道", "古槐街道"]),
]
CITY_DIVISION = "350100"

PLACES = (
    "东门",
    "西湖",
    "屏山",
    "温泉",
    "五一",
    "南门",
    "北门",
    "湖东",
    "华林",
    "树兜",
    "鼓西",
    "洪山",
    "杨桥",
    "白马",
    "铜盘",
    "梅峰",
    "凤湖",
    "福屏",
    "乌山",
    "于山",
    "井大",
    "达明",
    "双抛",
    "水部",
    "晋安",
    "象园",
    "茶园",
    "王庄",
    "岳峰",
    "化工",
    "六一",
    "五四",
    "德政",
    "汤边",
    "琼东",
    "福新",
    "连江",
    "国货",
    "新港",
    "上渡",
    "对湖",
    "程埔",
    "麦园",
    "金斗",
    "光明",
    "胜利",
    "前进",
    "工农",
    "红星",
    "桂香",
    "榕荫",
    "安泰",
    "宁化",
    "苍霞",
    "斗池",
    "义洲",
    "瀛洲",
    "茶亭",
    "洋中",
    "鳌峰",
)
WORK_UNITS = (
    "粮食局",
    "电业局",
    "邮电局",
    "化工厂",
    "纺织厂",
    "机械厂",
    "供销社",
    "教育局",
    "税务局",
    "二建公司",
    "罐头厂",
    "自来水公司",
    "交通局",
    "商业局",
    "卫生局",
    "第一医院",
    "师范学校",
    "食品公司",
    "电子仪器厂",
    "搪瓷厂",
    "造纸厂",
    "轻工局",
    "外贸公司",
    "物资局",
    "公交公司",
    "烟草公司",
    "水产公司",
    "农机厂",
)
COMPOUND_SUFFIXES = ("新村", "小区", "花园", "公寓", "苑", "大院")
ROADS = (
    "五一中路",
    "八一七北路",
    "杨桥东路",
    "古田路",
    "湖东路",
    "六一北路",
    "工业路",
    "白马路",
    "江滨西大道",
    "福新路",
    "华林路",
    "温泉路",
    "乌山路",
    "五四路",
    "铜盘路",
    "西二环路",
    "六一中路",
    "国货路",
    "台江路",
    "上海路",
    "中平路",
    "达道路",
    "白马南路",
    "连江北路",
    "福马路",
    "塔头路",
    "麦顶路",
    "首山路",
    "则徐大道",
)

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华建国志红玉梅文斌辉鹏飞宇浩然晨阳欣怡子涵雨婷佳琪俊杰思远嘉诚"
)
# Chinese mobile numbers: 1, then 3–9, then nine digits.
PHONE_SECOND = "3456789"

FIRM_CITY = ("福州", "榕城", "闽都", "闽江", "福建", "鼓楼", "台江", "仓山", "晋安", "马尾")
FIRM_BRANDS = (
    "华鼎",
    "永安",
    "嘉和",
    "融信",
    "世欧",
    "万家",
    "安居",
    "顺达",
    "恒信",
    "宏远",
    "联合",
    "金山",
    "乐居",
    "和美",
    "康泰",
    "宜家",
    "鑫源",
    "锦江",
    "德润",
    "正荣",
    "阳光",
    "名城",
    "泰禾",
    "冠城",
    "汇丰",
    "新榕",
    "佳园",
    "兴业",
    "长庆",
    "明辉",
    "天润",
    "同创",
    "居安",
    "福盛",
    "瑞丰",
    "海峡",
)
FIRM_FORMS = {
    "property": ("物业服务有限公司", "物业管理有限公司", "物业管理服务有限公司"),
    "contractor": ("建设工程有限公司", "建筑工程有限公司", "市政工程有限公司"),
    "supervisor": ("工程监理有限公司", "建设监理咨询有限公司"),
}


def person_name(rng: random.Random) -> str:
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
    return rng.choice(SURNAMES) + given


def phone(rng: random.Random) -> str:
    return "1" + rng.choice(PHONE_SECOND) + "".join(rng.choice("0123456789") for _ in range(9))


def compound_name(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.30:
        return rng.choice(WORK_UNITS) + "宿舍"
    if kind < 0.40:
        return rng.choice(PLACES) + rng.choice(WORK_UNITS) + "宿舍"
    return rng.choice(PLACES) + rng.choice(COMPOUND_SUFFIXES)


def unique(make, taken: set[str], rng: random.Random) -> str:
    """A name not yet taken; after a few clashes, number it the way cities do (二区, 三区 …)."""
    for _ in range(20):
        name = make(rng)
        if name not in taken:
            taken.add(name)
            return name
    base, n = make(rng), 2
    while f"{base}{_numeral(n)}区" in taken:
        n += 1
    taken.add(name := f"{base}{_numeral(n)}区")
    return name


def _numeral(n: int) -> str:
    return "零一二三四五六七八九"[n] if n < 10 else str(n)


def address(rng: random.Random, district: str) -> str:
    return f"福州市{district}{rng.choice(ROADS)}{rng.randint(1, 399)}号"


def firm_name(rng: random.Random, kind: str) -> str:
    return rng.choice(FIRM_CITY) + rng.choice(FIRM_BRANDS) + rng.choice(FIRM_FORMS[kind])


_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def uscc(rng: random.Random, division: str) -> str:
    """A code shaped like a company's: 9 (market regulator) 1 (enterprise), the division, then a
    9-character organisation code with its own GB 11714 check, then the GB 32100 check."""
    body = "".join(rng.choice(ALPHABET) for _ in range(8))
    total = sum(int(ch, 36) * w for ch, w in zip(body, _ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    org_check = "X" if check == 10 else "0" if check == 11 else str(check)
    return make_uscc("91" + division + body + org_check)
