"""Pydantic models: the one definition of every field of a batch, the application form 申报书, the expert pool and its conflicts."""
from __future__ import annotations

import unicodedata
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from scoring.common.disciplines import Discipline

# Money on the form is in 万元 (10,000 yuan), two decimal places, never a float.
Wan = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]
Count = Annotated[int, Field(ge=0)]

DEFAULT_DB_PATH = "data/review.duckdb"
PROGRAM_TITLE = "辽宁省高校院所知识产权运营中心建设试点"


class UnitType(StrEnum):
    UNIVERSITY = "高等学校"
    INSTITUTE = "科研院所"
    OTHER = "其他"


class City(StrEnum):
    """Liaoning's 14 cities and the Shenfu demonstration zone: the bodies that recommend applicants."""

    SHENYANG = "沈阳市"
    DALIAN = "大连市"
    ANSHAN = "鞍山市"
    FUSHUN = "抚顺市"
    BENXI = "本溪市"
    DANDONG = "丹东市"
    JINZHOU = "锦州市"
    YINGKOU = "营口市"
    FUXIN = "阜新市"
    LIAOYANG = "辽阳市"
    PANJIN = "盘锦市"
    TIELING = "铁岭市"
    CHAOYANG = "朝阳市"
    HULUDAO = "葫芦岛市"
    SHENFU = "沈抚示范区"


class ManagementStandard(StrEnum):
    UNIVERSITY = "GB/T 33251-2016"  # 《高等学校知识产权管理规范》
    RESEARCH = "GB/T 33250-2016"  # 《科研组织知识产权管理规范》


STANDARD_TITLES = {
    ManagementStandard.UNIVERSITY: "《高等学校知识产权管理规范》（GB/T 33251-2016）",
    ManagementStandard.RESEARCH: "《科研组织知识产权管理规范》（GB/T 33250-2016）",
}


class PriorityKind(StrEnum):
    """The guideline's grounds for priority (优先申报); the ranking turns verified ones into bonus points."""

    STANDARD = "贯彻实施知识产权管理规范"
    NATIONAL_PILOT = "国家知识产权试点示范高校"
    NAVIGATION_BASE = "省级以上专利导航服务基地"
    HIGH_VALUE_CENTER = "高价值专利培育中心"
    TRANSFER_INSTITUTION = "高校院所技术转移机构"


class RoundKind(StrEnum):
    """What a review round is for: the pilot selection, a pilot's yearly check, or its final evaluation."""

    SELECTION = "遴选"
    ANNUAL_ACCEPTANCE = "年度验收"
    FINAL_EVALUATION = "综合评估"


class PilotStatus(StrEnum):
    """Where a pilot stands (scoring/pilots/registry.py keeps its history); a rubric's outcomes name them."""

    BUILDING = "在建"
    RECTIFYING = "整改"
    PASSED = "通过"
    FAILED = "未通过"
    REVOKED = "撤销"


class Funding(StrEnum):
    REQUESTED = "拟定申请"
    MATCHING = "拟定配套"


class AmountBasis(StrEnum):
    """Which conversion amount condition 3 counts: the form gives both."""

    CONTRACT = "合同额"
    RECEIVED = "实际到账额"


class AttachmentKind(StrEnum):
    PLAN = "三年建设方案"
    RECOMMENDATION = "市局推荐函"
    OTHER = "其他附件"
    SEALED_FORM = "盖章扫描件"  # the printed 申报书, signed and sealed, scanned
    COMMITMENT = "信用承诺书"  # the signed and sealed credit commitment, scanned


def compact_code(value: str) -> str:
    """A code as stored: half width, upper case, without spaces."""
    # NFKC folds full-width letters and digits (１２２１…), common in codes typed with a Chinese IME.
    return "".join(unicodedata.normalize("NFKC", value).split()).upper()


def _distinct_disciplines(value: list[Discipline]) -> list[Discipline]:
    if len(set(value)) != len(value):
        raise ValueError("同一专业领域填写了两次")
    return value


DisciplineList = Annotated[list[Discipline], AfterValidator(_distinct_disciplines)]


