"""Formal check 形式审查: the rules an application must meet before experts see it."""
from __future__ import annotations

from collections.abc import Iterable

from scoring.intake.credit_code import CodeStatus, CreditCodeReading, RegionKind, liaoning_place_in, read_credit_code
from scoring.common.models import (
    Application,
    AttachmentKind,
    Batch,
    BudgetRow,
    CheckId,
    CheckResult,
    Funding,
    Outcome,
    UnitType,
)
from scoring.common.wording import chinese_date, wan, wan_limit

# domain.md: public universities and institutes are 事业单位 (12), private universities 民办非企业单位 (52),
# institutes converted to companies 企业 (91). Any other kind is possible but needs a person to look.
PLAUSIBLE_KINDS = {
    UnitType.UNIVERSITY: ("12", "52"),
    UnitType.INSTITUTE: ("12", "91"),
}
KIND_NAMES = {"12": "事业单位", "52": "民办非企业单位", "91": "企业"}

# 申报书“三、经费预算”注2：拟申请项目经费不得用于征地拆迁、人员经费及专利管理等经常性开支。
# Words that suggest a requested row pays for one of these; a match is a question for staff, not a verdict.
LAND_WORDS = ("征地", "拆迁", "土地")
PERSONNEL_WORDS = ("人员经费", "工资", "劳务", "薪酬", "绩效", "补贴")
ROUTINE_PATENT_WORDS = ("专利申请费", "年费", "维持费", "代理费", "专利管理经常性开支", "经常性开支")
FORBIDDEN_USES = {
    "征地拆迁": LAND_WORDS,
    "人员经费": PERSONNEL_WORDS,
    "专利管理等经常性开支": ROUTINE_PATENT_WORDS,
}
# Longer words that contain a keyword but mean something else: 年费用 is "the year's costs", not an annual fee.
NOT_KEYWORDS = {"年费": ("年费用",)}

SEVERITY = {Outcome.PASS: 0, Outcome.DECIDE: 1, Outcome.FAIL: 2}


def _worst(outcomes: Iterable[Outcome]) -> Outcome:
    return max(outcomes, key=SEVERITY.__getitem__, default=Outcome.PASS)


# --- credit code and region -------------------------------------------------------------------


def check_credit_code(app: Application) -> CheckResult:
    """The credit code must be valid, registered in Liaoning, and of a kind that fits the unit type."""
    reading = read_credit_code(app.credit_code)
    if reading.status is CodeStatus.INVALID:
        return CheckResult(check_id=CheckId.CREDIT_CODE, outcome=Outcome.FAIL,
                           reasons=[f"统一社会信用代码“{reading.code}”无效：{reading.problem}"])
    judged = [(Outcome.DECIDE, reading.problem)] if reading.status is CodeStatus.UNCHECKED else []
    judged += [_judge_region(reading, app.basic.address), _judge_kind(reading, app.basic.unit_type)]
    return CheckResult(check_id=CheckId.CREDIT_CODE, outcome=_worst(o for o, _ in judged),
                       reasons=[reason for _, reason in judged])


def _judge_region(reading: CreditCodeReading, address: str) -> tuple[Outcome, str]:
    """`21…` is a Liaoning authority; `100000` is central, so the address must place the unit in Liaoning."""
    where = f"登记管理机关行政区划码为{reading.region_code}（{reading.region_name}）"
    if reading.region_kind is RegionKind.LIAONING:
        return Outcome.PASS, f"{where}，在辽宁省注册。"
    if reading.region_kind is RegionKind.CENTRAL:
        place = liaoning_place_in(address)
        if place:
            return Outcome.PASS, (f"{where}，属中央登记，不是辽宁省的区划码；单位地址“{address}”位于辽宁省（{place}），"
                                  f"视为在辽宁省注册的单位。")
        shown = f"单位地址“{address}”未表明位于辽宁省" if address else "单位地址未填写"
        return Outcome.DECIDE, f"{where}，属中央登记；{shown}，需人工核实是否在辽宁省注册。"
    if reading.region_kind is RegionKind.OTHER_PROVINCE:
        return Outcome.DECIDE, f"{where}，不在辽宁省，需人工核实是否为在辽宁省注册的独立法人。"
    return Outcome.DECIDE, f"{where}，需人工核实注册地。"


