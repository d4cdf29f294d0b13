"""Applicant units (申报单位): the one unit an applicant account speaks for, and who may read or change a unit's
forms — the account bound to the unit's credit code writes, staff who import read, the unit's city bureau reads."""
from __future__ import annotations

from scoring.applying.calls import ApplyingError, Eligible, get_call
from scoring.common.accounts import principal_of
from scoring.common.access import AccessDenied, Permission, Principal, UnitBinding, require, speaks_for
from scoring.common.models import City, compact_code
from scoring.intake.credit_code import CodeStatus, read_credit_code
from scoring.storage import applying_store as store
from scoring.storage.store import Storage


def checked_unit(unit_name: str, credit_code: str, city: City | str) -> UnitBinding:
    """A unit as staff typed it: the name, a credit code the code base's own reading does not call invalid, a city."""
    name = (unit_name or "").strip()
    if not 2 <= len(name) <= 100:
        raise ApplyingError("请填写申报单位名称（2至100个字）。")
    reading = read_credit_code(compact_code(credit_code or ""))
    if reading.status is CodeStatus.INVALID:
        raise ApplyingError(f"统一社会信用代码“{reading.code}”无效：{reading.problem}")
    try:
        city = City(city)
    except ValueError:
        raise ApplyingError(f"“{city}”不是辽宁省的市（或沈抚示范区）。") from None
    return UnitBinding(unit_name=name, credit_code=reading.code, city=city)


def login_for(credit_code: str) -> str:
    """A new applicant account's login: its credit code in lower case."""
    return compact_code(credit_code).lower()


def require_own_unit(storage: Storage, principal: Principal, batch_id: str, credit_code: str) -> None:
    """Changing a form: only the account bound to this unit, and for an invited-only call only an invited unit."""
    require(principal, Permission.APPLY, batch_id)
    if not speaks_for(principal, credit_code, batch_id):
        own = f"（{principal.unit.unit_name}）" if principal.unit else ""
        raise AccessDenied(f"只能填报本单位{own}的申报书。")
    if get_call(storage, batch_id).eligible is Eligible.INVITED and not store.is_invited(storage, batch_id, credit_code):
        raise AccessDenied(f"批次“{batch_id}”仅受邀单位可申报，{principal.unit.unit_name}未受邀请。")


def require_reader(storage: Storage, principal: Principal, batch_id: str, credit_code: str) -> None:
    """Reading a form: the unit itself, staff who import applications, or the city bureau of the unit's city."""
    if speaks_for(principal, credit_code, batch_id) or principal.can(Permission.IMPORT_APPLICATIONS, batch_id):
        return
    unit = store.unit_by_code(storage, credit_code)
    if unit is not None and principal.can(Permission.RECOMMEND, batch_id) and unit.city in principal.cities_in(batch_id):
        return
    raise AccessDenied("只能查看本单位的申报书。")


def unit_of(storage: Storage, credit_code: str) -> UnitBinding | None:
    return store.unit_by_code(storage, credit_code)


def acting_as(storage: Storage, login: str) -> Principal:
    """The applicant account `login` as a principal, for the command line acting on a unit's behalf."""
    who = principal_of(storage, login)
    if who is None or who.unit is None:
        raise ApplyingError(f"“{login}”不是在用的申报单位账号。")
    return who
