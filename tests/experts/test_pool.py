"""The expert pool over storage: all-or-nothing import, re-import, CSV, edit and deactivate, declared pairs,
recusals, the conflict report, who may do what, and the audit of every change."""
import hashlib
from datetime import date

import pytest

from scoring.common import accounts
from scoring.intake import batches
from scoring.common.access import AccessDenied, Grant, Principal, Role
from scoring.documents.expert_workbook import write_expert_workbook
from scoring.experts.pool import (
    ExpertError,
    conflict_report,
    create_expert_accounts,
    deactivate_expert,
    declare_conflict,
    declared_conflicts,
    edited_expert,
    get_expert,
    import_experts,
    list_experts,
    update_expert,
    withdraw_conflict,
)
from scoring.common.models import ActionKind, Affiliation, ConflictDeclaration, ConflictRule, ConflictRules, ConflictSource
from scoring.intake.sample import sample_declarations, sample_experts
from scoring.storage import Storage
from tests.builders.applications import make_application, make_batch, make_credit_code, make_expert

ADMIN = Principal.command_line("cli:test")
STAFF = Principal(login="staff", display_name="工作人员", grants=(Grant(role=Role.STAFF),))
OBSERVER = Principal(login="watch", display_name="观察员", grants=(Grant(role=Role.OBSERVER),))
CITY = Principal(login="dalian", display_name="大连市局", grants=(Grant(role=Role.CITY, city="大连市"),))
APPLICANT = make_application(serial=5, basic={"unit_name": "沈阳理工学院", "credit_code": make_credit_code(5, "12210102")},
                             recommendation={"city": "沈阳市"})
CODE = APPLICANT.credit_code


def expert_of(expert_id: str) -> Principal:
    return Principal(login=expert_id.lower(), display_name="专家", grants=(Grant(role=Role.EXPERT),),
                     expert_id=expert_id)


@pytest.fixture
def storage(tmp_path):
    with Storage(tmp_path / "review.duckdb") as opened:
        opened.create_batch(make_batch(), "admin")
        with opened.transaction("admin") as tx:
            opened.save_applications(tx, [APPLICANT], source="测试")
            tx.audit(ActionKind.IMPORT, "batch/2023")
        yield opened


def workbook(*experts, pairs=()) -> tuple[str, bytes]:
    return "专家.xlsx", write_expert_workbook(list(experts), list(pairs))


def imported(storage, *experts, pairs=(), principal=STAFF, reason="首次导入"):
    report = import_experts(storage, principal, [workbook(*experts, pairs=pairs)], reason)
    assert report.imported, [str(i) for i in report.issues]
    return report


def snapshot(storage) -> tuple:
    return (list_experts(storage, ADMIN, include_inactive=True), declared_conflicts(storage, ADMIN),
            storage.data_version())


# --- import ---------------------------------------------------------------------------------


def test_import_creates_experts_and_pairs_and_audits_each(storage):
    pair = ConflictDeclaration(expert_id="ZJ-0002", credit_code=CODE, reason="配偶在该单位任职")

    report = imported(storage, make_expert("ZJ-0001"), make_expert("ZJ-0002", name="李四"), pairs=[pair])

    assert (report.created, report.updated, report.pairs_added) == (["ZJ-0001", "ZJ-0002"], [], 1)
    assert [e.expert_id for e in list_experts(storage, STAFF)] == ["ZJ-0001", "ZJ-0002"]
    [stored] = declared_conflicts(storage, STAFF)
    assert (stored.source, stored.declared_by, stored.reason) == (ConflictSource.IMPORT, "staff", "配偶在该单位任职")
    actions = [(e.action, e.entity) for e in storage.audit_log(limit=10)]
    assert ("expert.create", "expert/ZJ-0001") in actions and ("expert.create", "expert/ZJ-0002") in actions
    assert ("conflict.declare", f"expert/ZJ-0002/conflict/{CODE}") in actions