class FormModel(BaseModel):
    """Base of the form's sections: strips stray spaces, rejects unknown fields."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=False)


# --- batch ---------------------------------------------------------------------------------


class BatchSettings(FormModel):
    amount_basis: AmountBasis = Field(AmountBasis.CONTRACT, title="转化金额口径")
    requested_budget_cap: Wan = Field(Decimal("100"), title="申请经费上限（万元）")
    window_years: Annotated[int, Field(ge=1, le=10)] = Field(3, title="考察年数")


class Batch(FormModel):
    batch_id: Annotated[str, Field(min_length=1, max_length=40)] = Field(title="批次编号")
    year: Annotated[int, Field(ge=2000, le=2100)] = Field(title="批次年度")
    title: str = Field(title="批次名称")
    deadline: date = Field(title="申报截止日期")
    settings: BatchSettings = Field(default_factory=BatchSettings, title="批次设置")

    @classmethod
    def for_year(cls, year: int) -> Batch:
        """A yearly batch as the guideline sets it: applications due by 31 May of the batch year."""
        return cls(batch_id=str(year), year=year, title=f"{year}年度{PROGRAM_TITLE}申报", deadline=date(year, 5, 31))

    @property
    def window(self) -> list[int]:
        """The full years the conditions look at: the `window_years` years before the batch year."""
        n = self.settings.window_years
        return list(range(self.year - n, self.year))


# --- the application form ------------------------------------------------------------------


class PilotLead(FormModel):
    """试点负责人."""

    name: str = Field("", title="姓名")
    title: str = Field("", title="职务")
    landline: str = Field("", title="固定电话")
    mobile: str = Field("", title="手机")


class PilotContact(FormModel):
    """试点联系人."""

    name: str = Field("", title="姓名")
    mobile: str = Field("", title="手机")
    landline: str = Field("", title="固定电话")
    fax: str = Field("", title="传真号码")
    postal_address: str = Field("", title="通讯地址")
    postcode: str = Field("", title="邮编")
    email: str = Field("", title="E-mail")


class BasicInfo(FormModel):
    """一、申报单位基本信息 (the cover repeats name, address, lead and contact)."""

    unit_name: Annotated[str, Field(min_length=2, max_length=100)] = Field(title="单位名称")
    address: str = Field("", title="单位地址")
    unit_type: UnitType = Field(title="单位类型")
    unit_type_other: str = Field("", title="其他类型说明")  # what the applicant wrote after 其他：
    credit_code: Annotated[str, Field(min_length=1, max_length=40)] = Field(title="统一社会信用代码")
    legal_representative: str = Field("", title="法定代表人或负责人")
    phone: str = Field("", title="联系电话")
    fax: str = Field("", title="传真号码")
    lead: PilotLead = Field(default_factory=PilotLead, title="试点负责人")
    contact: PilotContact = Field(default_factory=PilotContact, title="试点联系人")
    overall_situation: str = Field("", title="试点申报单位总体情况")

    @field_validator("credit_code")
    @classmethod
    def _upper_compact(cls, value: str) -> str:
        return compact_code(value)


class CreditCommitment(FormModel):
    """信用承诺书."""

    signed: bool = Field(False, title="信用承诺书已签署")
    signed_on: date | None = Field(None, title="承诺日期")


class RuleDocument(FormModel):
    """One row of 知识产权管理制度建设情况."""

    name: Annotated[str, Field(min_length=1)] = Field(title="文件名称")
    doc_number: str = Field("", title="文号")
    issued_on: date | None = Field(None, title="发文日期")


class YearAmount(FormModel):
    year: int = Field(title="年度")
    amount: Wan = Field(title="投入金额（万元）")


class IpManagement(FormModel):
    """二、知识产权管理情况."""

    standards: list[ManagementStandard] = Field([], title="知识产权管理规范贯彻情况")
    standard_other: str = Field("", title="其他规范")
    has_leading_group: bool = Field(False, title="已成立知识产权（成果转化）领导小组")
    ip_staff_full_time: Count = Field(0, title="知识产权管理专职人员总数")
    ip_staff_part_time: Count = Field(0, title="知识产权管理兼职人员总数")
    conversion_staff_full_time: Count = Field(0, title="从事专利转化工作的专职人员数")
    patent_attorneys: Count = Field(0, title="具备专利代理师资格人数")
    rule_documents: list[RuleDocument] = Field([], title="知识产权管理制度建设情况")
    spending: list[YearAmount] = Field([], title="近三年知识产权管理经费投入")


class YearPatents(FormModel):
    """One year of 专利创造产出情况: grants by kind, and valid patents held at the year's end."""

    year: int = Field(title="年度")
    invention: Count = Field(0, title="发明")
    utility_model: Count = Field(0, title="实用新型")
    design: Count = Field(0, title="外观设计")
    valid_held: Count = Field(0, title="累计有效专利拥有量")

    @property
    def granted(self) -> int:
        return self.invention + self.utility_model + self.design


