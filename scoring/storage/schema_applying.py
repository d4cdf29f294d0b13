"""Tables of the applying stage (自主申报 → 市局推荐): a batch's application call and the units' drafts."""

# A draft is the JSON of a partial Application: it is validated as a whole only at submission.
APPLYING_SCHEMA: list[str] = [
    """CREATE TABLE application_calls (
        batch_id VARCHAR PRIMARY KEY,
        data VARCHAR NOT NULL,
        opened_at TIMESTAMP NOT NULL,
        opened_by VARCHAR NOT NULL
    )""",
    """CREATE TABLE application_drafts (
        batch_id VARCHAR NOT NULL,
        credit_code VARCHAR NOT NULL,
        data VARCHAR NOT NULL,
        saved_at TIMESTAMP NOT NULL,
        saved_by VARCHAR NOT NULL,
        PRIMARY KEY (batch_id, credit_code)
    )""",
]

# Every submitted version of a unit's form is kept, numbered from 1; the latest one's status is the form's status.
APPLYING_SUBMISSIONS_SCHEMA: list[str] = [
    """CREATE TABLE application_submissions (
        batch_id VARCHAR NOT NULL,
        credit_code VARCHAR NOT NULL,
        version INTEGER NOT NULL,
        data VARCHAR NOT NULL,
        status VARCHAR NOT NULL,
        submitted_at TIMESTAMP NOT NULL,
        submitted_by VARCHAR NOT NULL,
        PRIMARY KEY (batch_id, credit_code, version)
    )""",
]
