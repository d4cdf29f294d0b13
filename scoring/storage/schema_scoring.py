"""Tables of frozen rubrics and the experts' score sheets."""

# A round names the SHA-256 of the rubric text it was opened with; the text itself is kept here, so editing the
# file later changes nothing in a running round.
SCORING_SCHEMA: list[str] = [
    """CREATE TABLE rubric_versions (
        sha256 VARCHAR PRIMARY KEY,
        rubric_id VARCHAR NOT NULL,
        version VARCHAR NOT NULL,
        source VARCHAR NOT NULL,
        text VARCHAR NOT NULL,
        stored_at TIMESTAMP NOT NULL,
        stored_by VARCHAR NOT NULL
    )""",
    # One sheet per round, application and expert; its criterion scores are rows of sheet_scores, so the
    # ranking aggregates them in SQL.
    """CREATE TABLE score_sheets (
        round_id VARCHAR NOT NULL,
        credit_code VARCHAR NOT NULL,
        expert_id VARCHAR NOT NULL,
        status VARCHAR NOT NULL,
        opinion VARCHAR,
        opinion_text VARCHAR NOT NULL DEFAULT '',
        dissent VARCHAR NOT NULL DEFAULT '',
        revision INTEGER NOT NULL,
        rubric_sha256 VARCHAR NOT NULL,
        started_at TIMESTAMP NOT NULL,
        saved_at TIMESTAMP NOT NULL,
        saved_by VARCHAR NOT NULL,
        submitted_at TIMESTAMP,
        reopened_reason VARCHAR NOT NULL DEFAULT '',
        PRIMARY KEY (round_id, credit_code, expert_id)
    )""",
    """CREATE TABLE sheet_scores (
        round_id VARCHAR NOT NULL,
        credit_code VARCHAR NOT NULL,
        expert_id VARCHAR NOT NULL,
        criterion_id VARCHAR NOT NULL,
        points DECIMAL(7, 2),
        comment VARCHAR NOT NULL DEFAULT ''
    )""",
    # Every submission, reopening, recusal and dissent keeps the whole sheet as it then stood.
    """CREATE TABLE sheet_revisions (
        round_id VARCHAR NOT NULL,
        credit_code VARCHAR NOT NULL,
        expert_id VARCHAR NOT NULL,
        revision INTEGER NOT NULL,
        event VARCHAR NOT NULL,
        data VARCHAR NOT NULL,
        recorded_at TIMESTAMP NOT NULL,
        recorded_by VARCHAR NOT NULL,
        reason VARCHAR NOT NULL DEFAULT ''
    )""",
    "CREATE INDEX sheet_scores_sheet ON sheet_scores (round_id, expert_id, credit_code)",
]