def _judge_kind(reading: CreditCodeReading, unit_type: UnitType) -> tuple[Outcome, str]:
    """Characters 1–2 should fit the unit type: 12 or 52 for a university, 12 or 91 for an institute."""
    plausible = PLAUSIBLE_KINDS.get(unit_type)
    if plausible is None:
        return Outcome.PASS, f"登记类别为{reading.kind_words}；单位类型为“其他”，由申报主体类型一项人工判定。"
    if reading.kind_code in plausible:
        return Outcome.PASS, f"登记类别为{reading.kind_words}，与单位类型“{unit_type}”相符。"
    usual = "、".join(f"{k} {KIND_NAMES[k]}" for k in plausible)
    return Outcome.DECIDE, (f"登记类别为{reading.kind_words}，与单位类型“{unit_type}”通常的登记类别（{usual}）不符，"
                            f"需人工核实。")


# --- unit type, commitment, recommendation, deadline -------------------------------------------


def check_unit_type(app: Application) -> CheckResult:
    """Applicants are 高等学校 or 科研院所; an applicant who ticked 其他 needs a person to decide."""
    unit_type = app.basic.unit_type
    if unit_type is UnitType.OTHER:
        wrote = f"“其他：{app.basic.unit_type_other}”" if app.basic.unit_type_other else "“其他”（未说明具体类型）"
        return CheckResult(check_id=CheckId.UNIT_TYPE, outcome=Outcome.DECIDE,
                           reasons=[f"单位类型填写为{wrote}，不是高等学校或科研院所，需人工判定是否属于申报主体。"])
    return CheckResult(check_id=CheckId.UNIT_TYPE, outcome=Outcome.PASS,
                       reasons=[f"单位类型为{unit_type}，属于申报主体范围。"])


def check_commitment(app: Application, batch: Batch) -> CheckResult:
    """The credit commitment 信用承诺书 must be signed; one dated after the deadline needs a person to look."""
    commitment = app.commitment
    if not commitment.signed:
        return CheckResult(check_id=CheckId.COMMITMENT, outcome=Outcome.FAIL, reasons=["信用承诺书未签署。"])
    if commitment.signed_on is None:
        return CheckResult(check_id=CheckId.COMMITMENT, outcome=Outcome.PASS,
                           reasons=["信用承诺书已签署，未填写落款日期。"])
    if commitment.signed_on > batch.deadline:
        late = (commitment.signed_on - batch.deadline).days
        return CheckResult(check_id=CheckId.COMMITMENT, outcome=Outcome.DECIDE,
                           reasons=[f"信用承诺书落款日期为{chinese_date(commitment.signed_on)}，"
                                    f"晚于申报截止日期{chinese_date(batch.deadline)}{late}天，需人工核实。"])
    return CheckResult(check_id=CheckId.COMMITMENT, outcome=Outcome.PASS,
                       reasons=[f"信用承诺书已签署，落款日期为{chinese_date(commitment.signed_on)}。"])


def check_recommendation(app: Application) -> CheckResult:
    """The city bureau's recommendation: the form must say it recommended, and its letter must be attached."""
    letter = app.attachment(AttachmentKind.RECOMMENDATION)
    bureau = f"{app.recommendation.city}知识产权局"
    if letter and app.recommendation.city_recommended:
        dated = (f"，推荐函日期为{chinese_date(app.recommendation.city_recommendation_date)}"
                 if app.recommendation.city_recommendation_date else "")
        return CheckResult(check_id=CheckId.RECOMMENDATION, outcome=Outcome.PASS,
                           reasons=[f"{bureau}已出具推荐函，附件“{letter.filename}”已上传{dated}。"])
    if app.recommendation.city_recommended:
        return CheckResult(check_id=CheckId.RECOMMENDATION, outcome=Outcome.DECIDE,
                           reasons=[f"申报书标明{bureau}已出具推荐函，但未上传推荐函附件，需人工核实。"])
    if letter:
        return CheckResult(check_id=CheckId.RECOMMENDATION, outcome=Outcome.DECIDE,
                           reasons=[f"已上传推荐函附件“{letter.filename}”，但申报书未标明{bureau}已推荐，"
                                    f"需人工核实推荐函内容。"])
    return CheckResult(check_id=CheckId.RECOMMENDATION, outcome=Outcome.FAIL,
                       reasons=[f"未见{bureau}的推荐函；申报材料须经所在市知识产权局推荐（另附推荐函）。"])


