"""A clock the test moves: scoring.common.clock.now() answers what the test says, so expiries are tested to the second."""
from __future__ import annotations

from datetime import datetime, timedelta

from scoring.common import clock


class FakeClock:
    def __init__(self, start: datetime):
        self.now = start

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


def frozen_clock(monkeypatch, start: datetime) -> FakeClock:
    """Stop the domain's clock at `start` for this test; `advance(minutes=…)` moves it."""
    fake = FakeClock(start)
    monkeypatch.setattr(clock, "now", lambda: fake.now)
    return fake
