"""Workbooks with openpyxl: the MoJ return, provider templates, the indicator pack, reading back.

Imported only when a workbook is read or written, so start-up never pays for openpyxl.

Every workbook is written through `excel.writer`: `safe_text`/`write_cell` (text that a
spreadsheet could run as a formula is stored as text), `add_table_sheet` (styled frozen header,
filter, number formats, widths), `set_properties`, and `save_atomically` (temporary file, then
rename; `WorkbookWriteError` names the file when it cannot be written). Modules here import only
`core`: the services hand them plain frozen dataclasses such as `IndicatorPackData`.
"""
