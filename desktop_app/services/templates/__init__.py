"""Provider return templates: make one workbook per provider for a quarter, read the filled
ones back through the same checks as the form, and commit a batch whole or not at all.

- `making`: `make_templates` (the `templates` verb, "Make templates…");
- `importing`: `preview_import` (the `import` verb and "Import returns…" show it first);
- `committing`: `commit_import`, the previewed batch in one transaction or nothing;
- `preview`: the plain data the preview shows;
- `claims_import`: the Spend sheet's claims, planned in the preview and written in the commit.

Every function runs without Qt; long ones take `progress(fraction, text)` and `cancelled()`.
openpyxl is imported only inside these functions, through `desktop_app.excel`.
"""

from __future__ import annotations

from desktop_app.services.templates.committing import commit_import
from desktop_app.services.templates.importing import ImportRefused, preview_import
from desktop_app.services.templates.making import (
    TemplatesMade,
    TemplatesRefused,
    gather_templates,
    make_templates,
)
from desktop_app.services.templates.preview import (
    WARNINGS_POLICY,
    ClaimImport,
    ImportFile,
    ImportPreview,
    StrandImport,
    ValueChange,
)

__all__ = [
    "WARNINGS_POLICY", "ClaimImport", "ImportFile", "ImportPreview", "ImportRefused", "StrandImport",
    "TemplatesMade", "TemplatesRefused", "ValueChange", "commit_import",
    "gather_templates", "make_templates", "preview_import",
]
