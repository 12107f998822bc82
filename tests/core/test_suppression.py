"""Small-number suppression on tables where subtraction would reveal a suppressed cell."""

from __future__ import annotations

from desktop_app.core.suppression import (
    parse_threshold,
    suppress_count,
    suppress_line,
    suppress_table,
    suppression_note,
)


def _texts(line) -> tuple[list[str], str | None]:
    return [cell.text for cell in line.parts], (line.total.text if line.total else None)


def test_counts_below_five_show_as_fewer_than_five_but_zero_shows_as_zero():
    assert suppress_count(4).text == "fewer than 5" and suppress_count(4).suppressed
    assert suppress_count(1).text == "fewer than 5"
    assert suppress_count(5).text == "5" and not suppress_count(5).suppressed
    assert suppress_count(0).text == "0" and not suppress_count(0).suppressed
    assert suppress_count(1_234).text == "1,234"


def test_a_lone_small_quarter_is_not_left_to_be_worked_out_from_the_year_total():
    # Q1..Q4 = 12, 3, 40, 25; year 80. 80 − 12 − 40 − 25 = 3 would reveal Q2, so the smallest
    # other quarter (12) is withheld too; the year total stays.
    line = suppress_line([12, 3, 40, 25], 80)
    assert _texts(line) == (["withheld", "fewer than 5", "40", "25"], "80")
    assert line.applied
    # What a reader can still work out: Q1 + Q2 = 15, not Q2 alone.
    shown = sum(cell.value for cell in line.parts if cell.value is not None)
    assert 80 - shown == 15


def test_two_small_parts_that_add_up_to_less_than_five_need_a_third_withheld():
    line = suppress_line([1, 2, 30, 50], 83)
    assert _texts(line) == (["fewer than 5", "fewer than 5", "withheld", "50"], "83")


def test_two_small_parts_adding_to_five_or_more_are_enough_on_their_own():
    line = suppress_line([3, 4, 30, 50], 87)
    assert _texts(line) == (["fewer than 5", "fewer than 5", "30", "50"], "87")


def test_zeros_are_not_withheld_and_with_no_other_part_the_total_is():
    line = suppress_line([0, 3, 0], 3)
    assert _texts(line) == (["0", "fewer than 5", "0"], "fewer than 5")
    line = suppress_line([0, 6, 0, 2], 8)
    assert _texts(line) == (["0", "withheld", "0", "fewer than 5"], "8")
    line = suppress_line([2, 0], 9)  # a line whose parts do not add up: still no lone small part
    assert _texts(line) == (["fewer than 5", "0"], "withheld")


def test_nothing_small_means_nothing_applied_and_threshold_zero_suppresses_nothing():
    assert not suppress_line([12, 30], 42).applied
    assert not suppress_line([1, 2], 3, threshold=0).applied
    assert _texts(suppress_line([2, 9], 11, threshold=10)) == (["fewer than 10", "fewer than 10"], "11")


def test_the_threshold_setting_reads_whole_numbers_and_falls_back_to_five():
    assert parse_threshold("10") == 10 and parse_threshold(" 0 ") == 0
    assert parse_threshold(None) == 5 and parse_threshold("ten") == 5 and parse_threshold("-1") == 5
    assert '"fewer than 5"' in suppression_note(5) and "1 to 4" in suppression_note(5)


def test_a_grid_protects_a_small_cell_in_its_row_and_its_column():
    # Victims supported by category (rows) and quarter (columns), with both sets of totals shown:
    #            Q1  Q2  Q3 | year
    #   IDVA     40  30  35 | 105
    #   ISVA     20   2  25 |  47
    #   RJ       10  15  12 |  37
    #   all      70  47  72 | 189
    grid = {("IDVA", 1): 40, ("IDVA", 2): 30, ("IDVA", 3): 35,
            ("ISVA", 1): 20, ("ISVA", 2): 2, ("ISVA", 3): 25,
            ("RJ", 1): 10, ("RJ", 2): 15, ("RJ", 3): 12}
    rows, columns = ("IDVA", "ISVA", "RJ"), (1, 2, 3)
    values = dict(grid)
    values |= {(r, "year"): sum(grid[r, q] for q in columns) for r in rows}
    values |= {("all", q): sum(grid[r, q] for r in rows) for q in columns}
    values[("all", "year")] = sum(grid.values())
    lines = [([(r, q) for q in columns], (r, "year")) for r in (*rows, "all")]
    lines += [([(r, q) for r in rows], ("all", q)) for q in (*columns, "year")]
    cells = suppress_table(values, lines)
    assert cells[("ISVA", 2)].text == "fewer than 5"
    # No row or column has a lone withheld cell left to work out by subtraction.
    for parts, total in lines:
        withheld = [key for key in parts if cells[key].suppressed]
        assert len(withheld) != 1 or cells[total].suppressed, (parts, total)
    assert cells[("all", "year")].text == "189"
    worked_out = values[("all", 2)] - sum(cells[(r, 2)].value or 0 for r in rows)
    assert worked_out >= 5  # only the withheld cells' sum can be recovered, and it is not small
