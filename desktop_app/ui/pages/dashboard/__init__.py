"""The Dashboard page: a financial year's figures and charts (see `page`)."""
