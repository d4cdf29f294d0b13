"""Tables of backups: the backup settings (how many generations, how often the app backs up by itself)."""

# The backups themselves are files (zip + .sha256) in SCORING_BACKUPS; every one is in the audit log.
BACKUP_SCHEMA: list[str] = [
    """CREATE TABLE backup_settings (
        settings_id INTEGER PRIMARY KEY,
        data VARCHAR NOT NULL,
        changed_at TIMESTAMP NOT NULL,
        changed_by VARCHAR NOT NULL
    )""",
]
