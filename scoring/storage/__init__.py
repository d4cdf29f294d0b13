"""DuckDB storage: schema and migrations, named queries, and the audited write path."""
from scoring.storage.store import SaveSummary, Storage, StorageError, Transaction

__all__ = ["SaveSummary", "Storage", "StorageError", "Transaction"]
