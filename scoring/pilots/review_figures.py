"""What an expert of a final evaluation reads beside the score form: the pilot's three years — each year's report in
force against the year's goals and the guideline's aim, the period against the plan's goals. Read for the expert the
pilot is assigned to (the scoring stage checks the assignment)."""
from __future__ import annotations

from scoring.pilots import registry
from scoring.pilots.goals import PilotGoal
from scoring.pilots.progress import PilotProgress, pilot_progress
from scoring.pilots.reports import report_under_review
from scoring.storage import Storage
from scoring.storage import pilot_store


def progress_under_review(storage: Storage, batch_id: str, credit_code: str) -> PilotProgress | None:
    """The pilot's figures of its whole period against its goals; None when the unit is not a pilot of the batch."""
    found = pilot_store.pilots(storage, batch_id=batch_id, credit_code=credit_code)
    if not found:
        return None
    pilot = registry.pilot_of(found[0])
    goals = [PilotGoal.model_validate(g) for g in pilot_store.goals(storage, batch_id, credit_code) or []]
    versions = {year: report_under_review(storage, batch_id, credit_code, year) for year in pilot.years}
    in_force = {year: v for year, v in versions.items() if v is not None}
    return pilot_progress(pilot, goals, {y: v.report for y, v in in_force.items()},
                          storage.get_batch(batch_id).settings.amount_basis,
                          {y: v.version for y, v in in_force.items()})
