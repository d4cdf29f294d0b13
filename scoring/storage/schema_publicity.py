"""Tables of the publicity stage: staff-entered holiday years, the settings of the notice and the letters, the
published notices, the objection register, the confirmed lists and the document numbers. Nothing here is ever
overwritten: a newer row supersedes, so what was published, decided and numbered stays answerable."""

PUBLICITY_SCHEMA: list[str] = [
    """CREATE TABLE holiday_years (
        year INTEGER NOT NULL,
        data VARCHAR NOT NULL,
        entered_by VARCHAR NOT NULL,
        entered_at TIMESTAMP NOT NULL,
        superseded_at TIMESTAMP
    )""",
    # kind: 'notice' (the publicity notice's settings) or 'letters' (the confirmation letters')
    """CREATE TABLE publicity_settings (
        round_id VARCHAR NOT NULL,
        kind VARCHAR NOT NULL,
        data VARCHAR NOT NULL,
        saved_by VARCHAR NOT NULL,
        saved_at TIMESTAMP NOT NULL,
        superseded_at TIMESTAMP
    )""",
    """CREATE TABLE publicity_notices (
        round_id VARCHAR NOT NULL,
        version INTEGER NOT NULL,
        shortlist_version INTEGER NOT NULL,
        shortlist_sha256 VARCHAR NOT NULL,
        settings VARCHAR NOT NULL,
        document VARCHAR NOT NULL,
        start_date DATE NOT NULL,
        end_date DATE NOT NULL,
        sha256 VARCHAR NOT NULL,
        reason VARCHAR NOT NULL,
        published_by VARCHAR NOT NULL,
        published_at TIMESTAMP NOT NULL,
        withdrawn_at TIMESTAMP,
        withdrawn_by VARCHAR,
        withdraw_reason VARCHAR,
        PRIMARY KEY (round_id, version)
    )""",
    "CREATE SEQUENCE objection_seq START 1",
    """CREATE TABLE objections (
        objection_id BIGINT PRIMARY KEY DEFAULT nextval('objection_seq'),
        round_id VARCHAR NOT NULL,
        notice_version INTEGER NOT NULL,
        data VARCHAR NOT NULL,
        credit_code VARCHAR NOT NULL,
        accepted BOOLEAN NOT NULL,
        not_accepted_reason VARCHAR NOT NULL,
        registered_by VARCHAR NOT NULL,
        registered_at TIMESTAMP NOT NULL
    )""",
    # kind: 'note' (a handling note) or 'decision' (upheld / rejected, the newest one stands)
    """CREATE TABLE objection_events (
        objection_id BIGINT NOT NULL,
        kind VARCHAR NOT NULL,
        decision VARCHAR,
        text VARCHAR NOT NULL,
        actor VARCHAR NOT NULL,
        acted_at TIMESTAMP NOT NULL
    )""",
    """CREATE TABLE confirmations (
        round_id VARCHAR NOT NULL,
        version INTEGER NOT NULL,
        notice_version INTEGER NOT NULL,
        data VARCHAR NOT NULL,
        sha256 VARCHAR NOT NULL,
        reason VARCHAR NOT NULL,
        confirmed_by VARCHAR NOT NULL,
        confirmed_at TIMESTAMP NOT NULL,
        PRIMARY KEY (round_id, version)
    )""",
    # A number is given once and never again: the key makes a second use of (prefix, year, sequence) impossible,
    # and a unit keeps its number for the round however often its letter is printed.
    """CREATE TABLE document_numbers (
        prefix VARCHAR NOT NULL,
        year INTEGER NOT NULL,
        sequence INTEGER NOT NULL,
        round_id VARCHAR NOT NULL,
        credit_code VARCHAR NOT NULL,
        assigned_by VARCHAR NOT NULL,
        assigned_at TIMESTAMP NOT NULL,
        PRIMARY KEY (prefix, year, sequence),
        UNIQUE (round_id, credit_code)
    )""",
]
