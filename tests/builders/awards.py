"""What the award tests share: a standard, a pilot and a yearly report built from a few figures."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from scoring.common.models import YearConversion, YearPatents
from scoring.pilots.awards import AwardStandard
from scoring.pilots.registry import Pilot, PilotStatus
from scoring.pilots.reports import AnnualReport

YEAR = 2023


def standard(**changes) -> AwardStandard:
    """1.00 / 0.50 / 2.00 万元 per transfer / licence / equity, 5% of the money received, cap 100, at least 1."""
    base = dict(year=YEAR, transfer_rate=Decimal("1.00"), licence_rate=Decimal("0.50"), equity_rate=Decimal("2.00"),
                amount_rate=Decimal("0.05"), cap=Decimal("100.00"), min_converted=1)
    return AwardStandard(**{**base, **changes})


def pilot(n: int = 1, city: str = "沈阳市", status: PilotStatus = PilotStatus.BUILDING) -> Pilot:
    return Pilot(batch_id="2023", credit_code=f"1221000000000000{n:02d}", unit_name=f"试点大学{n}", unit_type="高等学校",
                 city=city, first_year=2023, last_year=2025, round_id="2023-01", list_order=n, status=status,
                 created_at=datetime(2023, 6, 20, 10))


def report(of: Pilot, year: int = YEAR, **conversion) -> AnnualReport:
    return AnnualReport(batch_id=of.batch_id, credit_code=of.credit_code, year=year,
                        patents=YearPatents(year=year), conversion=YearConversion(year=year, **conversion))


def wan(text: str) -> Decimal:
    return Decimal(text)