class YearConversion(FormModel):
    """One year of 专利转化运用情况: transfer 转让, licence 许可 (with open licences), equity 作价入股."""

    year: int = Field(title="年度")
    transfer_count: Count = Field(0, title="专利转让件数")
    transfer_contract: Wan = Field(Decimal("0"), title="转让合同额（万元）")
    transfer_received: Wan = Field(Decimal("0"), title="转让实际到账额（万元）")
    licence_count: Count = Field(0, title="专利许可件数")
    licence_contract: Wan = Field(Decimal("0"), title="许可合同额（万元）")
    licence_received: Wan = Field(Decimal("0"), title="许可实际到账额（万元）")
    open_licence_published: Count = Field(0, title="开放许可发布数")
    open_licence_implemented: Count = Field(0, title="开放许可实施数")
    open_licence_amount: Wan = Field(Decimal("0"), title="开放许可金额（万元）")
    equity_count: Count = Field(0, title="作价入股件数")
    equity_value: Wan = Field(Decimal("0"), title="作价金额（万元）")

    @property
    def converted(self) -> int:
        return self.transfer_count + self.licence_count + self.equity_count

    def amount(self, basis: AmountBasis) -> Decimal:
        """Money from conversions; equity has one value, counted under either basis."""
        if basis is AmountBasis.RECEIVED:
            return self.transfer_received + self.licence_received + self.equity_value
        return self.transfer_contract + self.licence_contract + self.equity_value


class BudgetRow(FormModel):
    """三、经费预算: one row."""

    seq: Annotated[int, Field(ge=1)] = Field(title="序号")
    item: Annotated[str, Field(min_length=1)] = Field(title="经费开支项目")
    explanation: str = Field("", title="说明")
    amount: Wan = Field(title="预算金额（万元）")
    year: int | None = Field(None, title="实施年度")
    funding: Funding = Field(title="拟定申请/拟定配套")


class Budget(FormModel):
    rows: list[BudgetRow] = Field([], title="经费预算")
    declared_total: Wan | None = Field(None, title="合计（申报书所填）")

    @property
    def total(self) -> Decimal:
        return sum((r.amount for r in self.rows), Decimal("0"))

    @property
    def requested(self) -> Decimal:
        return sum((r.amount for r in self.rows if r.funding is Funding.REQUESTED), Decimal("0"))

    @property
    def matching(self) -> Decimal:
        return sum((r.amount for r in self.rows if r.funding is Funding.MATCHING), Decimal("0"))


class PriorityClaim(FormModel):
    """A ground for priority the applicant claims, with the evidence it names; staff verify it later."""

    kind: PriorityKind = Field(title="优先申报条件")
    evidence: str = Field("", title="证明材料")


class Attachment(FormModel):
    """A file that came with the application; the content itself is stored by its hash."""

    kind: AttachmentKind = Field(title="附件类型")
    filename: Annotated[str, Field(min_length=1)] = Field(title="文件名")
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")] = Field(title="SHA-256")
    size: Count = Field(title="字节数")
    text: str = Field("", title="文本内容")  # extracted text (the plan), for experts to read


