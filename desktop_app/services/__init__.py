"""Use cases: one function per user action, each in one transaction, returning plain data."""
