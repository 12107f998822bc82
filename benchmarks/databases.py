"""The two databases every benchmark runs on: the demo, and the large file of make_large.py."""

from __future__ import annotations

import compileall
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
# Built once and kept (it takes about a minute): delete it to rebuild.
LARGE_CACHE = Path(os.environ.get("DESK_BENCH_LARGE", HERE / ".large-10y-150s.sqlite"))


def benchmark_databases(scratch: Path, large: Path | None = None) -> list[tuple[str, Path]]:
    """("demo", file) and ("large", file): the demo built into `scratch`, the large one reused."""
    # An installed program has its bytecode; where writing it is switched off
    # (PYTHONDONTWRITEBYTECODE), every timed process would compile each changed module again.
    compileall.compile_dir(HERE.parent / "desktop_app", quiet=1)
    demo = scratch / "demo.sqlite"
    if not demo.exists():
        subprocess.run([sys.executable, "-m", "desktop_app", "--db", str(demo), "demo"], check=True, capture_output=True)
    if large is None:
        large = LARGE_CACHE
        if not large.exists():
            print(f"(building {large.name} with make_large.py, once)", flush=True)
            subprocess.run([sys.executable, str(HERE / "make_large.py"), str(large)], check=True, capture_output=True)
    # A file kept from an older version is upgraded once here, not in every timed run (where the
    # upgrade, not the work measured, would take the time).
    subprocess.run(
        [sys.executable, "-c", "import sys; from desktop_app.store.database import open_database; "
         "open_database(sys.argv[1]).close()", str(large)],
        check=True, capture_output=True,
    )
    return [("demo", demo), ("large", large)]
