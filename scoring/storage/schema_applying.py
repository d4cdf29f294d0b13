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

# An applicant account speaks for one unit (login ↔ credit code, both unique); invitations per batch; the unit's
# current attachment of each kind (the bytes in `attachments` by hash), copied into each submitted version.
APPLYING_UNITS_SCHEMA: list[str] = [
    """CREATE TABLE applicant_units (
        login VARCHAR PRIMARY KEY,
        credit_code VARCHAR NOT NULL UNIQUE,
        unit_name VARCHAR NOT NULL,
        city VARCHAR NOT NULL,
        bound_at TIMESTAMP NOT NULL,
        bound_by VARCHAR NOT NULL
    )""",
    """CREATE TABLE application_invitations (
        batch_id VARCHAR NOT NULL,
        credit_code VARCHAR NOT NULL,
        login VARCHAR NOT NULL,
        email VARCHAR NOT NULL,
        invited_at TIMESTAMP NOT NULL,
        invited_by VARCHAR NOT NULL,
        PRIMARY KEY (batch_id, credit_code)
    )""",
    """CREATE TABLE application_attachments (
        batch_id VARCHAR NOT NULL,
        credit_code VARCHAR NOT NULL,
        kind VARCHAR NOT NULL,
        filename VARCHAR NOT NULL,
        sha256 VARCHAR NOT NULL,
        size BIGINT NOT NULL,
        uploaded_at TIMESTAMP NOT NULL,
        uploaded_by VARCHAR NOT NULL,
        PRIMARY KEY (batch_id, credit_code, kind)
    )""",
]

# The city bureau's part: its 初审 of each submitted version (checklist, opinion, rank, the reason of a return), its
# 推荐函 per batch and city, and each handover of its recommended forms to the province.
APPLYING_CITY_SCHEMA: list[str] = [
    """CREATE TABLE application_city_reviews (
        batch_id VARCHAR NOT NULL,
        credit_code VARCHAR NOT NULL,
        version INTEGER NOT NULL,
        checked VARCHAR NOT NULL,
        opinion VARCHAR NOT NULL,
        rank INTEGER,
        return_reason VARCHAR,
        saved_at TIMESTAMP NOT NULL,
        saved_by VARCHAR NOT NULL,
        PRIMARY KEY (batch_id, credit_code, version)
    )""",
    """CREATE TABLE application_city_letters (
        batch_id VARCHAR NOT NULL,
        city VARCHAR NOT NULL,
        filename VARCHAR NOT NULL,
        sha256 VARCHAR NOT NULL,
        size BIGINT NOT NULL,
        uploaded_at TIMESTAMP NOT NULL,
        uploaded_by VARCHAR NOT NULL,
        PRIMARY KEY (batch_id, city)
    )""",
    """CREATE TABLE application_city_sends (
        batch_id VARCHAR NOT NULL,
        city VARCHAR NOT NULL,
        sent_at TIMESTAMP NOT NULL,
        sent_by VARCHAR NOT NULL,
        letter_sha256 VARCHAR NOT NULL,
        codes VARCHAR NOT NULL
    )""",
]
