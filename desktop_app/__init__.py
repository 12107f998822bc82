"""Commissioning Desk: the commissioning officers' desktop for victims' services funding."""

import os

__version__ = "0.1.0"

APP_NAME = "Commissioning Desk"
ORG_NAME = "Commissioning Desk"

# numpy (under the charts and the indicators' statistics) loads OpenBLAS, which starts a thread
# per core when it loads: a fifth of a second before the dashboard's charts on a laptop, for
# matrix work this program never does at a size where threads help. Set before numpy loads;
# whoever runs the program may still choose otherwise.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
