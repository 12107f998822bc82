"""The window: Qt widgets, table models, charts and dialogs. The only layer that imports Qt."""
