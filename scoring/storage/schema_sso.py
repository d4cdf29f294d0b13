"""Tables of single sign-on: which account an identity of the office's OpenID Connect provider signs in as, and
which of the provider's logins (identity assertions) have been decided already."""

# One identity per account, recorded by an administrator: the provider's issuer and the person's subject there, or,
# until the first login binds the subject, the verified e-mail address the first login must present.
# An assertion is kept only as the SHA-256 of what makes it unique (issuer, subject, issue time, nonce): each login
# at the provider opens at most one session here, however long the provider's identity cookie lives in the browser.
SSO_SCHEMA: list[str] = [
    """CREATE TABLE sso_identities (
        login VARCHAR PRIMARY KEY,
        issuer VARCHAR NOT NULL,
        subject VARCHAR,
        email VARCHAR,
        linked_at TIMESTAMP NOT NULL,
        linked_by VARCHAR NOT NULL,
        reason VARCHAR NOT NULL,
        bound_at TIMESTAMP
    )""",
    """CREATE TABLE sso_assertions (
        assertion_sha256 VARCHAR PRIMARY KEY,
        decided_at TIMESTAMP NOT NULL,
        login VARCHAR
    )""",
]
