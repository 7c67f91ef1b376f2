"""Which compound a 12345 order is about, and which category it is.

The platform knows an address ("鼓楼区东街街道东门新村3号楼2单元"), not our compounds. An order
belongs to the compound whose name (or name without 小区/花园…, or code) its address contains; the
longest such match wins, so "东门新村二期" beats "东门新村". Two compounds matching equally long is
ambiguous, and an ambiguous order is an unmatched one: a person assigns it (a wrong compound sends
the firm of another compound to the wrong door, which is worse than asking). Without a name in the
address, the content is searched for one ("东门新村楼下施工噪音…"), and then the address for a
compound's own address ("东街路12号").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pm_app.common.inputs import normal
from pm_app.tickets.labels import CATEGORIES

# Endings a citizen often leaves out: "幸福里小区" is also "幸福里". The stem must keep
# MIN_STEM characters, so "东苑小区" does not become the "东苑" of every other address.
SUFFIXES = ("小区", "社区", "花园", "家园", "公寓", "宿舍", "大院", "新村", "苑")
MIN_STEM = 3
MIN_KEY = 2


def _key(text: str | None) -> str:
    return re.sub(r"\s+", "", normal(text or "")).lower()


@dataclass
class Match:
    compound_id: int | None
    candidates: list[int] = field(default_factory=list)  # the equally good compounds of an ambiguous order


class CompoundMatcher:
    """The compounds in scope, each under every key it may be written by: first its names (name, the
    name without a usual ending, code), then its own address (which neighbours may share)."""

    def __init__(self, compounds):
        self.tiers: list[dict[str, set[int]]] = [{}, {}]
        for compound in compounds:
            for tier, keys in enumerate((self._names_of(compound), {_key(compound.address)})):
                for key in keys:
                    if len(key) >= MIN_KEY:
                        self.tiers[tier].setdefault(key, set()).add(compound.id)
        self.lengths = [sorted({len(key) for key in tier}, reverse=True) for tier in self.tiers]

    @staticmethod
    def _names_of(compound) -> set[str]:
        name = _key(compound.name)
        keys = {name, _key(compound.code)}
        for suffix in SUFFIXES:
            if name.endswith(suffix) and len(name) - len(suffix) >= MIN_STEM:
                keys.add(name[: -len(suffix)])
        return keys

    def match(self, address: str, content: str = "") -> Match:
        """A name in the address, then a name in the content, then a compound's address in the
        order's address: the first that finds anything decides."""
        for tier, text in ((0, address), (0, content), (1, address)):
            found = self._longest(tier, _key(text))
            if found:
                ids = sorted(found)
                return Match(ids[0] if len(ids) == 1 else None, ids if len(ids) > 1 else [])
        return Match(None)

    def _longest(self, tier: int, text: str) -> set[int]:
        # Every substring of each key length, longest first: a set lookup each, so the cost is the
        # text's length times the distinct key lengths, whatever the number of compounds.
        keys = self.tiers[tier]
        for length in self.lengths[tier]:
            found: set[int] = set()
            for start in range(len(text) - length + 1):
                found |= keys.get(text[start : start + length], set())
            if found:
                return found
        return set()


# The platform's categories (问题分类) are free text such as "城乡建设/物业管理/电梯故障"; the
# first rule whose word appears decides, so the specific trades come before the broad ones.
CATEGORY_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("gas", ("燃气", "煤气", "天然气")),
    ("heating", ("供暖", "暖气", "采暖", "供热")),
    ("elevator", ("电梯",)),
    ("fire_safety", ("消防", "灭火", "火灾")),
    ("construction", ("施工", "扰民", "噪音", "噪声", "扬尘", "工地", "渣土")),
    ("illegal_occupation", ("违建", "违章", "私搭", "乱建", "搭建", "占道", "占用", "侵占", "圈占", "堆放")),
    ("parking", ("停车", "车位", "充电桩", "僵尸车")),
    ("electrical", ("电线", "线路", "停电", "用电", "电路", "电箱", "飞线", "漏电", "供电")),
    ("water_leak", ("漏水", "渗水", "渗漏", "水管", "供水", "停水", "水压", "爆管")),
    ("drainage", ("排水", "下水", "污水", "化粪", "积水", "堵塞", "雨水", "管道", "井盖")),
    ("roads", ("道路", "路面", "坑洼", "破损路", "铺装")),
    ("walls", ("外墙", "墙面", "墙体", "围墙", "脱落")),
    ("roof", ("屋顶", "屋面", "楼顶", "防水")),
    ("lighting", ("路灯", "照明", "楼道灯")),
    ("greenery", ("绿化", "树木", "草坪", "绿地")),
    ("sanitation", ("垃圾", "卫生", "保洁", "环境")),
    ("security", ("安保", "门禁", "监控", "治安", "防盗")),
    ("accessibility", ("无障碍", "坡道", "扶手", "适老")),
)
GENERAL = "other"


def category_of(*texts: str) -> str:
    """The ticket category of an order: its 问题分类, else its content; GENERAL when neither says."""
    for text in texts:
        text = normal(text or "")
        for code, words in CATEGORY_WORDS:
            if code in CATEGORIES and any(word in text for word in words):
                return code
    return GENERAL
