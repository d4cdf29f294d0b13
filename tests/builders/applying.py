"""The applying stage's test objects: an application call on the 2023 batch and unit accounts."""
from __future__ import annotations

from datetime import datetime

from scoring.applying.calls import ApplicationCall
from scoring.common.access import Grant, Principal, Role

UNIT_DEADLINE = datetime(2023, 5, 31, 17, 0, 0)
CITY_DEADLINE = datetime(2023, 6, 10, 17, 0, 0)


def make_call(batch_id: str = "2023", **overrides) -> ApplicationCall:
    data = {"batch_id": batch_id, "guideline": "按申报指南填写。", "unit_deadline": UNIT_DEADLINE,
            "city_deadline": CITY_DEADLINE, "required_attachments": ["三年建设方案"]}
    return ApplicationCall.model_validate(data | overrides)


def unit_login(serial: int) -> Principal:
    # Until the APPLICANT role exists a unit is a login: its drafts are changed by it alone.
    return Principal(login=f"unit{serial}", display_name=f"申报单位{serial}", grants=(Grant(role=Role.OBSERVER),))
