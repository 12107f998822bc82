"""Before Qt loads its X11 plugin, the officer is told which system packages are missing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app.ui.system_libraries import install_advice, missing_libraries
from tests.conftest import REPO_ROOT

# What `ldd libqxcb.so` printed on a minimal Debian 12 with Qt 6.11's wheels.
LDD_ON_A_MINIMAL_DEBIAN = """\
\tlinux-vdso.so.1 (0x00007ffc2d5f5000)
\tlibQt6XcbQpa.so.6 => /venv/PySide6/Qt/plugins/platforms/../../lib/libQt6XcbQpa.so.6 (0x7f1)
\tlibxcb-cursor.so.0 => /lib/x86_64-linux-gnu/libxcb-cursor.so.0 (0x00007f3a1c9b0000)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\tlibxcb-icccm.so.4 => not found
\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f3a1c600000)
"""


def test_the_advice_names_the_debian_packages_of_the_libraries_the_loader_cannot_find():
    missing = missing_libraries(LDD_ON_A_MINIMAL_DEBIAN)
    assert missing == ["libxcb-icccm.so.4", "libxcb-keysyms.so.1"]
    advice = install_advice(missing)
    assert "sudo apt-get install libxcb-icccm4 libxcb-keysyms1" in advice
    assert "libxcb-cursor0" not in advice  # installed: Qt's own message wrongly blames it


def _plugin_missing_here() -> list[str]:
    import PySide6

    plugin = Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    if not plugin.exists() or shutil.which("ldd") is None:
        pytest.skip("no X11 plugin or no ldd on this system")
    listing = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True, timeout=20)
    return sorted({line.split()[0] for line in listing.stdout.splitlines() if "not found" in line})


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11 plugin check is for Linux")
def test_opening_the_window_without_qts_x11_libraries_says_what_to_install(tmp_path):
    missing = _plugin_missing_here()
    if not missing:
        pytest.skip("every library Qt's X11 plugin needs is installed here")
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb", "DISPLAY": ":99",
           "XDG_CONFIG_HOME": str(tmp_path / "config")}
    env.pop("WAYLAND_DISPLAY", None)
    result = subprocess.run(
        [sys.executable, "-m", "desktop_app", "--db", str(tmp_path / "desk.sqlite")],
        capture_output=True, text=True, cwd=REPO_ROOT, timeout=120, env=env,
    )
    assert result.returncode == 1
    for library in missing:
        assert library in result.stderr
    assert "sudo apt-get install" in result.stderr
    assert "Could not load the Qt platform plugin" not in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "desk.sqlite").exists()  # nothing was created on the way out
