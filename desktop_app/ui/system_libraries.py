"""The operating-system libraries Qt's X11 platform plugin needs, checked before Qt loads it.

Qt's pip wheels carry Qt itself but not the X11/xcb libraries of the system. When one is missing,
Qt aborts with "Could not load the Qt platform plugin xcb" and often blames the wrong library
(it named libxcb-cursor0, installed, while libxcb-icccm4 and libxcb-keysyms1 were missing).
`ldd` on the plugin names exactly what the loader cannot find, so the officer (or their IT
department) is told which packages to install. Nothing here imports Qt.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

# Shared library → the Debian/Ubuntu package that installs it.
DEBIAN_PACKAGES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-xinput.so.0": "libxcb-xinput0",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb.so.1": "libxcb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libSM.so.6": "libsm6",
    "libICE.so.6": "libice6",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libOpenGL.so.0": "libopengl0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
}

_NOT_FOUND = re.compile(r"^\s*(\S+)\s*=>\s*not found", re.M)
_NON_X11_PLATFORMS = ("offscreen", "minimal", "wayland", "eglfs", "linuxfb", "vnc", "vkkhrdisplay")


def missing_libraries(ldd_output: str) -> list[str]:
    """The libraries `ldd` could not find, each once, in the order it listed them."""
    return list(dict.fromkeys(_NOT_FOUND.findall(ldd_output)))


def install_advice(libraries: list[str]) -> str:
    """One message naming the packages to install (Debian/Ubuntu names where known)."""
    packages = [DEBIAN_PACKAGES.get(name, name) for name in libraries]
    return (
        "The window cannot open: Qt's X11 support needs system libraries that are not installed ("
        + ", ".join(libraries)
        + ").\nOn Debian or Ubuntu install them with:\n    sudo apt-get install "
        + " ".join(packages)
        + "\nOn other systems, install the packages that provide those libraries. "
        "The command-line verbs work without them."
    )


def _xcb_plugin() -> Path | None:
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        plugin = Path(folder) / "Qt" / "plugins" / "platforms" / "libqxcb.so"
        if plugin.exists():
            return plugin
    return None


def x11_problem() -> str | None:
    """What stops Qt's X11 plugin loading here, as advice for the officer; None when nothing
    does (or when the window will not use X11: another OS, offscreen, Wayland...)."""
    if not sys.platform.startswith("linux"):
        return None
    platform = os.environ.get("QT_QPA_PLATFORM", "").split(":")[0].split(";")[0].strip()
    if platform.startswith(_NON_X11_PLATFORMS):
        return None
    if not platform and os.environ.get("WAYLAND_DISPLAY"):
        return None  # Qt tries Wayland first in a Wayland session
    plugin, ldd = _xcb_plugin(), shutil.which("ldd")
    if plugin is None or ldd is None or getattr(sys, "frozen", False):
        return None  # a bundle carries its own copies; without ldd there is nothing to ask
    try:
        listing = subprocess.run([ldd, str(plugin)], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return None
    missing = missing_libraries(listing.stdout)
    return install_advice(missing) if missing else None
