"""Makes <model-dir> the production model: copies it to .mlops-flow/production/model and sends
all traffic to it.

  python3 scripts/promote.py <model-dir> [--baseline HOST:PORT] [--canary HOST:PORT]
"""

import os
import shutil
import sys

sys.path.insert(0, os.getcwd())
from scripts.traffic import servers, set_weight  # noqa: E402

options, rest = servers(sys.argv[1:])
if len(rest) != 1:
    sys.exit("usage: python3 scripts/promote.py <model-dir> [--baseline HOST:PORT] [--canary HOST:PORT]")
target = os.path.join(".mlops-flow", "production", "model")
shutil.rmtree(target, ignore_errors=True)
shutil.copytree(rest[0], target)
code = set_weight(100, options.baseline, options.canary)
print(f"promoted {rest[0]} to production")
sys.exit(code)
