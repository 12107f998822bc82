"""The dashboard's figures in large type, and the strip of indicator tiles.

Both are plain Qt widgets fed with the service's dataclasses; they make their labels once and
change their text when the year or the data changes. Tiles say their status in words as well
as colour, so no reader depends on telling the colours apart.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.indicator_status import Status
from desktop_app.services.dashboard.headlines import Headline
from desktop_app.ui.status_colours import STATUS_COLOURS

if TYPE_CHECKING:  # the figures are painted before the indicators' modules are loaded
    from desktop_app.services.dashboard import IndicatorTile

TEXT = "#1c2b39"
MUTED = "#5b6b7a"
BORDER = "#d5dce3"
TILE_WIDTH = 178
# The order the tile summary counts statuses in.
SUMMARY_ORDER = (Status.GREEN, Status.AMBER, Status.RED, Status.MONITOR, Status.NO_DATA)


def two_lines(text: str, metrics: QFontMetrics, width: int) -> str:
    """`text` wrapped at words into at most two lines of `width` pixels, the second elided."""
    words = text.split()
    current = ""
    for index, word in enumerate(words):
        trial = f"{current} {word}".strip()
        if not current or metrics.horizontalAdvance(trial) <= width:
            current = trial
            continue
        rest = " ".join(words[index:])
        return f"{current}\n{metrics.elidedText(rest, Qt.TextElideMode.ElideRight, width)}"
    return current


def _label(parent: QWidget, points_more: float = 0, *, bold: bool = False, colour: str = TEXT) -> QLabel:
    label = QLabel(parent)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() + points_more)
    font.setBold(bold)
    label.setFont(font)
    label.setStyleSheet(f"color: {colour}; background: transparent; border: none;")
    return label


class FigureCard(QFrame):
    """One headline figure: what it is, the figure, what it is out of, and its change."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("figureCard")
        self.setStyleSheet(f"#figureCard {{ background: white; border: 1px solid {BORDER}; border-radius: 4px; }}")
        column = QVBoxLayout(self)
        column.setContentsMargins(10, 7, 8, 7)
        column.setSpacing(1)
        self.name_label = _label(self, -1, colour=MUTED)
        self.value_label = _label(self, 9, bold=True)
        self.detail_label = _label(self, -1.5, colour=MUTED)
        self.change_label = _label(self, -1)
        for label in (self.name_label, self.detail_label, self.change_label):
            label.setWordWrap(True)
        for label in (self.name_label, self.value_label, self.detail_label, self.change_label):
            column.addWidget(label)
        column.addStretch(1)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(120)

    def set_headline(self, headline: Headline) -> None:
        self.name_label.setText(headline.label)
        self.value_label.setText(headline.text)
        self.detail_label.setText(headline.detail)
        self.detail_label.setVisible(bool(headline.detail))
        self.change_label.setText(headline.change_words)
        # A change is news; "no earlier year" is not, so it steps back.
        self.change_label.setStyleSheet(
            f"color: {TEXT if headline.change else MUTED}; background: transparent; border: none;"
        )
        self.setAccessibleName(headline.label)
        self.setAccessibleDescription(f"{headline.text} {headline.detail}, {headline.change_words}")
        self.setToolTip(f"{headline.label}: {headline.text} {headline.detail}\n{headline.change_words}".strip())

    def texts(self) -> tuple[str, str, str, str]:
        """(name, figure, detail, change) as shown."""
        return (self.name_label.text(), self.value_label.text(), self.detail_label.text(), self.change_label.text())


