"""A pilot's yearly report (年度工作总结): the year's figures in the 申报书's own tables, the start-up and matching
funds received and spent by item, the plan's tasks with what became of each, the summary; and its status."""
from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import Field, model_validator

from scoring.common.models import AmountBasis, Count, FormModel, Wan, YearConversion, YearPatents


class ReportStatus(StrEnum):
    DRAFT = "草稿"
    SUBMITTED = "已提交市局"
    RETURNED = "市局退回"
    REVIEWED = "市局已审核"  # the city bureau gave its opinion: the report is with the province


class TaskState(StrEnum):
    DONE = "已完成"
    LATE = "延期"
    DROPPED = "取消"


class FundSource(StrEnum):
    START_UP = "省启动资金"
    MATCHING = "单位配套资金"


class PlanTask(FormModel):
    """A task of the plan's 进度安排 for the year, and what became of it."""

    task: Annotated[str, Field(min_length=1, max_length=200)] = Field(title="任务")
    state: TaskState = Field(title="完成情况")
    explanation: str = Field("", max_length=1000, title="说明")


class FundLine(FormModel):
    """One item of the year's spending: budgeted (from the plan), received, spent, from which source."""

    item: Annotated[str, Field(min_length=1, max_length=100)] = Field(title="支出项目")
    source: FundSource = Field(FundSource.START_UP, title="资金来源")
    budget: Wan = Field(Decimal(0), title="年度预算（万元）")
    received: Wan = Field(Decimal(0), title="到位金额（万元）")
    spent: Wan = Field(Decimal(0), title="支出金额（万元）")
    explanation: str = Field("", max_length=500, title="说明")


class AnnualReport(FormModel):
    """What a pilot reports for one year of its period."""

    batch_id: str = Field(title="批次编号")
    credit_code: str = Field(title="统一社会信用代码")
    year: int = Field(title="年度")
    summary: str = Field("", max_length=20_000, title="年度工作总结")
    patents: YearPatents = Field(title="本年度专利授权与有效专利")
    conversion: YearConversion = Field(title="本年度专利转化运用")
    enterprises_connected: Count = Field(0, title="本年度对接企业数")
    funds: list[FundLine] = Field([], title="资金到位与使用情况")
    tasks: list[PlanTask] = Field([], title="年度任务完成情况")

    @model_validator(mode="after")
    def _tables_of_the_year(self) -> AnnualReport:
        for label, row in (("专利授权", self.patents), ("专利转化", self.conversion)):
            if row.year != self.year:
                raise ValueError(f"{label}表的年度 {row.year} 与总结年度 {self.year} 不一致")
        return self

    @property
    def converted(self) -> int:
        return self.conversion.converted

    def amount(self, basis: AmountBasis) -> Decimal:
        return self.conversion.amount(basis)

    def received(self, source: FundSource | None = None) -> Decimal:
        return sum((f.received for f in self.funds if source is None or f.source is source), Decimal(0))

    def spent(self, source: FundSource | None = None) -> Decimal:
        return sum((f.spent for f in self.funds if source is None or f.source is source), Decimal(0))

    def tasks_in(self, state: TaskState) -> list[PlanTask]:
        return [t for t in self.tasks if t.state is state]