class Recommendation(FormModel):
    """四、推荐意见: the unit's signed confirmation and the city bureau's recommendation."""

    city: City = Field(title="推荐市局")
    unit_confirmation_signed: bool = Field(False, title="申报单位意见已签章")
    unit_confirmation_date: date | None = Field(None, title="申报单位签章日期")
    city_recommended: bool = Field(False, title="市局已出具推荐函")  # the letter itself is an attachment of kind RECOMMENDATION
    city_recommendation_date: date | None = Field(None, title="推荐函日期")


class Application(FormModel):
    """One 申报书, complete, plus what the rules need and the form lacks (enterprises connected, city)."""

    batch_id: str = Field(title="批次编号")
    submitted_on: date = Field(title="提交日期")
    basic: BasicInfo = Field(title="申报单位基本信息")
    commitment: CreditCommitment = Field(default_factory=CreditCommitment, title="信用承诺书")
    ip_management: IpManagement = Field(default_factory=IpManagement, title="知识产权管理情况")
    patents: list[YearPatents] = Field([], title="专利创造产出情况")
    conversions: list[YearConversion] = Field([], title="专利转化运用情况")
    enterprises_connected: Count | None = Field(None, title="近三年累计对接企业数")  # 近三年累计对接企业数 (not on the paper form)
    operation_institution: str = Field("", title="知识产权运营机构建设情况")  # 知识产权运营机构建设情况
    conversion_staff_situation: str = Field("", title="从事专利转化专职人员情况")  # 从事专利转化专职人员情况
    budget: Budget = Field(default_factory=Budget, title="经费预算")
    priority_claims: list[PriorityClaim] = Field([], title="优先申报条件")
    recommendation: Recommendation = Field(title="推荐意见")
    attachments: list[Attachment] = Field([], title="附件")
    # Optional so that applications imported before the field existed stay valid; experts are matched on it.
    disciplines: Annotated[DisciplineList, Field(max_length=2)] = Field([], title="优势学科/产业领域")

    @property
    def credit_code(self) -> str:
        return self.basic.credit_code

    @model_validator(mode="after")
    def _one_row_per_year(self) -> Application:
        for label, rows in (("专利产出", self.patents), ("专利转化", self.conversions)):
            years = [r.year for r in rows]
            if len(years) != len(set(years)):
                raise ValueError(f"{label}数据中同一年度出现多次")
        self.patents.sort(key=lambda r: r.year)
        self.conversions.sort(key=lambda r: r.year)
        return self

    def patents_in(self, year: int) -> YearPatents | None:
        return next((r for r in self.patents if r.year == year), None)

    def conversion_in(self, year: int) -> YearConversion | None:
        return next((r for r in self.conversions if r.year == year), None)

    def attachment(self, kind: AttachmentKind | str) -> Attachment | None:
        kind = AttachmentKind(kind)
        return next((a for a in self.attachments if a.kind is kind), None)


# --- the expert pool and conflicts of interest (回避) ---------------------------------------

# Expert numbers are codes staff assign (ZJ2023-001); letters, digits, “-”, “_” and “.”, stored upper case.
ExpertId = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[0-9A-Z][0-9A-Z_.\-]*$")]
Reason = Annotated[str, Field(min_length=2, max_length=500)]


def _expert_id(value: str) -> str:
    return compact_code(value) if isinstance(value, str) else value


class AffiliationKind(StrEnum):
    PART_TIME = "兼职"
    FORMER_EMPLOYER = "原工作单位"
    OTHER = "其他"


class Affiliation(FormModel):
    """A unit the expert held a post at besides their own: a part-time post 兼职 or a former employer."""

    unit_name: Annotated[str, Field(min_length=2, max_length=100)] = Field(title="单位名称")
    credit_code: str = Field("", max_length=40, title="统一社会信用代码")
    kind: AffiliationKind = Field(title="关系类型")
    start: date | None = Field(None, title="起始日期")
    end: date | None = Field(None, title="终止日期")  # None: still held (至今)

    _code = field_validator("credit_code")(compact_code)

    @model_validator(mode="after")
    def _start_before_end(self) -> Affiliation:
        if self.start and self.end and self.start > self.end:
            raise ValueError("起始日期晚于终止日期")
        return self