class HeadlineFigures(QWidget):
    """The year's headline figures side by side, in large type."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Headline figures")
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(0, 0, 0, 0)
        self.row.setSpacing(8)
        self.cards: list[FigureCard] = []

    def set_headlines(self, headlines: tuple[Headline, ...]) -> None:
        """Show `headlines`, reusing the cards already made (more are made only if needed)."""
        while len(self.cards) < len(headlines):
            card = FigureCard(self)
            self.row.addWidget(card, 1)
            self.cards.append(card)
        for index, card in enumerate(self.cards):
            if index < len(headlines):
                card.set_headline(headlines[index])
            card.setVisible(index < len(headlines))

    def card(self, label: str) -> FigureCard:
        """The card whose name is `label`, e.g. "Victims supported"."""
        return next(c for c in self.cards if c.isVisible() and c.name_label.text() == label)


class IndicatorTileWidget(QFrame):
    """An indicator as a tile: code and status in words on top, its short title under them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("indicatorTile")
        column = QVBoxLayout(self)
        column.setContentsMargins(8, 5, 6, 6)
        column.setSpacing(1)
        self.status_label = _label(self, -1, bold=True)
        self.title_label = _label(self, -1.5)
        self.title_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        # Sized by the tile, not by its text: the text is fitted to the tile (two lines).
        self.title_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        column.addWidget(self.status_label)
        column.addWidget(self.title_label, 1)
        self.setFixedHeight(self.sizeHint().height() + self.title_label.fontMetrics().lineSpacing() + 4)
        self.setMinimumWidth(TILE_WIDTH - 20)
        self.tile: IndicatorTile | None = None

    def set_tile(self, tile: IndicatorTile) -> None:
        self.tile = tile
        colours = STATUS_COLOURS.get(tile.status)
        background, text, strong = colours if colours else ("#ffffff", TEXT, "#9aa5b1")
        self.setStyleSheet(
            f"#indicatorTile {{ background: {background}; border: 1px solid {strong};"
            f" border-left: 5px solid {strong}; border-radius: 3px; }}"
        )
        for label in (self.status_label, self.title_label):
            label.setStyleSheet(f"color: {text}; background: transparent; border: none;")
        self.status_label.setText(f"{tile.code}  {tile.status_words}")
        self._fit_title()
        self.setAccessibleName(f"Indicator {tile.code}")
        self.setAccessibleDescription(f"{tile.title}: {tile.status_words}")
        latest = f"\nLatest: {tile.latest}" if tile.latest else ""
        self.setToolTip(f"{tile.code} {tile.title}\n{tile.status_words}{latest}")

    def title_text(self) -> str:
        """The title as shown, on one line."""
        return self.title_label.text().replace("\n", " ")

    def _fit_title(self) -> None:
        if self.tile is not None:
            width = max(self.title_label.width(), 60)
            self.title_label.setText(two_lines(self.tile.short_title, self.title_label.fontMetrics(), width))

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._fit_title()


class IndicatorTiles(QWidget):
    """Every indicator's tile in rows that fill the width, under a count of each status."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Indicator tiles")
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(6)
        heading = QHBoxLayout()
        self.heading_label = _label(self, 1, bold=True)
        self.heading_label.setText("Police and Crime Plan indicators — latest reading against baseline")
        self.summary_label = _label(self, -0.5, colour=MUTED)
        heading.addWidget(self.heading_label)
        heading.addStretch(1)
        heading.addWidget(self.summary_label)
        column.addLayout(heading)
        self.grid = QGridLayout()
        self.grid.setSpacing(6)
        column.addLayout(self.grid)
        self.empty_label = _label(self, 0, colour=MUTED)
        self.empty_label.setText("No indicators in this database.")
        column.addWidget(self.empty_label)
        self.widgets: list[IndicatorTileWidget] = []
        self._columns = 0

    def set_tiles(self, tiles: tuple[IndicatorTile, ...]) -> None:
        """Show `tiles`, reusing the tile widgets already made."""
        while len(self.widgets) < len(tiles):
            self.widgets.append(IndicatorTileWidget(self))
        for index, widget in enumerate(self.widgets):
            if index < len(tiles):
                widget.set_tile(tiles[index])
            widget.setVisible(index < len(tiles))
        self._shown = len(tiles)
        counts = Counter(t.status for t in tiles)
        self.summary_label.setText(
            " · ".join(f"{counts[s]} {s.words.lower()}" for s in SUMMARY_ORDER if counts[s])
        )
        self.empty_label.setVisible(not tiles)
        self._columns = 0
        self._lay_out()

    def shown_tiles(self) -> list[IndicatorTileWidget]:
        return [w for w in self.widgets if w.isVisibleTo(self)]

    def _lay_out(self) -> None:
        columns = max(1, (self.width() + self.grid.spacing()) // (TILE_WIDTH + self.grid.spacing()))
        if columns == self._columns:
            return
        self._columns = columns
        for widget in self.widgets:
            self.grid.removeWidget(widget)
        for index, widget in enumerate(self.widgets[: getattr(self, "_shown", 0)]):
            self.grid.addWidget(widget, index // columns, index % columns)
        for column in range(self.grid.columnCount()):
            self.grid.setColumnStretch(column, 1 if column < columns else 0)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._lay_out()
