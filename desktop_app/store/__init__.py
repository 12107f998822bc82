"""Storage: SQLAlchemy models, opening and migrating databases, backups, the audit trail."""
