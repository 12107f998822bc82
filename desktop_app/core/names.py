"""Names an officer types (providers, strands, funding streams): what they may hold, and lookalikes.

A name is shown in tables, written into workbooks and used in file names, so it must not hold
characters that change how text around it reads or that no file system takes: control
characters (NUL, BEL...), the bidirectional overrides and isolates (U+202A–U+202E,
U+2066–U+2069: "Leeds\u202eslx.exe" displays reversed) and lone surrogates (half a character,
which cannot be saved as UTF-8). Those are refused.

Two names that look the same but differ in bytes (a Cyrillic "а" for a Latin "a", a zero-width
space, a ligature, another case) make two records an officer cannot tell apart: those are
only warned about, since a real second name may legitimately be close to the first.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from desktop_app.core.field_errors import FieldError

__all__ = ["lookalike", "lookalike_key", "lookalike_warning", "name_errors", "name_problem", "safe_for_file_name"]

_BIDI_CONTROLS = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))
# Invisible characters that join or separate nothing a reader can see.
_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e")
# Letters of other scripts drawn like Latin ones (the common cases of Unicode's confusables list).
_CONFUSABLES = str.maketrans(
    {
        # Cyrillic
        "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ј": "j",
        "ѕ": "s", "һ": "h", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ӏ": "l", "в": "b", "к": "k", "м": "m",
        "н": "h", "т": "t",
        # Greek
        "α": "a", "ο": "o", "ρ": "p", "ν": "v", "ι": "i", "κ": "k", "τ": "t", "χ": "x", "υ": "u",
        "β": "b", "ε": "e", "η": "n", "μ": "u",
        # Latin lookalikes
        "ı": "i", "ł": "l", "ø": "o", "ß": "ss",
    }
)


def _describe(char: str) -> str:
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" {name}" if name else "")


def name_problem(text: str, label: str) -> str | None:
    """Why `text` cannot be a name, in a sentence naming the field `label`; None when it can."""
    for char in text:
        code = ord(char)
        if 0xD800 <= code <= 0xDFFF:
            return f"{label} holds half of a character (a lone surrogate, U+{code:04X}); type the name again"
        if char in _BIDI_CONTROLS:
            return (
                f"{label} holds an invisible character that reverses how text reads ({_describe(char)}); "
                "remove it"
            )
        if unicodedata.category(char) == "Cc":
            return f"{label} holds a control character (U+{code:04X}), which no name needs; remove it"
    return None


def name_errors(fields: Iterable[tuple[str, str, str]]) -> list[FieldError]:
    """A FieldError for each (field, label, text) whose text `name_problem` refuses."""
    found = []
    for field, label, text in fields:
        problem = name_problem(text, label)
        if problem:
            found.append(FieldError(field, problem))
    return found


def lookalike_key(text: str) -> str:
    """What `text` looks like to a reader: compatibility-normalised (NFKC), case-folded,
    without zero-width characters, other scripts' lookalike letters folded to Latin, and
    spacing collapsed. Two names with the same key cannot be told apart on screen."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = "".join(char for char in folded if char not in _ZERO_WIDTH)
    # Accents kept apart from their letters, so a confusable base letter folds too.
    decomposed = unicodedata.normalize("NFD", folded).translate(_CONFUSABLES)
    return " ".join(unicodedata.normalize("NFC", decomposed).split())


def lookalike(name: str, existing: Iterable[str]) -> str | None:
    """The first of `existing` that looks like `name` without being exactly it, or None."""
    wanted = lookalike_key(name)
    for other in existing:
        if other != name and lookalike_key(other) == wanted:
            return other
    return None


def lookalike_warning(kind: str, other: str) -> str:
    """The notice for a name that looks like the existing record `other` (a `kind`, e.g. provider)."""
    return (
        f"This looks just like the {kind} '{other}' already registered (it differs only in case, "
        f"accents, look-alike letters or invisible characters): check it is not the same {kind}."
    )


def safe_for_file_name(text: str) -> str:
    """`text` without the characters `name_problem` refuses, nor zero-width ones (for file names)."""
    return "".join(
        char
        for char in text
        if not (0xD800 <= ord(char) <= 0xDFFF)
        and char not in _BIDI_CONTROLS
        and char not in _ZERO_WIDTH
        and unicodedata.category(char) not in ("Cc", "Cf")
    )
