"""The applying stage's test objects: an application call on the 2023 batch and applicant unit accounts."""
from __future__ import annotations

from datetime import datetime

from scoring.applying.calls import ApplicationCall
from scoring.common.access import Grant, Principal, Role, UnitBinding
from scoring.common.models import City
from tests.builders.applications import make_credit_code

UNIT_DEADLINE = datetime(2023, 5, 31, 17, 0, 0)
CITY_DEADLINE = datetime(2023, 6, 10, 17, 0, 0)


def make_call(batch_id: str = "2023", **overrides) -> ApplicationCall:
    data = {"batch_id": batch_id, "guideline": "按申报指南填写。", "unit_deadline": UNIT_DEADLINE,
            "city_deadline": CITY_DEADLINE, "required_attachments": ["三年建设方案"]}
    return ApplicationCall.model_validate(data | overrides)


def unit_login(serial: int, city: City = City.DALIAN) -> Principal:
    """The applicant account bound to the unit of make_application(serial=serial)."""
    code = make_credit_code(serial)
    return Principal(login=code.lower(), display_name=f"申报单位{serial}", grants=(Grant(role=Role.APPLICANT),),
                     unit=UnitBinding(unit_name=f"申报单位{serial}", credit_code=code, city=city))


def city_bureau(city: City = City.DALIAN, login: str = "dalian") -> Principal:
    return Principal(login=login, display_name=f"{city}知识产权局", grants=(Grant(role=Role.CITY, city=city),))


PLAN_PDF = b"%PDF-1.4\n% three-year plan\n"


def fill_draft(storage, unit: Principal, batch_id: str = "2023", *, attach: bool = True, **overrides) -> str:
    """Save every section of make_application (with overrides) as `unit`'s draft, upload the plan; the code."""
    from scoring.applying.attachments import upload_attachment
    from scoring.applying.drafts import SECTIONS, save_section
    from tests.builders.applications import make_application

    serial = int(unit.unit.credit_code[8:17])
    app = make_application(serial=serial, **overrides).model_dump(mode="json")
    for section, value in app.items():
        if section in SECTIONS:
            save_section(storage, unit, batch_id, app["basic"]["credit_code"], section, value)
    if attach:
        upload_attachment(storage, unit, batch_id, app["basic"]["credit_code"], "三年建设方案", "三年建设方案.pdf",
                          PLAN_PDF)
    return app["basic"]["credit_code"]


def submitted_form(storage, serial: int, city: City = City.DALIAN, batch_id: str = "2023", **overrides) -> Principal:
    """A unit of `city` invited (its account bound), its whole form filled and submitted; the unit's principal.
    The caller freezes the clock before the unit deadline."""
    from scoring.applying.invitations import invite_unit
    from scoring.applying.submissions import submit
    from tests.builders.applications import make_application
    from tests.builders.rounds import ADMIN

    name = make_application(serial=serial).basic.unit_name
    invite_unit(storage, ADMIN, batch_id, name, make_credit_code(serial), city, f"unit{serial}@example.cn")
    unit = unit_login(serial, city)
    unit = unit.model_copy(update={"unit": unit.unit.model_copy(update={"unit_name": name})})
    code = fill_draft(storage, unit, batch_id, recommendation={"city": str(city)}, **overrides)
    submit(storage, unit, batch_id, code)
    return unit
