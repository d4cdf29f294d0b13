"""The office's clock: Beijing time, whatever zone the server runs in."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

OFFICE_ZONE = ZoneInfo("Asia/Shanghai")


def now() -> datetime:
    """Naive Beijing time to the second, as stored and shown everywhere."""
    return datetime.now(OFFICE_ZONE).replace(tzinfo=None, microsecond=0)


def today() -> date:
    return now().date()
