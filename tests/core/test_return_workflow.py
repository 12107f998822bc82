"""The return status workflow as data, and reading blocks pasted from a spreadsheet."""

from __future__ import annotations

import itertools

import pytest

from desktop_app.core.paste import parse_paste, rectangular
from desktop_app.core.return_workflow import (
    TRANSITIONS,
    TransitionRefused,
    can_transition,
    check_transition,
    is_editable,
    next_steps,
    status_words,
)
from desktop_app.core.vocabulary import ReturnStatus

D, S, V, L = ReturnStatus.DRAFT, ReturnStatus.SUBMITTED, ReturnStatus.VERIFIED, ReturnStatus.LOCKED
LEGAL = {(D, S), (S, D), (S, V), (V, S), (V, L), (L, S)}


@pytest.mark.parametrize(("old", "new"), sorted(itertools.product(ReturnStatus, repeat=2)))
def test_only_the_documented_moves_are_allowed(old, new):
    assert can_transition(old, new) == ((old, new) in LEGAL)
    if (old, new) in LEGAL:
        assert check_transition(old, new, reason="a reason").new is new
    else:
        with pytest.raises(TransitionRefused):
            check_transition(old, new)


def test_a_locked_return_says_to_reopen_it_with_a_reason():
    for new in (D, V):
        with pytest.raises(TransitionRefused, match=r"^A locked return cannot be changed; reopen it with a reason first\.$"):
            check_transition(L, new)


def test_reopening_needs_a_reason_that_is_not_blank():
    for reason in (None, "", "   "):
        with pytest.raises(TransitionRefused, match="Give a reason for reopening"):
            check_transition(L, S, reason=reason)
    assert check_transition(L, S, reason="Provider corrected a double count").action == "Reopen…"


def test_refusals_say_what_to_do_instead():
    with pytest.raises(TransitionRefused, match="must be submitted before it can be verified"):
        check_transition(D, V)
    with pytest.raises(TransitionRefused, match="withdraw the verification first"):
        check_transition(V, D)
    with pytest.raises(TransitionRefused, match="already submitted"):
        check_transition(S, S)


def test_a_new_return_starts_as_a_draft_or_as_submitted_only():
    assert can_transition(None, D) and can_transition(None, S)
    assert not can_transition(None, V) and not can_transition(None, L)
    with pytest.raises(TransitionRefused, match="starts as a draft or as submitted"):
        check_transition(None, V)


def test_only_a_locked_return_is_read_only():
    assert [is_editable(s) for s in (None, D, S, V, L)] == [True, True, True, True, False]
    assert status_words(None) == "Missing" and status_words(L) == "Locked"


def test_the_actions_offered_leave_out_the_final_returns_lock():
    assert [t.action for t in next_steps(V)] == ["Withdraw verification"]
    assert [t.new for t in next_steps(V, include_submission=True)] == [S, L]
    assert [t.action for t in next_steps(L)] == ["Reopen…"]
    assert all(t.needs_reason == (t.old is L) for t in TRANSITIONS)


# ---------------------------------------------------------------- pasting from a spreadsheet


def test_a_block_from_excel_splits_on_tabs_and_crlf_and_ignores_the_last_line_break():
    assert parse_paste("1\t2\t3\r\n4\t5\t6\r\n") == [["1", "2", "3"], ["4", "5", "6"]]
    assert parse_paste("1\t2\n3\t4\n") == [["1", "2"], ["3", "4"]]  # LibreOffice, LF only
    assert parse_paste("7") == [["7"]]


def test_thousands_separators_and_odd_text_are_kept_as_typed_for_the_engine():
    assert parse_paste("1,234\t 12.5 \t=A1\t-3\n") == [["1,234", " 12.5 ", "=A1", "-3"]]


def test_empty_cells_and_ragged_rows_are_kept_and_can_be_squared_up():
    rows = parse_paste("1\t\t3\r\n\t5\r\n6\r\n")
    assert rows == [["1", "", "3"], ["", "5"], ["6"]]
    assert rectangular(rows) == [["1", "", "3"], ["", "5", ""], ["6", "", ""]]
    assert parse_paste("1\t\n") == [["1", ""]]


def test_an_empty_clipboard_gives_no_rows_and_only_one_trailing_line_break_is_dropped():
    assert parse_paste("") == [] and parse_paste("\r\n") == []
    assert parse_paste("1\n\n") == [["1"], [""]]


def test_quoted_cells_hold_tabs_line_breaks_and_doubled_quotes_as_excel_writes_them():
    text = '"two\nlines"\t"a\ttab"\t"say ""hi"""\r\n"crlf\r\ninside"\t5\r\n'
    assert parse_paste(text) == [["two\nlines", "a\ttab", 'say "hi"'], ["crlf\ninside", "5"]]


def test_a_quote_that_does_not_close_a_cell_is_plain_text():
    assert parse_paste('5" screen\t"unclosed\n2\t3') == [['5" screen', '"unclosed'], ["2", "3"]]
    assert parse_paste('"quoted" then text\t1') == [['"quoted" then text', "1"]]
