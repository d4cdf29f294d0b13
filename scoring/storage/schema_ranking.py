"""Tables of the ranking stage: staff checks of the priority bonuses' evidence."""

# A check is never overwritten: a new decision supersedes the one before, so who verified what, and when, stays
# answerable.
RANKING_SCHEMA: list[str] = [
    """CREATE TABLE bonus_checks (
        round_id VARCHAR NOT NULL,
        credit_code VARCHAR NOT NULL,
        bonus_id VARCHAR NOT NULL,
        verified BOOLEAN NOT NULL,
        note VARCHAR NOT NULL,
        checked_by VARCHAR NOT NULL,
        checked_at TIMESTAMP NOT NULL,
        superseded_at TIMESTAMP
    )""",
]
