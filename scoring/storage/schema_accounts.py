"""Tables of accounts and roles: users, their role grants, sessions, one-time login links, the account policy."""

# Secrets are never stored: a password only as its argon2 hash, a session or link token only as its SHA-256.
ACCOUNTS_SCHEMA: list[str] = [
    """CREATE TABLE users (
        login VARCHAR PRIMARY KEY,
        display_name VARCHAR NOT NULL,
        password_hash VARCHAR,
        must_change_password BOOLEAN NOT NULL,
        failed_attempts INTEGER NOT NULL DEFAULT 0,
        locked_until TIMESTAMP,
        active BOOLEAN NOT NULL DEFAULT TRUE,
        expert_id VARCHAR,
        created_at TIMESTAMP NOT NULL,
        created_by VARCHAR NOT NULL,
        password_changed_at TIMESTAMP,
        last_login_at TIMESTAMP
    )""",
    "CREATE SEQUENCE role_grant_seq START 1",
    """CREATE TABLE role_grants (
        grant_id BIGINT PRIMARY KEY DEFAULT nextval('role_grant_seq'),
        login VARCHAR NOT NULL,
        role VARCHAR NOT NULL,
        batch_id VARCHAR,
        city VARCHAR,
        granted_at TIMESTAMP NOT NULL,
        granted_by VARCHAR NOT NULL
    )""",
    """CREATE TABLE sessions (
        token_sha256 VARCHAR PRIMARY KEY,
        login VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL,
        last_seen_at TIMESTAMP NOT NULL,
        expires_at TIMESTAMP NOT NULL,
        revoked_at TIMESTAMP,
        revoked_reason VARCHAR
    )""",
    """CREATE TABLE login_links (
        token_sha256 VARCHAR PRIMARY KEY,
        login VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL,
        created_by VARCHAR NOT NULL,
        expires_at TIMESTAMP NOT NULL,
        used_at TIMESTAMP,
        revoked_at TIMESTAMP
    )""",
    """CREATE TABLE account_policy (
        policy_id INTEGER PRIMARY KEY,
        data VARCHAR NOT NULL,
        changed_at TIMESTAMP NOT NULL,
        changed_by VARCHAR NOT NULL
    )""",
]
