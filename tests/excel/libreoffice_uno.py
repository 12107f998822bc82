"""Run by Debian's /usr/bin/python3 (which has the `uno` module), never by pytest or the venv.

Reads one JSON job on stdin: the pipe name of a running headless `soffice`, how long to wait for
it, and files to fill. For each file: open it hidden, enter each text into its cell the way a
keyboard entry is taken (the cell's `FormulaLocal`: the document's locale and input parsing, so
`5 apr` becomes a date and gets a date format, as typed; only AutoInput, which needs a window,
is left out), save it with the filter named, and close it. Prints one JSON line: per file,
what each cell then held (its type, value and shown text), to see what LibreOffice made of it,
and what AutoInput would have offered to complete the typing with: by its rule, the text cells
of the same column that start with what was typed.

Not `setFormula`: it parses in en-US formula syntax and kept `5 apr` as text. Not the
`.uno:EnterString` command either: it parses like typing, but LibreOffice 7.4 headless aborts
when a document is closed (or another opened) after any dispatch.
"""

import json
import os
import sys
import time

import uno
from com.sun.star.beans import PropertyValue


def _property(name, value):
    found = PropertyValue()
    found.Name, found.Value = name, value
    return found


def _connect(pipe, timeout):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + timeout
    while True:
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except Exception:  # noqa: BLE001 - NoConnectException until soffice listens
            if time.monotonic() > deadline:
                raise
            time.sleep(0.25)


def _offered(sheet, cell, typed):
    """The texts of the cell's column that AutoInput could complete `typed` to."""
    column = sheet.getColumns().getByIndex(cell.getCellAddress().Column)
    texts = column.queryContentCells(uno.getConstantByName("com.sun.star.sheet.CellFlags.STRING"))
    found = set()
    cells = texts.getCells().createEnumeration()
    while cells.hasMoreElements():
        text = cells.nextElement().getString()
        if text.casefold().startswith(typed.casefold()) and text != typed:
            found.add(text)
    return sorted(found)


def _fill(context, job):
    desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
    url = uno.systemPathToFileUrl(job["source"])
    document = desktop.loadComponentFromURL(url, "_blank", 0, (_property("Hidden", True),))
    held = []
    try:
        for sheet_name, address, typed in job["cells"]:
            sheet = document.getSheets().getByName(sheet_name)
            cell = sheet.getCellRangeByName(address)
            offered = _offered(sheet, cell, typed)
            cell.FormulaLocal = typed
            kind = cell.getType().value.lower()  # value, text, formula or empty
            held.append([sheet_name, address, typed, kind, cell.getValue(), cell.getString(), offered])
        target = uno.systemPathToFileUrl(job["target"])
        document.storeToURL(target, (_property("FilterName", job["filter"]), _property("Overwrite", True)))
    finally:
        document.close(True)
    return held


def main():
    job = json.load(sys.stdin)
    context = _connect(job["pipe"], job["connect_timeout"])
    print(json.dumps([_fill(context, item) for item in job["files"]]), flush=True)
    # pyuno can crash while the interpreter tears the bridge down (a signal, nothing on stderr):
    # the work is done and said, so leave without that teardown.
    os._exit(0)


main()
