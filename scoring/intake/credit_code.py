"""Reading a 统一社会信用代码 (GB 32100-2015): validity, registering department, entity category and region."""
from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict
from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength

CODE_LENGTH = 18
DIGITS = "0123456789"
CENTRAL_REGION = "100000"
LIAONING_PREFIX = "21"

# GB 32100-2015 附录A: character 1, the registering department 登记管理部门.
DEPARTMENTS = {
    "1": "机构编制部门",
    "2": "外交部门",
    "3": "司法行政部门",
    "4": "文化部门",
    "5": "民政部门",
    "6": "旅游部门",
    "7": "宗教事务部门",
    "8": "工会",
    "9": "工商（市场监管）部门",
    "A": "中央军委改革和编制办公室",
    "N": "农业部门",
    "Y": "其他部门",
}

# GB 32100-2015 附录A: character 2, the entity category 机构类别, defined per registering department.
CATEGORIES = {
    "1": {"1": "机关", "2": "事业单位", "3": "中央编办直接管理机构编制的群众团体", "9": "其他"},
    "2": {"1": "外国常驻新闻机构", "9": "其他"},
    "3": {"1": "律师执业机构", "2": "公证处", "3": "基层法律服务所", "4": "司法鉴定机构", "5": "仲裁委员会", "9": "其他"},
    "4": {"1": "外国在华文化中心", "9": "其他"},
    "5": {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"},
    "6": {"1": "外国旅游部门常驻代表机构", "2": "港澳台地区旅游部门常驻内地（大陆）代表机构", "9": "其他"},
    "7": {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"},
    "8": {"1": "基层工会", "9": "其他"},
    "9": {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"},
    "A": {"1": "军队事业单位", "9": "其他"},
    "N": {"1": "组级集体经济组织", "2": "村级集体经济组织", "3": "乡镇级集体经济组织", "9": "其他"},
    "Y": {"1": "其他"},
}

# GB/T 2260: Liaoning's 14 prefecture-level cities by the first four digits of the region code.
LIAONING_CITIES = {
    "2101": "沈阳市",
    "2102": "大连市",
    "2103": "鞍山市",
    "2104": "抚顺市",
    "2105": "本溪市",
    "2106": "丹东市",
    "2107": "锦州市",
    "2108": "营口市",
    "2109": "阜新市",
    "2110": "辽阳市",
    "2111": "盘锦市",
    "2112": "铁岭市",
    "2113": "朝阳市",
    "2114": "葫芦岛市",
}

# GB/T 2260: provinces by the first two digits of the region code.
PROVINCES = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区",
    "21": "辽宁省", "22": "吉林省", "23": "黑龙江省",
    "31": "上海市", "32": "江苏省", "33": "浙江省", "34": "安徽省", "35": "福建省", "36": "江西省", "37": "山东省",
    "41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区", "46": "海南省",
    "50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省", "54": "西藏自治区",
    "61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区", "65": "新疆维吾尔自治区",
    "71": "台湾省", "81": "香港特别行政区", "82": "澳门特别行政区",
}

PROVINCE_SUFFIXES = ("壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区", "自治区", "省", "市")


def _short_name(name: str) -> str:
    """北京市 → 北京, 广西壮族自治区 → 广西: how addresses often write a place."""
    return next((name.removesuffix(s) for s in PROVINCE_SUFFIXES if name.endswith(s)), name)


# Words in an address that place it in Liaoning. 朝阳 alone is not enough: Beijing and Changchun
# have a 朝阳区, so only "朝阳市" counts; 沈抚 is the Shenfu demonstration zone, which has no code of its own.
LIAONING_PLACE_WORDS = ("辽宁", *(_short_name(c) for c in LIAONING_CITIES.values() if c != "朝阳市"), "朝阳市", "沈抚")
# Streets are often named after other places (大连路 in Shanghai, 天津街 in Dalian), so the place
# named first in the address decides.
OTHER_PROVINCE_WORDS = tuple(_short_name(p) for code, p in PROVINCES.items() if code != LIAONING_PREFIX)


class CodeStatus(StrEnum):
    VALID = "有效"
    INVALID = "无效"
    UNCHECKED = "需人工核对"  # a letter in the first eight places: the checker only takes digits there


class RegionKind(StrEnum):
    LIAONING = "辽宁省登记"
    CENTRAL = "中央登记"
    OTHER_PROVINCE = "外省登记"
    UNKNOWN = "无法识别"


class CreditCodeReading(BaseModel):
    """What a credit code says, in words; `problem` explains a code that is not plainly valid."""

    model_config = ConfigDict(frozen=True)

    code: str
    status: CodeStatus
    problem: str = ""
    department: str = ""
    category: str = ""
    region_code: str = ""
    region_kind: RegionKind = RegionKind.UNKNOWN
    region_name: str = ""

    @property
    def valid(self) -> bool:
        return self.status is CodeStatus.VALID

    @property
    def kind_code(self) -> str:
        """Characters 1–2: registering department and entity category together, e.g. 12 for a 事业单位."""
        return self.code[:2]

    @property
    def kind_words(self) -> str:
        """The entity kind as a phrase: 机构编制部门登记的事业单位（12）."""
        if not self.department:
            return f"无法识别的登记类别（{self.kind_code}）"
        category = self.category or "未定义的机构类别"
        return f"{self.department}登记的{category}（{self.kind_code}）"


def read_credit_code(raw: str) -> CreditCodeReading:
    """Interpret a credit code: python-stdnum judges validity; the parts are read whenever the length is right."""
    code = uscc.compact(raw)
    status, problem = _validity(code)
    if len(code) != CODE_LENGTH:
        return CreditCodeReading(code=code, status=status, problem=problem)
    region_kind, region_name = describe_region(code[2:8])
    return CreditCodeReading(
        code=code,
        status=status,
        problem=problem,
        department=DEPARTMENTS.get(code[0], ""),
        category=CATEGORIES.get(code[0], {}).get(code[1], ""),
        region_code=code[2:8],
        region_kind=region_kind,
        region_name=region_name,
    )


def _validity(code: str) -> tuple[CodeStatus, str]:
    try:
        uscc.validate(code)
    except InvalidLength:
        return CodeStatus.INVALID, f"统一社会信用代码应为18位，所填代码为{len(code)}位。"
    except InvalidChecksum:
        expected = uscc.calc_check_digit(code[:17])
        return CodeStatus.INVALID, f"校验码错误：第18位为“{code[17]}”，按前17位计算应为“{expected}”。"
    except InvalidFormat:
        return _format_problem(code)
    return CodeStatus.VALID, ""


def _format_problem(code: str) -> tuple[CodeStatus, str]:
    """A letter in the first eight places may be a real code (A…, N…, Y… departments), so a person decides."""
    letters = [(i, c) for i, c in enumerate(code[:8], start=1) if c not in DIGITS]
    if not letters or not _uses_code_alphabet(code):
        return CodeStatus.INVALID, "含有统一社会信用代码不使用的字符（只用数字和除I、O、Z、S、V以外的大写英文字母）。"
    expected = uscc.calc_check_digit(code[:17])
    places = "、".join(f"第{i}位为“{c}”" for i, c in letters)
    checksum = "校验码与前17位相符" if code[17] == expected else f"校验码不符（第18位为“{code[17]}”，按前17位计算应为“{expected}”）"
    return (CodeStatus.UNCHECKED,
            f"前8位中{places}；校验程序只接受前8位为数字，{checksum}，需人工核对代码是否正确。")


def _uses_code_alphabet(code: str) -> bool:
    """Every character is one a credit code may use; stdnum's check-digit routine raises on any other."""
    try:
        uscc.calc_check_digit(code[:17])
        uscc.calc_check_digit(code[17:])
    except ValueError:
        return False
    return True


def describe_region(region_code: str) -> tuple[RegionKind, str]:
    """Characters 3–8 name the registering authority: Liaoning (and which city), central, or another province."""
    if len(region_code) != 6 or any(c not in DIGITS for c in region_code):
        return RegionKind.UNKNOWN, "无法识别"
    if region_code == CENTRAL_REGION:
        return RegionKind.CENTRAL, "国家级登记管理机关"
    if region_code.startswith(LIAONING_PREFIX):
        return RegionKind.LIAONING, _liaoning_place(region_code)
    province = PROVINCES.get(region_code[:2])
    if province is None:
        return RegionKind.UNKNOWN, "无法识别"
    return RegionKind.OTHER_PROVINCE, province


def _liaoning_place(region_code: str) -> str:
    if region_code == "210000":
        return "辽宁省本级"
    city = LIAONING_CITIES.get(region_code[:4])
    return f"辽宁省{city}" if city else "辽宁省"


def liaoning_place_in(address: str) -> str | None:
    """The Liaoning place (辽宁 or one of its cities) an address names, when it is the first place it names."""
    liaoning = _first_word(address, LIAONING_PLACE_WORDS)
    elsewhere = _first_word(address, OTHER_PROVINCE_WORDS)
    if liaoning is None or (elsewhere is not None and elsewhere[0] < liaoning[0]):
        return None
    return liaoning[1]


def _first_word(text: str, words: tuple[str, ...]) -> tuple[int, str] | None:
    found = [(text.find(w), w) for w in words if w in text]
    return min(found) if found else None
