"""Who may do what: roles granted per batch, the permissions each role carries, and the checks every
domain function makes itself (not only the menu)."""
from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from scoring.common.errors import ReviewError
from scoring.common.models import City


class Role(StrEnum):
    ADMIN = "系统管理员"  # provincial office: accounts and everything staff do
    STAFF = "省局工作人员"  # provincial office: batches, imports, checks, experts, rounds
    EXPERT = "评审专家"  # scores only the applications assigned to them
    CITY = "市局"  # sees and recommends only its own city's applications
    OBSERVER = "观察员"  # read-only, e.g. supervision (纪检监察)
    APPLICANT = "申报单位"  # fills and submits only its own unit's 申报书 (the unit is bound to the account)


class Permission(StrEnum):
    VIEW_APPLICATIONS = "查看申报书"
    IMPORT_APPLICATIONS = "导入申报书"
    OVERRIDE_CHECKS = "人工判定审查结果"
    MANAGE_BATCHES = "管理批次"
    VIEW_AUDIT = "查看审计日志"
    MANAGE_EXPERTS = "管理专家库"
    VIEW_EXPERTS = "查看专家库"
    MANAGE_ROUNDS = "管理评审轮次与分配"
    VIEW_ASSIGNMENTS = "查看评审分配"
    MANAGE_ACCOUNTS = "管理账号与角色"
    SCORE = "评分"
    RECOMMEND = "市局推荐"
    APPLY = "填报申报书"
    VIEW_PILOTS = "查看试点"
    MANAGE_PILOTS = "管理试点"
    REPORT = "报送年度总结"


_READ_ONLY = {Permission.VIEW_APPLICATIONS, Permission.VIEW_AUDIT, Permission.VIEW_EXPERTS,
              Permission.VIEW_ASSIGNMENTS, Permission.VIEW_PILOTS}
_STAFF = _READ_ONLY | {Permission.IMPORT_APPLICATIONS, Permission.OVERRIDE_CHECKS, Permission.MANAGE_BATCHES,
                       Permission.MANAGE_EXPERTS, Permission.MANAGE_ROUNDS, Permission.MANAGE_PILOTS}

PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(_STAFF | {Permission.MANAGE_ACCOUNTS}),
    Role.STAFF: frozenset(_STAFF),
    Role.OBSERVER: frozenset(_READ_ONLY),
    # Experts and city bureaus see applications only through their own filters (assignments, city).
    Role.EXPERT: frozenset({Permission.SCORE}),
    Role.CITY: frozenset({Permission.VIEW_APPLICATIONS, Permission.RECOMMEND, Permission.VIEW_PILOTS}),
    # An applicant unit reaches only its own unit's forms: Principal.unit names the unit.
    # A pilot's yearly report comes from the same unit account that applied.
    Role.APPLICANT: frozenset({Permission.APPLY, Permission.REPORT}),
}


class AccessDenied(ReviewError):
    """The principal lacks the permission; the message is for users."""


class Grant(BaseModel):
    """A role for one batch, or for every batch when `batch_id` is None; a city role names its city."""

    model_config = ConfigDict(frozen=True)

    role: Role
    batch_id: str | None = None
    city: City | None = None

    @model_validator(mode="after")
    def _city_only_for_city_bureaus(self) -> Grant:
        if self.role is Role.CITY and self.city is None:
            raise ValueError("市局角色必须指定所属城市")
        if self.role is not Role.CITY and self.city is not None:
            raise ValueError(f"“{self.role}”角色不指定城市")
        if self.role is Role.ADMIN and self.batch_id is not None:
            raise ValueError("系统管理员角色适用于全部批次，不能按批次授予")
        return self

    def describe(self) -> str:
        """The grant in words, e.g. “市局（大连市，批次 2023）”."""
        scope = [str(self.city)] if self.city else []
        scope.append(f"批次 {self.batch_id}" if self.batch_id else "全部批次")
        return f"{self.role}（{'，'.join(scope)}）"


class UnitBinding(BaseModel):
    """The one unit an applicant account speaks for (stored beside the account, see scoring/applying/units.py)."""

    model_config = ConfigDict(frozen=True)

    unit_name: str
    credit_code: str
    city: City


class Principal(BaseModel):
    """The person acting, with their grants: every domain function that reads or writes receives one."""

    model_config = ConfigDict(frozen=True)

    login: str = Field(min_length=1)
    display_name: str
    grants: tuple[Grant, ...] = ()
    expert_id: str | None = None  # set for an expert's account
    unit: UnitBinding | None = None  # set for an applicant unit's account

    @classmethod
    def command_line(cls, actor: str) -> Principal:
        """Whoever runs the command line on the server can open the database file itself: an administrator."""
        return cls(login=actor, display_name=actor, grants=(Grant(role=Role.ADMIN),))

    @property
    def actor(self) -> str:
        """The name the audit log records."""
        return self.login

    def roles_in(self, batch_id: str | None) -> set[Role]:
        return {g.role for g in self.grants if g.batch_id is None or g.batch_id == batch_id}

    def cities_in(self, batch_id: str | None) -> set[City]:
        return {g.city for g in self.grants
                if g.role is Role.CITY and g.city and (g.batch_id is None or g.batch_id == batch_id)}

    def can(self, permission: Permission, batch_id: str | None = None) -> bool:
        return any(permission in PERMISSIONS[role] for role in self.roles_in(batch_id))


def require(principal: Principal, permission: Permission, batch_id: str | None = None) -> None:
    """Raise AccessDenied unless the principal holds the permission for the batch."""
    if not principal.can(permission, batch_id):
        where = f"（批次 {batch_id}）" if batch_id else ""
        raise AccessDenied(f"{principal.display_name}没有“{permission}”的权限{where}。")


def speaks_for(principal: Principal, credit_code: str, batch_id: str | None = None) -> bool:
    """The principal is the applicant account bound to the unit of this credit code."""
    return (principal.unit is not None and principal.unit.credit_code == credit_code
            and principal.can(Permission.APPLY, batch_id))


def sees_every_application(principal: Principal, batch_id: str) -> bool:
    """Staff, admins and observers see the whole batch; everyone else only through a filter of their own."""
    return bool(principal.roles_in(batch_id) & {Role.ADMIN, Role.STAFF, Role.OBSERVER})


def may_see_application(principal: Principal, batch_id: str, city: City) -> bool:
    """Staff, admins and observers see every application of the batch; a city bureau only its own city's."""
    if sees_every_application(principal, batch_id):
        return True
    return Role.CITY in principal.roles_in(batch_id) and city in principal.cities_in(batch_id)