class Expert(FormModel):
    """One expert of the pool (评审专家库)."""

    expert_id: ExpertId = Field(title="专家编号")
    name: Annotated[str, Field(min_length=2, max_length=40)] = Field(title="姓名")
    unit: Annotated[str, Field(min_length=2, max_length=100)] = Field(title="工作单位")
    unit_credit_code: str = Field("", max_length=40, title="工作单位统一社会信用代码")
    title: str = Field("", max_length=40, title="职称")
    disciplines: Annotated[DisciplineList, Field(min_length=1, max_length=3)] = Field(title="专业领域")
    city: City = Field(title="所在城市")
    phone: str = Field("", max_length=40, title="联系电话")
    email: str = Field("", max_length=100, title="电子邮箱")
    available: bool = Field(True, title="是否可参评")  # the expert's own answer for this season
    active: bool = Field(True, title="在库")  # False once staff deactivated the expert (停用), with a reason
    affiliations: list[Affiliation] = Field([], title="兼职与工作经历")
    note: str = Field("", max_length=2000, title="备注")

    _id = field_validator("expert_id", mode="before")(_expert_id)
    _code = field_validator("unit_credit_code")(compact_code)


class ConflictSource(StrEnum):
    EXPERT = "专家申报"
    STAFF = "工作人员登记"
    IMPORT = "导入"


class ConflictDeclaration(FormModel):
    """A pair to be recorded: the expert may not review this applicant (e.g. a close relative works there)."""

    expert_id: ExpertId = Field(title="专家编号")
    credit_code: Annotated[str, Field(min_length=1, max_length=40)] = Field(title="申报单位统一社会信用代码")
    reason: Reason = Field(title="回避原因")

    _id = field_validator("expert_id", mode="before")(_expert_id)
    _code = field_validator("credit_code")(compact_code)


class DeclaredConflict(ConflictDeclaration):
    """A pair as recorded: who declared it, when, and from where."""

    source: ConflictSource = Field(title="来源")
    declared_by: Annotated[str, Field(min_length=1)] = Field(title="登记人")
    declared_at: datetime = Field(title="登记时间")


class Recusal(FormModel):
    """An expert's own recusal from one application of a batch, declared while scoring (评审中主动回避)."""

    batch_id: str = Field(title="批次编号")
    expert_id: ExpertId = Field(title="专家编号")
    credit_code: Annotated[str, Field(min_length=1, max_length=40)] = Field(title="申报单位统一社会信用代码")
    reason: Reason = Field(title="回避原因")
    recorded_by: Annotated[str, Field(min_length=1)] = Field(title="登记人")
    recorded_at: datetime = Field(title="登记时间")


class ConflictRules(FormModel):
    """Which conflicts of interest a review round enforces; each rule is a hard constraint when on."""

    own_unit: bool = Field(True, title="本单位回避")
    affiliations_within_years: Annotated[int, Field(ge=0, le=10)] = Field(3, title="兼职与工作经历回避年限（0为不回避）")
    declared_pairs: bool = Field(True, title="登记的回避关系")
    same_city: bool = Field(False, title="同城回避")
    recusals: bool = Field(True, title="评审中主动回避")


class ConflictRule(StrEnum):
    OWN_UNIT = "本单位"
    AFFILIATION = "兼职与工作经历"
    DECLARED = "登记的回避关系"
    SAME_CITY = "同城"
    RECUSAL = "主动回避"


class Conflict(FormModel):
    """One reason why one expert may not review one application, in words."""

    expert_id: str = Field(title="专家编号")
    credit_code: str = Field(title="申报单位统一社会信用代码")
    rule: ConflictRule = Field(title="回避规则")
    reason: str = Field(title="回避说明")


# --- checks --------------------------------------------------------------------------------


class Outcome(StrEnum):
    PASS = "通过"
    FAIL = "不通过"
    DECIDE = "需人工判定"