def test_the_import_entry_names_each_file_with_its_hash_and_the_counts(storage):
    name, content = workbook(make_expert())

    import_experts(storage, STAFF, [(name, content)], "年度专家库更新")

    [entry] = [e for e in storage.audit_log(limit=10) if e.action == ActionKind.EXPERT_IMPORT]
    assert (entry.actor, entry.entity, entry.reason) == ("staff", "experts", "年度专家库更新")
    assert entry.detail["files"] == [{"name": name, "sha256": hashlib.sha256(content).hexdigest(), "size": len(content)}]
    assert entry.detail["created"] == ["ZJ-0001"]


def test_one_bad_row_imports_nothing(storage):
    imported(storage, make_expert("ZJ-0001"))
    before = snapshot(storage)
    good = workbook(make_expert("ZJ-0002"))
    bad = ("坏.csv", "专家编号,姓名,工作单位,专业领域,所在城市\nZJ-0003,王五,某单位,新材料,火星市\n".encode())

    report = import_experts(storage, STAFF, [good, bad])

    assert not report.imported
    assert [(i.file, i.sheet, i.row, i.column) for i in report.errors] == [("坏.csv", "专家信息", 2, "所在城市")]
    assert snapshot(storage) == before


def test_two_different_files_of_one_name_is_an_error(storage):
    report = import_experts(storage, STAFF, [workbook(make_expert("ZJ-0001")), workbook(make_expert("ZJ-0002"))])

    assert not report.imported and "同名" in report.errors[0].message


def test_nothing_uploaded_is_an_error(storage):
    report = import_experts(storage, STAFF, [])

    assert not report.imported and report.errors


def test_reimport_updates_changed_experts_keeps_identical_ones_and_audits_the_changes(storage):
    imported(storage, make_expert("ZJ-0001"), make_expert("ZJ-0002", name="李四"))

    report = imported(storage, make_expert("ZJ-0001", title="教授"), make_expert("ZJ-0002", name="李四"),
                      reason="职称变更")

    assert (report.created, report.updated, report.unchanged) == ([], ["ZJ-0001"], ["ZJ-0002"])
    assert get_expert(storage, STAFF, "ZJ-0001").title == "教授"
    [entry] = [e for e in storage.audit_log(entity="expert/ZJ-0001") if e.action == ActionKind.EXPERT_UPDATE]
    assert entry.detail["changes"] == {"title": ["研究员", "教授"]} and entry.reason == "职称变更"


def test_reimport_with_the_affiliation_sheet_replaces_affiliations(storage):
    imported(storage, make_expert(affiliations=[Affiliation(unit_name="沈阳理工学院", kind="兼职")]))

    imported(storage, make_expert(affiliations=[]))

    assert get_expert(storage, STAFF, "ZJ-0001").affiliations == []


def test_reimport_of_a_csv_without_affiliations_keeps_them(storage):
    posts = [Affiliation(unit_name="沈阳理工学院", kind="兼职", start=date(2021, 9, 1))]
    imported(storage, make_expert(affiliations=posts))
    csv = "专家编号,姓名,工作单位,职称,专业领域,所在城市,电子邮箱\nZJ-0001,张三,沈阳测试研究院,教授,新材料,沈阳市,a@b.cn\n"

    report = import_experts(storage, STAFF, [("专家信息.csv", csv.encode("gb18030"))])

    assert report.imported and report.updated == ["ZJ-0001"]
    stored = get_expert(storage, STAFF, "ZJ-0001")
    assert stored.title == "教授" and stored.affiliations == posts


def test_reimport_of_a_deactivated_expert_keeps_them_deactivated_with_a_warning(storage):
    imported(storage, make_expert())
    deactivate_expert(storage, STAFF, "ZJ-0001", "已退休")

    report = imported(storage, make_expert(title="教授"))

    assert get_expert(storage, STAFF, "ZJ-0001").active is False
    assert any("已停用" in w.message and w.row == 3 for w in report.warnings)


