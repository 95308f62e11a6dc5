"""Sends all traffic back to the baseline (the model in production now).

  python3 scripts/rollback.py [--baseline HOST:PORT] [--canary HOST:PORT]
"""

import os
import sys

sys.path.insert(0, os.getcwd())
from scripts.traffic import servers, set_weight  # noqa: E402

options, rest = servers(sys.argv[1:])
if rest:
    sys.exit("usage: python3 scripts/rollback.py [--baseline HOST:PORT] [--canary HOST:PORT]")
code = set_weight(0, options.baseline, options.canary)
print("rolled back: all traffic on the baseline")
sys.exit(code)
