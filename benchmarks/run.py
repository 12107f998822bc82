"""Run every benchmark in this folder, one after another."""

import subprocess
import sys
from pathlib import Path

for script in sorted(Path(__file__).parent.glob("*.py")):
    if script.name not in ("run.py", "make_large.py", "databases.py"):  # helpers, not benchmarks
        print(f"== {script.stem}")
        subprocess.run([sys.executable, str(script)], check=True)