def test_a_pair_imported_twice_is_recorded_once(storage):
    pair = ConflictDeclaration(expert_id="ZJ-0001", credit_code=CODE, reason="配偶在该单位任职")
    imported(storage, make_expert(), pairs=[pair])

    report = imported(storage, make_expert(), pairs=[pair])

    assert (report.pairs_added, report.pairs_known) == (0, 1)
    assert len(declared_conflicts(storage, STAFF)) == 1


def test_a_pair_for_an_expert_already_in_the_pool_needs_no_reimport_of_the_expert(storage):
    imported(storage, make_expert("ZJ-0007"))
    csv = f"专家编号,申报单位统一社会信用代码,回避原因\nZJ-0007,{CODE},近两年有合作项目\n"

    report = import_experts(storage, STAFF, [("回避关系.csv", csv.encode())])

    assert report.imported and report.pairs_added == 1 and report.created == []


def test_only_staff_may_import(storage):
    before = snapshot(storage)

    with pytest.raises(AccessDenied):
        import_experts(storage, OBSERVER, [workbook(make_expert())])
    assert snapshot(storage) == before


# --- the pool ------------------------------------------------------------------------------


def test_deactivate_keeps_the_expert_out_of_the_list_and_records_the_reason(storage):
    imported(storage, make_expert("ZJ-0001"), make_expert("ZJ-0002", name="李四"))

    deactivate_expert(storage, STAFF, "zj-0001", "已调离辽宁")

    assert [e.expert_id for e in list_experts(storage, STAFF)] == ["ZJ-0002"]
    assert [e.active for e in list_experts(storage, STAFF, include_inactive=True)] == [False, True]
    [entry] = storage.audit_log(entity="expert/ZJ-0001", limit=1)
    assert (entry.action, entry.actor, entry.reason) == (ActionKind.EXPERT_DEACTIVATE, "staff", "已调离辽宁")


@pytest.mark.parametrize("expert_id, reason, phrase", [
    ("ZJ-0001", "", "必须填写理由"),
    ("ZJ-0404", "已退休", "没有编号为 ZJ-0404"),
])
def test_deactivate_refuses_without_a_reason_or_an_expert(storage, expert_id, reason, phrase):
    imported(storage, make_expert())

    with pytest.raises(ExpertError, match=phrase):
        deactivate_expert(storage, STAFF, expert_id, reason)


def test_deactivating_twice_is_refused(storage):
    imported(storage, make_expert())
    deactivate_expert(storage, STAFF, "ZJ-0001", "已退休")

    with pytest.raises(ExpertError, match="已是停用状态"):
        deactivate_expert(storage, STAFF, "ZJ-0001", "已退休")


def test_update_saves_the_changes_with_the_reason_and_can_restore_a_deactivated_expert(storage):
    imported(storage, make_expert())
    deactivate_expert(storage, STAFF, "ZJ-0001", "暂停")

    update_expert(storage, STAFF, make_expert(active=True, phone="13800000000"), "恢复并更新电话")

    stored = get_expert(storage, STAFF, "ZJ-0001")
    assert stored.active and stored.phone == "13800000000"
    [entry] = storage.audit_log(entity="expert/ZJ-0001", limit=1)
    assert entry.detail["changes"] == {"phone": ["13900000000", "13800000000"], "active": [False, True]}


def test_update_without_a_change_or_a_reason_is_refused(storage):
    imported(storage, make_expert())

    with pytest.raises(ExpertError, match="没有变化"):
        update_expert(storage, STAFF, make_expert(), "核对")
    with pytest.raises(ExpertError, match="必须填写理由"):
        update_expert(storage, STAFF, make_expert(title="教授"), " ")


def test_the_edit_form_names_each_wrong_field_and_puts_an_affiliation_row_under_its_table():
    expert = make_expert()
    late_start = {"unit_name": "大连测试大学", "kind": "兼职", "start": date(2023, 5, 1), "end": date(2022, 1, 1)}

    edited = edited_expert(expert, {"phone": "13800000000"}, [{**late_start, "start": date(2021, 1, 1)}])

    assert edited.phone == "13800000000" and edited.affiliations[0].unit_name == "大连测试大学"
    with pytest.raises(ExpertError, match="^姓名：至少需要 2 个字符$"):
        edited_expert(expert, {"name": "张"}, [])
    with pytest.raises(ExpertError, match="^兼职与工作经历：起始日期晚于终止日期$"):
        edited_expert(expert, {}, [late_start])