def check_deadline(app: Application, batch: Batch) -> CheckResult:
    """The application must be submitted on or before the batch's deadline."""
    submitted, deadline = app.submitted_on, batch.deadline
    if submitted <= deadline:
        return CheckResult(check_id=CheckId.DEADLINE, outcome=Outcome.PASS,
                           reasons=[f"申报材料于{chinese_date(submitted)}提交，未超过申报截止日期{chinese_date(deadline)}。"])
    late = (submitted - deadline).days
    return CheckResult(check_id=CheckId.DEADLINE, outcome=Outcome.FAIL,
                       reasons=[f"申报材料于{chinese_date(submitted)}提交，超过申报截止日期"
                                f"{chinese_date(deadline)}，逾期{late}天。"])


# --- budget -----------------------------------------------------------------------------------


def check_budget(app: Application, batch: Batch) -> CheckResult:
    """Requested money is at most the batch's cap (100万元) and may not pay for land, staff or routine patent costs."""
    budget = app.budget
    if not budget.rows:
        return CheckResult(check_id=CheckId.BUDGET, outcome=Outcome.FAIL, reasons=["未填写经费预算。"])
    judged = [_judge_requested_total(app, batch)]
    if budget.declared_total is not None and budget.declared_total != budget.total:
        judged.append((Outcome.DECIDE, f"申报书所填合计{wan(budget.declared_total)}，"
                                       f"与各行预算金额之和{wan(budget.total)}不一致，需人工核实。"))
    judged += [(Outcome.DECIDE, _forbidden_use_sentence(row, matches))
               for row in budget.rows if row.funding is Funding.REQUESTED
               if (matches := forbidden_use_matches(row))]
    return CheckResult(check_id=CheckId.BUDGET, outcome=_worst(o for o, _ in judged),
                       reasons=[reason for _, reason in judged])


def _judge_requested_total(app: Application, batch: Batch) -> tuple[Outcome, str]:
    budget, cap = app.budget, batch.settings.requested_budget_cap
    figures = f"拟定申请经费合计{wan(budget.requested)}（拟定配套{wan(budget.matching)}，预算合计{wan(budget.total)}）"
    if budget.requested <= cap:
        return Outcome.PASS, f"{figures}，未超过申请上限{wan_limit(cap)}。"
    return Outcome.FAIL, f"{figures}，超过申请上限{wan_limit(cap)}。"


def forbidden_use_matches(row: BudgetRow) -> list[tuple[str, str]]:
    """(use, word) for each forbidden use whose words appear in the row's item or explanation; first word per use."""
    text = f"{row.item} {row.explanation}"
    matches = []
    for use, words in FORBIDDEN_USES.items():
        word = next((w for w in words if _mentions(text, w)), None)
        if word:
            matches.append((use, word))
    return matches


def _mentions(text: str, word: str) -> bool:
    for longer in NOT_KEYWORDS.get(word, ()):
        text = text.replace(longer, "")
    return word in text


def _forbidden_use_sentence(row: BudgetRow, matches: list[tuple[str, str]]) -> str:
    found = "、".join(f"“{word}”（{use}）" for use, word in matches)
    return (f"第{row.seq}行“{row.item}”为拟定申请经费（{wan(row.amount)}），含{found}；"
            f"申请经费不得用于征地拆迁、人员经费及专利管理等经常性开支，需人工核实。")
