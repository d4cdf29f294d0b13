"""Tables of notifications: the outbox of notices (站内消息, each also e-mailed when it can be), the e-mail address
of each account, and the mail settings."""

# A notice is written in the same transaction as the change of state it tells of, so it exists exactly when that
# change committed; delivery happens after the commit and only updates the notice's state. `once_key` makes a
# reminder idempotent: one notice per recipient and key (checked under the write lock, not by an index — DuckDB's
# unique indexes misfire on rows updated twice in one transaction).
# The SMTP password is not here: it comes from the environment or .streamlit/secrets.toml.
NOTIFICATIONS_SCHEMA: list[str] = [
    "CREATE SEQUENCE notice_seq START 1",
    """CREATE TABLE notices (
        notice_id BIGINT PRIMARY KEY DEFAULT nextval('notice_seq'),
        recipient VARCHAR NOT NULL,
        kind VARCHAR NOT NULL,
        subject VARCHAR NOT NULL,
        body VARCHAR NOT NULL,
        facts VARCHAR NOT NULL,
        once_key VARCHAR,
        state VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL,
        created_by VARCHAR NOT NULL,
        address VARCHAR,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error VARCHAR,
        next_attempt_at TIMESTAMP,
        delivered_at TIMESTAMP,
        read_at TIMESTAMP
    )""",
    "CREATE INDEX notices_recipient ON notices (recipient)",
    """CREATE TABLE notification_addresses (
        login VARCHAR PRIMARY KEY,
        email VARCHAR NOT NULL,
        changed_at TIMESTAMP NOT NULL,
        changed_by VARCHAR NOT NULL
    )""",
    """CREATE TABLE mail_settings (
        settings_id INTEGER PRIMARY KEY,
        data VARCHAR NOT NULL,
        changed_at TIMESTAMP NOT NULL,
        changed_by VARCHAR NOT NULL
    )""",
]
