"""The money: funding lines, quarterly claims and payments, and the finance position of a year.

- `lines`: ring-fenced funding lines and their budgets, a strand's line, extending a stream;
- `claims`: claims by expenditure category, approving or querying them, payments;
- `claims_grid`: a quarter's claims as a grid, typed or pasted, saved all or nothing;
- `report`: budget, allocated, claimed, paid, forecast outturn and flags per stream, line, strand;
- `settings`: the underspend tolerance and the six-monthly returns' due dates.
"""

from __future__ import annotations

from desktop_app.services.finance.claims import (
    WITHHELD_WORDS,
    CategoryRow,
    ClaimDraft,
    ClaimRow,
    PaymentRow,
    decide_claim,
    expenditure_categories,
    list_claims,
    record_payment,
    save_claim,
    validate_claim,
)
from desktop_app.services.finance.claims_grid import (
    REASON_KEY,
    ClaimGridRow,
    ClaimsGrid,
    ClaimsGridRefused,
    cell_key_of,
    claims_grid,
    save_claims_grid,
)
from desktop_app.services.finance.lines import (
    FundingLineDraft,
    FundingLineRow,
    extend_funding_stream,
    list_funding_lines,
    save_funding_line,
    set_strand_line,
)
from desktop_app.services.finance.report import (
    FLAG_SHORT,
    FLAG_WORDS,
    FinanceFigures,
    FinanceReport,
    LineFinance,
    StrandFinance,
    StreamFinance,
    finance_json,
    finance_report,
    finance_text,
    variance_words,
)
from desktop_app.services.finance.settings import (
    FinanceSettingRefused,
    finance_settings,
    set_half_due,
    set_underspend_tolerance,
)

__all__ = [
    "FLAG_SHORT", "FLAG_WORDS", "REASON_KEY", "WITHHELD_WORDS", "ClaimGridRow", "ClaimsGrid", "ClaimsGridRefused",
    "cell_key_of", "claims_grid", "save_claims_grid", "CategoryRow", "ClaimDraft", "ClaimRow", "FinanceFigures",
    "FinanceReport", "FinanceSettingRefused", "FundingLineDraft", "FundingLineRow", "LineFinance",
    "PaymentRow", "StrandFinance", "StreamFinance", "decide_claim", "expenditure_categories",
    "extend_funding_stream", "finance_json", "finance_report", "finance_settings", "finance_text",
    "list_claims", "list_funding_lines", "record_payment", "save_claim", "save_funding_line",
    "set_half_due", "set_strand_line", "set_underspend_tolerance", "validate_claim", "variance_words",
]
