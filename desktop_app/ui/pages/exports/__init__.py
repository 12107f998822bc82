"""The Exports page: the MoJ return for a period, what was submitted, and the Panel report."""
