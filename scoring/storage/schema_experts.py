"""Tables of the expert pool and its conflicts of interest: experts, declared pairs, recusals."""

# An expert's affiliations live inside `data` (the Expert model as JSON): the conflict rules read
# them in Python, and a re-import replaces them with the expert. The columns beside `data` are
# what lists filter and sort on.
EXPERTS_SCHEMA: list[str] = [
    """CREATE TABLE experts (
        expert_id VARCHAR PRIMARY KEY,
        name VARCHAR NOT NULL,
        unit VARCHAR NOT NULL,
        city VARCHAR NOT NULL,
        active BOOLEAN NOT NULL,
        available BOOLEAN NOT NULL,
        data VARCHAR NOT NULL,
        version INTEGER NOT NULL,
        saved_at TIMESTAMP NOT NULL,
        saved_by VARCHAR NOT NULL
    )""",
    "CREATE SEQUENCE declared_conflict_seq START 1",
    # A pair is withdrawn, never deleted: the report of a past round must stay explainable.
    """CREATE TABLE declared_conflicts (
        conflict_id BIGINT PRIMARY KEY DEFAULT nextval('declared_conflict_seq'),
        expert_id VARCHAR NOT NULL,
        credit_code VARCHAR NOT NULL,
        reason VARCHAR NOT NULL,
        source VARCHAR NOT NULL,
        declared_by VARCHAR NOT NULL,
        declared_at TIMESTAMP NOT NULL,
        withdrawn_at TIMESTAMP,
        withdrawn_by VARCHAR,
        withdrawn_reason VARCHAR
    )""",
    """CREATE TABLE recusals (
        batch_id VARCHAR NOT NULL,
        expert_id VARCHAR NOT NULL,
        credit_code VARCHAR NOT NULL,
        reason VARCHAR NOT NULL,
        recorded_by VARCHAR NOT NULL,
        recorded_at TIMESTAMP NOT NULL,
        PRIMARY KEY (batch_id, expert_id, credit_code)
    )""",
]
