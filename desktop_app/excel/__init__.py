"""Workbooks with openpyxl: the MoJ return, provider templates and reading them back.

Imported only when a workbook is read or written, so start-up never pays for openpyxl.
"""
