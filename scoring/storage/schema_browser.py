"""Tables of staying signed in: the one-time handoffs that turn a login into this browser's session cookie."""

# A handoff lives two minutes and is used once; like every token it is stored only as its SHA-256.
BROWSER_SCHEMA: list[str] = [
    """CREATE TABLE session_handoffs (
        handoff_sha256 VARCHAR PRIMARY KEY,
        session_sha256 VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL,
        expires_at TIMESTAMP NOT NULL,
        used_at TIMESTAMP
    )""",
]
