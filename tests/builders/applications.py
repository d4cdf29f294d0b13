"""Valid test objects: an application that meets every condition of the 2023 batch, and batches."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from stdnum.cn import uscc

from scoring.common.models import Application, Batch, Expert


def make_credit_code(serial: int = 1, prefix: str = "12210200") -> str:
    """A valid 统一社会信用代码: `prefix` (registering dept, category, region; default a 事业单位 in Dalian)
    followed by a 9-character organisation code built from `serial`, and the right check character."""
    first17 = f"{prefix}{serial:09d}"
    return first17 + uscc.calc_check_digit(first17)


def make_batch(year: int = 2023, **overrides) -> Batch:
    data = {"batch_id": str(year), "year": year, "title": f"{year}年度高校院所知识产权运营中心建设试点申报",
            "deadline": date(year, 5, 31)}
    return Batch.model_validate(_merged(data, overrides))


def make_application(*, serial: int = 1, batch_year: int = 2023, **overrides) -> Application:
    """A university in 大连市 with a valid credit code (from `serial`) that meets every condition of the
    batch of `batch_year`. `overrides` are merged into the JSON form: nested dicts merge, lists replace,
    e.g. make_application(basic={"unit_name": "某某学院"}, enterprises_connected=8)."""
    window = [batch_year - 3, batch_year - 2, batch_year - 1]
    data = {
        "batch_id": str(batch_year),
        "submitted_on": date(batch_year, 5, 20),
        "basic": {
            "unit_name": f"大连测试大学{serial}",
            "address": "辽宁省大连市甘井子区凌工路2号",
            "unit_type": "高等学校",
            "credit_code": make_credit_code(serial),
            "legal_representative": "赵一",
            "phone": "0411-84708320",
            "fax": "0411-84708321",
            "lead": {"name": "钱二", "title": "副校长", "landline": "0411-84708322", "mobile": "13800000001"},
            "contact": {"name": "孙三", "mobile": "13800000002", "landline": "0411-84708323", "fax": "0411-84708321",
                        "postal_address": "辽宁省大连市甘井子区凌工路2号科研院", "postcode": "116024",
                        "email": "ip@test.edu.cn"},
            "overall_situation": "学校是省属重点高校。\n近三年专利授权稳步增长。",
        },
        "commitment": {"signed": True, "signed_on": date(batch_year, 5, 10)},
        "ip_management": {
            "standards": ["GB/T 33251-2016"],
            "has_leading_group": True,
            "ip_staff_full_time": 6,
            "ip_staff_part_time": 10,
            "conversion_staff_full_time": 4,
            "patent_attorneys": 3,
            "rule_documents": [
                {"name": "知识产权管理办法", "doc_number": "大测校发〔2021〕8号", "issued_on": date(window[1], 3, 1)},
                {"name": "专利转化实施细则", "doc_number": "大测校发〔2022〕15号", "issued_on": date(window[2], 6, 1)},
            ],
            "spending": [{"year": y, "amount": Decimal("50.00")} for y in window],
        },
        "patents": [{"year": y, "invention": 20, "utility_model": 15, "design": 2, "valid_held": 250 + i}
                    for i, y in enumerate(window)],
        "conversions": [{"year": y, "transfer_count": 8, "transfer_contract": Decimal("30.00"),
                         "transfer_received": Decimal("25.00"), "licence_count": 4, "licence_contract": Decimal("10.00"),
                         "licence_received": Decimal("8.00"), "open_licence_published": 2, "open_licence_implemented": 1,
                         "open_licence_amount": Decimal("1.50"), "equity_count": 1, "equity_value": Decimal("20.00")}
                        for y in window],
        "enterprises_connected": 15,
        "operation_institution": "设有技术转移中心，专职人员8名。",
        "conversion_staff_situation": "专职人员4名，均具有硕士以上学历。",
        "budget": {
            "rows": [
                {"seq": 1, "item": "专利导航", "explanation": "优势学科专利导航", "amount": Decimal("60.00"),
                 "year": batch_year, "funding": "拟定申请"},
                {"seq": 2, "item": "转化推广", "explanation": "对接会", "amount": Decimal("40.00"),
                 "year": batch_year, "funding": "拟定申请"},
                {"seq": 3, "item": "平台建设", "explanation": "", "amount": Decimal("50.00"),
                 "year": batch_year, "funding": "拟定配套"},
            ],
            "declared_total": Decimal("150.00"),
        },
        "priority_claims": [{"kind": "贯彻实施知识产权管理规范", "evidence": "贯标认证证书"}],
        "recommendation": {"city": "大连市", "unit_confirmation_signed": True,
                           "unit_confirmation_date": date(batch_year, 5, 15), "city_recommended": True,
                           "city_recommendation_date": date(batch_year, 5, 25)},
    }
    return Application.model_validate(_merged(data, overrides))


def _merged(base: dict, overrides: dict) -> dict:
    merged = dict(base)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merged(merged[key], value)
        else:
            merged[key] = value
    return merged


def make_expert(expert_id: str = "ZJ-0001", **overrides) -> Expert:
    """An available expert in 沈阳市 at a unit that applies for nothing; `overrides` replace fields."""
    data = {"expert_id": expert_id, "name": "张三", "unit": "沈阳测试研究院",
            "unit_credit_code": make_credit_code(900, "12210102"), "title": "研究员", "disciplines": ["新材料"],
            "city": "沈阳市", "phone": "13900000000", "email": "zhangsan@test.ac.cn"}
    return Expert.model_validate({**data, **overrides})
