"""The DuckDB schema as numbered migrations; the database records which ones it has applied."""
from scoring.storage.schema_accounts import ACCOUNTS_SCHEMA
from scoring.storage.schema_applying import (APPLYING_CITY_SCHEMA, APPLYING_SCHEMA, APPLYING_SUBMISSIONS_SCHEMA,
                                             APPLYING_UNITS_SCHEMA)
from scoring.storage.schema_backup import BACKUP_SCHEMA
from scoring.storage.schema_browser import BROWSER_SCHEMA
from scoring.storage.schema_experts import EXPERTS_SCHEMA
from scoring.storage.schema_notifications import NOTIFICATIONS_SCHEMA
from scoring.storage.schema_pilots import PILOTS_SCHEMA
from scoring.storage.schema_rounds import ROUNDS_SCHEMA
from scoring.storage.schema_publicity import PUBLICITY_SCHEMA
from scoring.storage.schema_ranking import MEETING_SCHEMA, RANKING_SCHEMA, RATINGS_SCHEMA
from scoring.storage.schema_scoring import SCORING_SCHEMA
from scoring.storage.schema_setup import SETUP_SCHEMA
from scoring.storage.schema_sso import SSO_SCHEMA

# Each entry brings the schema from version i to i + 1. Append, never edit a released one.
# A feature with tables of its own keeps its statements in scoring/storage/schema_<feature>.py and
# appends them here as one entry.
INITIAL_SCHEMA: list[str] = [
    """CREATE TABLE schema_version (
        version INTEGER NOT NULL,
        applied_at TIMESTAMP NOT NULL
    )""",
    "CREATE SEQUENCE audit_seq START 1",
    """CREATE TABLE audit_log (
        seq BIGINT PRIMARY KEY DEFAULT nextval('audit_seq'),
        logged_at TIMESTAMP NOT NULL,
        actor VARCHAR NOT NULL,
        action VARCHAR NOT NULL,
        entity VARCHAR NOT NULL,
        reason VARCHAR NOT NULL DEFAULT '',
        detail VARCHAR NOT NULL DEFAULT '{}'
    )""",
    """CREATE TABLE batches (
        batch_id VARCHAR PRIMARY KEY,
        year INTEGER NOT NULL,
        data VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL
    )""",
    """CREATE TABLE applications (
        batch_id VARCHAR NOT NULL,
        credit_code VARCHAR NOT NULL,
        version INTEGER NOT NULL,
        unit_name VARCHAR NOT NULL,
        unit_type VARCHAR NOT NULL,
        city VARCHAR NOT NULL,
        data VARCHAR NOT NULL,
        source VARCHAR NOT NULL,
        saved_at TIMESTAMP NOT NULL,
        saved_by VARCHAR NOT NULL,
        PRIMARY KEY (batch_id, credit_code)
    )""",
    """CREATE TABLE application_versions (
        batch_id VARCHAR NOT NULL,
        credit_code VARCHAR NOT NULL,
        version INTEGER NOT NULL,
        data VARCHAR NOT NULL,
        source VARCHAR NOT NULL,
        saved_at TIMESTAMP NOT NULL,
        saved_by VARCHAR NOT NULL,
        superseded_at TIMESTAMP NOT NULL,
        PRIMARY KEY (batch_id, credit_code, version)
    )""",
    """CREATE TABLE attachment_files (
        sha256 VARCHAR PRIMARY KEY,
        size BIGINT NOT NULL,
        content BLOB NOT NULL
    )""",
    """CREATE TABLE check_results (
        batch_id VARCHAR NOT NULL,
        credit_code VARCHAR NOT NULL,
        check_id VARCHAR NOT NULL,
        outcome VARCHAR NOT NULL,
        reasons VARCHAR NOT NULL,
        app_version INTEGER NOT NULL,
        computed_at TIMESTAMP NOT NULL,
        PRIMARY KEY (batch_id, credit_code, check_id)
    )""",
    "CREATE SEQUENCE override_seq START 1",
    """CREATE TABLE check_overrides (
        override_id BIGINT PRIMARY KEY DEFAULT nextval('override_seq'),
        batch_id VARCHAR NOT NULL,
        credit_code VARCHAR NOT NULL,
        check_id VARCHAR NOT NULL,
        outcome VARCHAR NOT NULL,
        reason VARCHAR NOT NULL,
        decided_by VARCHAR NOT NULL,
        decided_at TIMESTAMP NOT NULL,
        app_version INTEGER NOT NULL,
        cleared_at TIMESTAMP,
        cleared_by VARCHAR,
        cleared_reason VARCHAR
    )""",
]

MIGRATIONS: list[list[str]] = [
    INITIAL_SCHEMA,
    ACCOUNTS_SCHEMA,
    EXPERTS_SCHEMA,
    ROUNDS_SCHEMA,
    SCORING_SCHEMA,
    RANKING_SCHEMA,
    MEETING_SCHEMA,
    RATINGS_SCHEMA,
    PUBLICITY_SCHEMA,
    SETUP_SCHEMA,
    BACKUP_SCHEMA,
    BROWSER_SCHEMA,
    SSO_SCHEMA,
    NOTIFICATIONS_SCHEMA,
    APPLYING_SCHEMA,
    APPLYING_SUBMISSIONS_SCHEMA,
    APPLYING_UNITS_SCHEMA,
    APPLYING_CITY_SCHEMA,
    PILOTS_SCHEMA,
]

SCHEMA_VERSION = len(MIGRATIONS)