def test_observers_read_the_pool_but_may_not_change_it(storage):
    imported(storage, make_expert())

    assert [e.expert_id for e in list_experts(storage, OBSERVER)] == ["ZJ-0001"]
    for change in (lambda: deactivate_expert(storage, OBSERVER, "ZJ-0001", "已退休"),
                   lambda: update_expert(storage, OBSERVER, make_expert(title="教授"), "修改")):
        with pytest.raises(AccessDenied):
            change()


def test_an_expert_sees_their_own_record_and_no_one_elses(storage):
    imported(storage, make_expert("ZJ-0001"), make_expert("ZJ-0002", name="李四"))
    me = expert_of("ZJ-0001")

    assert get_expert(storage, me, "ZJ-0001").name == "张三"
    with pytest.raises(AccessDenied):
        get_expert(storage, me, "ZJ-0002")
    with pytest.raises(AccessDenied):
        list_experts(storage, me)


def test_a_city_bureau_may_not_see_the_pool(storage):
    with pytest.raises(AccessDenied):
        list_experts(storage, CITY)


# --- declared pairs -------------------------------------------------------------------------


def test_staff_declare_a_pair_and_withdraw_it_with_reasons_audited(storage):
    imported(storage, make_expert())

    pair = declare_conflict(storage, STAFF, "ZJ-0001", CODE.lower(), "配偶在该单位任职")
    withdraw_conflict(storage, STAFF, "ZJ-0001", CODE, "登记有误")

    assert (pair.credit_code, pair.source, pair.declared_by) == (CODE, ConflictSource.STAFF, "staff")
    assert declared_conflicts(storage, STAFF) == []
    entries = [(e.action, e.reason) for e in storage.audit_log(entity=f"expert/ZJ-0001/conflict/{CODE}")]
    assert entries == [(ActionKind.CONFLICT_WITHDRAW, "登记有误"), (ActionKind.CONFLICT_DECLARE, "配偶在该单位任职")]


def test_an_expert_declares_their_own_pair_but_not_anothers(storage):
    imported(storage, make_expert("ZJ-0001"), make_expert("ZJ-0002", name="李四"))
    me = expert_of("ZJ-0001")

    pair = declare_conflict(storage, me, "ZJ-0001", CODE, "曾参与该单位方案编写", ConflictSource.EXPERT)

    assert pair.source is ConflictSource.EXPERT and pair.declared_by == "zj-0001"
    assert [p.expert_id for p in declared_conflicts(storage, me, "ZJ-0001")] == ["ZJ-0001"]
    with pytest.raises(AccessDenied):
        declare_conflict(storage, me, "ZJ-0002", CODE, "代为申报", ConflictSource.EXPERT)
    with pytest.raises(AccessDenied):
        declared_conflicts(storage, me)


@pytest.mark.parametrize("code, source, phrase", [
    (CODE[:-1] + ("0" if CODE[-1] != "0" else "1"), ConflictSource.STAFF, "校验码错误"),
    (CODE, ConflictSource.IMPORT, "只能通过导入"),
])
def test_a_pair_with_a_wrong_code_or_source_is_refused(storage, code, source, phrase):
    imported(storage, make_expert())

    with pytest.raises(ExpertError, match=phrase):
        declare_conflict(storage, STAFF, "ZJ-0001", code, "配偶在该单位任职", source)


def test_a_pair_declared_twice_is_refused_naming_the_first(storage):
    imported(storage, make_expert())
    declare_conflict(storage, STAFF, "ZJ-0001", CODE, "配偶在该单位任职")

    with pytest.raises(ExpertError, match="已于.*登记（配偶在该单位任职）"):
        declare_conflict(storage, STAFF, "ZJ-0001", CODE, "再登记一次")


