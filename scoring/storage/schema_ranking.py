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

# The meeting's decision per application, and the frozen shortlists; neither is ever overwritten.
MEETING_SCHEMA: list[str] = [
    """CREATE TABLE meeting_decisions (
        round_id VARCHAR NOT NULL,
        credit_code VARCHAR NOT NULL,
        decision VARCHAR NOT NULL,
        reason VARCHAR NOT NULL,
        against_ranking BOOLEAN NOT NULL,
        rank_then INTEGER,
        decided_by VARCHAR NOT NULL,
        decided_at TIMESTAMP NOT NULL,
        superseded_at TIMESTAMP
    )""",
    """CREATE TABLE shortlist_versions (
        round_id VARCHAR NOT NULL,
        version INTEGER NOT NULL,
        data VARCHAR NOT NULL,
        sha256 VARCHAR NOT NULL,
        reason VARCHAR NOT NULL,
        created_by VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL,
        PRIMARY KEY (round_id, version)
    )""",
]

# Staff's rating of each expert's work in a round (履职评价), kept on the expert's record for later selection.
RATINGS_SCHEMA: list[str] = [
    """CREATE TABLE expert_ratings (
        round_id VARCHAR NOT NULL,
        expert_id VARCHAR NOT NULL,
        rating VARCHAR NOT NULL,
        note VARCHAR NOT NULL,
        figures VARCHAR NOT NULL,
        rated_by VARCHAR NOT NULL,
        rated_at TIMESTAMP NOT NULL,
        superseded_at TIMESTAMP
    )""",
]
