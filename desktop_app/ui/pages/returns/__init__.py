"""The Returns page: the quarter's grid, the return form, and the year's completeness."""