# --- the conflict report ---------------------------------------------------------------


def test_the_report_covers_active_experts_and_every_rule(storage):
    inside = make_expert("ZJ-0001", unit="沈阳理工学院", unit_credit_code=CODE)
    part_time = make_expert("ZJ-0002", name="李四", affiliations=[Affiliation(unit_name="沈阳理工学院", kind="兼职")])
    retired = make_expert("ZJ-0003", name="王五", unit="沈阳理工学院", unit_credit_code=CODE)
    imported(storage, inside, part_time, retired)
    deactivate_expert(storage, STAFF, "ZJ-0003", "已退休")

    report = conflict_report(storage, OBSERVER, "2023", ConflictRules(), today=date(2023, 6, 15))

    assert [(c.expert_id, c.rule) for c in report] == [("ZJ-0001", ConflictRule.OWN_UNIT),
                                                        ("ZJ-0002", ConflictRule.AFFILIATION)]
    same_city = conflict_report(storage, STAFF, "2023", ConflictRules(same_city=True), today=date(2023, 6, 15))
    assert {c.rule for c in same_city} == {ConflictRule.OWN_UNIT, ConflictRule.AFFILIATION, ConflictRule.SAME_CITY}


def test_the_report_is_refused_to_experts_and_city_bureaus(storage):
    for who in (expert_of("ZJ-0001"), CITY):
        with pytest.raises(AccessDenied):
            conflict_report(storage, who, "2023", ConflictRules())


# --- accounts and the sample ---------------------------------------------------------------


def test_expert_accounts_are_created_once_for_active_experts(storage):
    imported(storage, make_expert("ZJ-0001"), make_expert("ZJ-0002", name="李四"))

    first = create_expert_accounts(storage, ADMIN, ["ZJ-0001", "zj-0002"])
    again = create_expert_accounts(storage, ADMIN, ["ZJ-0001"])

    assert (first, again) == (["zj-0001", "zj-0002"], [])
    account = accounts.get_account(storage, ADMIN, "zj-0002")
    assert account.expert_id == "ZJ-0002" and account.display_name == "李四"
    assert [g.role for g in account.grants] == [Role.EXPERT]


def test_expert_accounts_are_refused_for_deactivated_experts_and_to_staff_without_account_rights(storage):
    imported(storage, make_expert())
    with pytest.raises(AccessDenied):
        create_expert_accounts(storage, STAFF, ["ZJ-0001"])
    deactivate_expert(storage, STAFF, "ZJ-0001", "已退休")

    with pytest.raises(ExpertError, match="已停用"):
        create_expert_accounts(storage, ADMIN, ["ZJ-0001"])


def test_the_sample_loads_its_pool_and_pairs_with_the_batch(tmp_path):
    with Storage(tmp_path / "sample.duckdb") as storage:
        batches.ensure_database(storage, ADMIN, with_sample=True)

        assert list_experts(storage, ADMIN) == sample_experts()
        assert [(p.expert_id, p.credit_code) for p in declared_conflicts(storage, ADMIN)] == sorted(
            (d.expert_id, d.credit_code) for d in sample_declarations())


def test_opening_expert_accounts_issues_credentials_once_and_skips_experts_with_an_account(tmp_path):
    from scoring.common.access import Principal
    from scoring.common.accounts import current_session, login
    from scoring.experts.pool import list_experts, open_expert_accounts
    from scoring.storage import Storage
    from scoring.intake import batches

    admin = Principal.command_line("测试管理员")
    with Storage(tmp_path / "accounts.duckdb") as storage:
        batches.ensure_database(storage, admin, with_sample=True)
        first = list_experts(storage, admin)[0]

        issued = open_expert_accounts(storage, admin, [first.expert_id])
        again = open_expert_accounts(storage, admin, [first.expert_id])

        (name, user, secret), = issued
        assert name == first.name and user == first.expert_id.lower()
        assert again == []
        token = login(storage, user, secret)
        session = current_session(storage, token)
        assert session.principal.login == user and session.must_change_password
