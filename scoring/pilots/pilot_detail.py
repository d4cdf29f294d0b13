"""What 试点名录 and 试点详情 show of a pilot, gathered for whoever may see it: its status in each year of its period,
its goals, its status history, its yearly report versions and its figures against the goals, its acceptance and
evaluation results, its confirmed extra awards."""
from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from scoring.common.access import Principal
from scoring.pilots import registry
from scoring.pilots.awards import ConfirmedAward, confirmed_awards
from scoring.pilots.outcomes import PilotResult, pilot_results
from scoring.pilots.goals import PilotGoal
from scoring.pilots.progress import PilotProgress, pilot_progress, reports_in_force
from scoring.pilots.registry import Pilot, PilotStatus, StatusChange
from scoring.pilots.reports import ReportVersion, year_reports
from scoring.storage import Storage


def status_by_year(pilot: Pilot, history: Sequence[StatusChange]) -> dict[int, PilotStatus | None]:
    """Each year of the period with the status of its last change (None: nothing was recorded for that year)."""
    found: dict[int, PilotStatus | None] = {year: None for year in pilot.years}
    for change in history:  # oldest first, so the last change of a year wins
        if change.year in found:
            found[change.year] = change.status
    return found


class RegistryRow(BaseModel):
    model_config = ConfigDict(frozen=True)

    pilot: Pilot
    by_year: dict[int, PilotStatus | None]


def registry_rows(storage: Storage, principal: Principal, batch_id: str | None = None) -> list[RegistryRow]:
    """Every pilot the principal may see (of one batch, or of all), with its status per year."""
    histories = registry.status_histories(storage, principal, batch_id)
    return [RegistryRow(pilot=p, by_year=status_by_year(p, histories.get((p.batch_id, p.credit_code), [])))
            for p in registry.pilots(storage, principal, batch_id)]


class PilotDetail(BaseModel):
    model_config = ConfigDict(frozen=True)

    pilot: Pilot
    goals: list[PilotGoal]
    history: list[StatusChange]
    by_year: dict[int, PilotStatus | None]
    versions: list[ReportVersion]
    progress: PilotProgress
    results: list[PilotResult]
    awards: list[ConfirmedAward]


def report_versions(storage: Storage, principal: Principal, pilot: Pilot) -> list[ReportVersion]:
    """Every submitted version of the pilot's yearly reports, oldest first; a draft (version 0) only for the unit's
    own account (nobody else reads what it has not submitted) and only while it differs from what it submitted."""
    own = principal.unit is not None and principal.unit.credit_code == pilot.credit_code
    versions = year_reports(storage, principal, pilot.batch_id, pilot.credit_code)
    newest = {v.report.year: v.report for v in versions if v.version >= 1}  # oldest first: the last one wins
    return [v for v in versions if v.version >= 1 or (own and newest.get(v.report.year) != v.report)]


def pilot_detail(storage: Storage, principal: Principal, batch_id: str, credit_code: str) -> PilotDetail:
    """The pilot with its goals, history and reports; the figures from each year's report in force, the amount by
    the batch's basis (合同额 unless staff chose 实际到账额)."""
    pilot = registry.get_pilot(storage, principal, batch_id, credit_code)
    goals = registry.pilot_goals(storage, principal, batch_id, pilot.credit_code)
    history = registry.status_history(storage, principal, batch_id, pilot.credit_code)
    versions = report_versions(storage, principal, pilot)
    in_force, numbers = reports_in_force(versions)
    basis = storage.get_batch(batch_id).settings.amount_basis
    awards = [a for year in pilot.years for a in confirmed_awards(storage, principal, batch_id, year)
              if a.computation.pilot.credit_code == pilot.credit_code]
    return PilotDetail(pilot=pilot, goals=goals, history=history, by_year=status_by_year(pilot, history),
                       versions=versions, progress=pilot_progress(pilot, goals, in_force, basis, numbers),
                       results=pilot_results(storage, principal, batch_id, pilot.credit_code), awards=awards)
