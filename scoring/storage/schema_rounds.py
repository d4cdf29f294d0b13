"""Tables of review rounds and their assignments of applications to experts."""

# A round's settings and panels live inside `data` (the ReviewRound model as JSON); the columns beside it are
# what lists filter and sort on.
ROUNDS_SCHEMA: list[str] = [
    """CREATE TABLE review_rounds (
        round_id VARCHAR PRIMARY KEY,
        batch_id VARCHAR NOT NULL,
        data VARCHAR NOT NULL,
        version INTEGER NOT NULL,
        created_at TIMESTAMP NOT NULL,
        created_by VARCHAR NOT NULL,
        saved_at TIMESTAMP NOT NULL,
        saved_by VARCHAR NOT NULL
    )""",
    "CREATE SEQUENCE assignment_seq START 1",
    # A pair is removed, never deleted: who was assigned when, and why they left, stays answerable.
    """CREATE TABLE assignments (
        assignment_id BIGINT PRIMARY KEY DEFAULT nextval('assignment_seq'),
        round_id VARCHAR NOT NULL,
        credit_code VARCHAR NOT NULL,
        expert_id VARCHAR NOT NULL,
        panel VARCHAR NOT NULL,
        source VARCHAR NOT NULL,
        assigned_at TIMESTAMP NOT NULL,
        assigned_by VARCHAR NOT NULL,
        assigned_reason VARCHAR NOT NULL,
        removed_at TIMESTAMP,
        removed_by VARCHAR,
        removed_reason VARCHAR
    )""",
]
