"""Tables of the first start: the one-time set-up addresses that let a browser create the first administrator."""

# Like a login link, a set-up token is stored only as its SHA-256: the address itself is printed once by the server.
SETUP_SCHEMA: list[str] = [
    """CREATE TABLE setup_links (
        token_sha256 VARCHAR PRIMARY KEY,
        created_at TIMESTAMP NOT NULL,
        created_by VARCHAR NOT NULL,
        expires_at TIMESTAMP NOT NULL,
        used_at TIMESTAMP,
        revoked_at TIMESTAMP
    )""",
]
