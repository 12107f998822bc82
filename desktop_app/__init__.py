"""Commissioning Desk: the commissioning officers' desktop for victims' services funding."""

__version__ = "0.1.0"

APP_NAME = "Commissioning Desk"
ORG_NAME = "Commissioning Desk"
