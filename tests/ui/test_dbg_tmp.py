from tests.ui.test_returns_page import *
def test_dbg(qtbot, page):
    page.tabs.setCurrentWidget(page.completeness)
    table = page.completeness.table
    index = table.model().index(1, 6)
    print(table.isVisible(), table.visualRect(index), table.viewport().size())
    with qtbot.waitSignal(table.doubleClicked, timeout=1000, raising=False) as blocker:
        qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(index).center())
    print(blocker.signal_triggered, page.active_dialog)