class CheckId(StrEnum):
    CREDIT_CODE = "credit_code"
    UNIT_TYPE = "unit_type"
    COMMITMENT = "commitment"
    RECOMMENDATION = "recommendation"
    DEADLINE = "deadline"
    BUDGET = "budget"
    PATENT_OUTPUT = "patent_output"
    CONVERSION = "conversion"


CHECK_TITLES = {
    CheckId.CREDIT_CODE: "统一社会信用代码与注册地",
    CheckId.UNIT_TYPE: "申报主体类型",
    CheckId.COMMITMENT: "信用承诺书",
    CheckId.RECOMMENDATION: "市局推荐",
    CheckId.DEADLINE: "申报时限",
    CheckId.BUDGET: "经费预算",
    CheckId.PATENT_OUTPUT: "申报条件（二）专利创造产出",
    CheckId.CONVERSION: "申报条件（三）专利转化基础",
}


class CheckResult(FormModel):
    """The outcome of one check with every reason in words."""

    check_id: CheckId
    outcome: Outcome
    reasons: list[str]

    @property
    def title(self) -> str:
        return CHECK_TITLES[self.check_id]


class Override(FormModel):
    """A staff decision that replaces a check's computed outcome; always carries who and why."""

    check_id: CheckId
    outcome: Outcome
    reason: Annotated[str, Field(min_length=2)]
    decided_by: Annotated[str, Field(min_length=1)]
    decided_at: datetime


class CheckedResult(FormModel):
    """A check as shown to staff: the computed result and, where staff overrode it, the override."""

    computed: CheckResult
    override: Override | None = None

    @property
    def outcome(self) -> Outcome:
        return self.override.outcome if self.override else self.computed.outcome


class CheckReport(FormModel):
    batch_id: str
    credit_code: str
    results: list[CheckedResult]

    @property
    def overall(self) -> Outcome:
        outcomes = {r.outcome for r in self.results}
        if Outcome.FAIL in outcomes:
            return Outcome.FAIL
        if Outcome.DECIDE in outcomes:
            return Outcome.DECIDE
        return Outcome.PASS


# --- import --------------------------------------------------------------------------------


class Severity(StrEnum):
    ERROR = "错误"
    WARNING = "警告"


class ImportIssue(FormModel):
    """One problem found in an input file, located as precisely as the file allows."""

    severity: Severity
    file: str
    sheet: str = ""
    row: int | None = None  # as the user sees it: Excel's 1-based row number
    column: str = ""  # the column's header as the user sees it
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.sheet:
            where.append(f"工作表“{self.sheet}”")
        if self.row is not None:
            where.append(f"第{self.row}行")
        if self.column:
            where.append(f"“{self.column}”列")
        return f"[{self.severity}] {'，'.join(where)}：{self.message}"



