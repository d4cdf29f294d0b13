"""Where applying stands, per city, for staff: how many units are filling in, have submitted, were returned, are
recommended or were sent to the province, and when the city last sent."""
from __future__ import annotations

from collections import Counter
from datetime import datetime

from pydantic import BaseModel

from scoring.applying.city_review import CityForm, city_forms
from scoring.applying.drafts import FormStatus
from scoring.applying.handover import handovers
from scoring.common.access import Permission, Principal, require
from scoring.common.models import City
from scoring.storage.store import Storage


class CityProgress(BaseModel):
    city: City
    drafting: int = 0
    submitted: int = 0
    returned: int = 0
    recommended: int = 0
    sent: int = 0
    last_submitted_at: datetime | None = None
    last_sent_at: datetime | None = None


COUNTED = {None: "drafting", FormStatus.SUBMITTED: "submitted", FormStatus.RETURNED: "returned",
           FormStatus.RECOMMENDED: "recommended", FormStatus.SENT: "sent"}


def city_progress(storage: Storage, principal: Principal, batch_id: str) -> tuple[list[CityProgress], list[CityForm]]:
    """One row per city with a unit in the batch (in the order of City), and the forms they count."""
    require(principal, Permission.IMPORT_APPLICATIONS, batch_id)
    forms = city_forms(storage, principal, batch_id)
    sent_at = {City(s.city): s.sent_at for s in handovers(storage, principal, batch_id)}  # oldest first: last wins
    rows = []
    for city in City:
        mine = [f for f in forms if f.unit.city is city]
        if not mine:
            continue
        counts = Counter(COUNTED[f.status] for f in mine)
        submitted = [f.submitted_at for f in mine if f.submitted_at]
        rows.append(CityProgress(city=city, **counts, last_submitted_at=max(submitted, default=None),
                                 last_sent_at=sent_at.get(city)))
    return rows, forms