class IssueCounts:
    """For anything that collects `issues`: its errors (which block an import) and its warnings."""

    issues: list[ImportIssue]

    @property
    def errors(self) -> list[ImportIssue]:
        return [i for i in self.issues if i.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[ImportIssue]:
        return [i for i in self.issues if i.severity is Severity.WARNING]

# --- score sheets ----------------------------------------------------------------------------


class SheetStatus(StrEnum):
    NOT_STARTED = "未开始"
    DRAFT = "草稿"
    SUBMITTED = "已提交"
    RECUSED = "已回避"


class RevisionEvent(StrEnum):
    """What made a sheet's kept revision (sheet_revisions.event)."""

    SUBMITTED = "提交"
    REOPENED = "退回"
    RECUSED = "回避"
    DISSENT = "不同意见"


class Opinion(StrEnum):
    RECOMMEND = "推荐"
    NOT_RECOMMEND = "不推荐"


Points = Annotated[Decimal, Field(ge=0, le=1000, decimal_places=2)]


class SheetEntries(FormModel):
    """What an expert enters on a score sheet; a draft may leave any of it empty."""

    scores: dict[str, Points | None] = Field({}, title="各项得分")
    comments: dict[str, Annotated[str, Field(max_length=2000)]] = Field({}, title="评语")
    opinion: Opinion | None = Field(None, title="总体意见")
    opinion_text: str = Field("", max_length=2000, title="意见说明")
    dissent: str = Field("", max_length=2000, title="对专家组意见的不同意见")

    @property
    def total(self) -> Decimal:
        return sum((p for p in self.scores.values() if p is not None), Decimal("0"))


class ScoreSheet(SheetEntries):
    """One expert's sheet for one application of a round (评分表)."""

    round_id: str = Field(title="轮次编号")
    credit_code: str = Field(title="统一社会信用代码")
    expert_id: str = Field(title="专家编号")
    status: SheetStatus = Field(SheetStatus.NOT_STARTED, title="状态")
    revision: int = Field(0, title="修订号")  # every save adds one; a save based on an older revision is refused
    rubric_sha256: str = Field("", title="评分标准 SHA-256")
    started_at: datetime | None = Field(None, title="开始时间")
    saved_at: datetime | None = Field(None, title="保存时间")
    saved_by: str = Field("", title="保存人")
    submitted_at: datetime | None = Field(None, title="提交时间")
    reopened_reason: str = Field("", title="退回理由")

    def entries(self) -> SheetEntries:
        return SheetEntries(scores=self.scores, comments=self.comments, opinion=self.opinion,
                            opinion_text=self.opinion_text, dissent=self.dissent)


class ActionKind(StrEnum):
    """What an entry of the audit log records, for every stage; the values are stored, and pages and tests read them
    back, so a value never changes."""

    INIT = "init"
    BATCH_CREATE = "batch.create"
    BATCH_UPDATE = "batch.update"
    IMPORT = "import"
    APPLICATION_CREATE = "application.create"
    APPLICATION_UPDATE = "application.update"
    CHECK_RUN = "check.run"
    CHECK_OVERRIDE = "check.override"
    CHECK_OVERRIDE_CLEAR = "check.override.clear"
    EXPERT_IMPORT = "expert.import"
    EXPERT_CREATE = "expert.create"
    EXPERT_UPDATE = "expert.update"
    EXPERT_DEACTIVATE = "expert.deactivate"
    CONFLICT_DECLARE = "conflict.declare"
    CONFLICT_WITHDRAW = "conflict.withdraw"
    RECUSAL = "conflict.recusal"
    EXPERT_RATE = "expert.rate"
    # accounts and the first administrator's set-up address
    LOGIN = "login"
    LINK_LOGIN = "login.link"
    LOGIN_FAILED = "login.failed"
    BROWSER_REMEMBERED = "login.browser"
    ACCOUNT_LOCKED = "account.locked"
    ACCOUNT_UNLOCKED = "account.unlock"
    LOGOUT = "logout"
    PASSWORD_CHANGE = "password.change"
    CREDENTIALS_ISSUE = "credentials.issue"
    USER_CREATE = "user.create"
    USER_DEACTIVATE = "user.deactivate"
    USER_ACTIVATE = "user.activate"
    ROLE_GRANT = "role.grant"
    ROLE_REVOKE = "role.revoke"
    POLICY_CHANGE = "account.policy"
    SETUP_ISSUE = "setup.issue"
    SETUP_USE = "setup.use"
    SETUP_REFUSED = "setup.refused"
    SSO_LOGIN = "login.sso"
    SSO_LINK = "sso.link"
    SSO_BIND = "sso.bind"
    SSO_UNLINK = "sso.unlink"
    # rounds and their assignment
    ROUND_CREATE = "round.create"
    ROUND_UPDATE = "round.update"
    ROUND_CLOSE = "round.close"
    ASSIGNMENT_COMMIT = "assignment.commit"
    ASSIGNMENT_ADD = "assignment.add"
    ASSIGNMENT_REMOVE = "assignment.remove"
    ASSIGNMENT_SWAP = "assignment.swap"
    ASSIGNMENT_EXPORT = "assignment.export"
    # score sheets
    SHEET_SAVE = "sheet.save"
    SHEET_SUBMIT = "sheet.submit"
    SHEET_REOPEN = "sheet.reopen"
    SHEET_RECUSE = "sheet.recuse"
    SHEET_DISSENT = "sheet.dissent"
    SHEET_EXPORT = "sheet.export"  # the exports are entries of the round (round/<batch>/<round>)
    # results
    BONUS_CHECK = "bonus.check"
    MEETING_DECIDE = "meeting.decide"
    SHORTLIST_FREEZE = "shortlist.freeze"
    RANKING_EXPORT = "ranking.export"
    # publicity and confirmation
    HOLIDAYS_ENTER = "holidays.enter"
    NOTICE_SETTINGS = "publicity.notice_settings"
    LETTER_SETTINGS = "publicity.letters_settings"
    PUBLICITY_PUBLISH = "publicity.publish"
    PUBLICITY_WITHDRAW = "publicity.withdraw"
    PUBLICITY_CONFIRM = "publicity.confirm"
    PUBLICITY_EXPORT = "publicity.export"
    LETTERS_NUMBER = "letters.number"
    OBJECTION_REGISTER = "objection.register"
    OBJECTION_NOTE = "objection.note"
    OBJECTION_DECIDE = "objection.decide"
    # notifications: a notice queued with the change of state it tells of, each delivery, reading, settings
    NOTICE_QUEUE = "notice.queue"
    NOTICE_SENT = "notice.sent"
    NOTICE_IN_APP = "notice.in_app"
    NOTICE_FAILED = "notice.failed"
    NOTICE_READ = "notice.read"
    NOTICE_ADDRESS = "notice.address"
    MAIL_SETTINGS = "mail.settings"
    MAIL_TEST = "mail.test"
    # applying: a batch opened for applications, its deadlines extended, a unit's draft saved
    APPLY_CALL_OPEN = "apply.call_open"
    APPLY_DEADLINE_EXTEND = "apply.deadline_extend"
    APPLY_DRAFT_SAVE = "apply.draft_save"
    APPLY_SUBMIT = "apply.submit"
    # applying: a unit invited (its account bound to it), a unit's attachment uploaded or replaced
    APPLY_INVITE = "apply.invite"
    APPLY_UNIT_BIND = "apply.unit_bind"
    APPLY_ATTACH = "apply.attach"
    # applying: the city bureau's 初审 saved, a form returned or recommended, its letter uploaded, the recommended forms
    # sent to the province (they enter the batch with an IMPORT entry of their own)
    APPLY_PRE_REVIEW = "apply.pre_review"
    APPLY_RETURN = "apply.return"
    APPLY_RECOMMEND = "apply.recommend"
    APPLY_LETTER = "apply.letter"
    APPLY_SEND = "apply.send"
    # pilots: the registry (created with the confirmed list), a status changed, the plan's goals set
    PILOT_CREATE = "pilot.create"
    PILOT_STATUS = "pilot.status"
    PILOT_GOALS = "pilot.goals"
    PILOT_LETTER = "pilot.letter"
    # pilots: the yearly report call and its deadlines, a report saved, submitted, given its city opinion
    REPORT_CALL = "report.call"
    REPORT_EXTEND = "report.extend"
    REPORT_SAVE = "report.save"
    REPORT_SUBMIT = "report.submit"
    REPORT_OPINION = "report.opinion"
    # pilots: acceptance and final rounds — the funds finding, the meeting's outcome, its publication, the letters
    FUNDS_FINDING = "pilot.funds_finding"
    OUTCOME_DECIDE = "outcome.decide"
    OUTCOME_PUBLISH = "outcome.publish"
    OUTCOME_LETTERS = "outcome.letters"
    # pilots: the year's award standard, an award confirmed, the awards exported
    AWARD_STANDARD = "award.standard"
    AWARD_CONFIRM = "award.confirm"
    AWARD_EXPORT = "award.export"
    # pilots: a rectification report submitted, staff's re-check recorded
    RECTIFY_SUBMIT = "rectify.submit"
    RECTIFY_RECHECK = "rectify.recheck"


class AuditEntry(FormModel):
    seq: int
    at: datetime
    actor: str
    action: str
    entity: str
    reason: str = ""
    detail: dict = {}

