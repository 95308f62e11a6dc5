"""Sends <weight> percent of traffic to the canary: writes the nginx upstream the canary setup
includes (.mlops-flow/traffic/upstream.conf) and reloads nginx when it runs
(.mlops-flow/traffic/nginx.pid).

  python3 scripts/set_weight.py <weight 0-100> [--baseline HOST:PORT] [--canary HOST:PORT]

The servers default to 127.0.0.1:8081 (baseline) and 127.0.0.1:8082 (canary).
"""

import argparse
import os
import sys

sys.path.insert(0, os.getcwd())
from scripts.traffic import set_weight  # noqa: E402

if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("weight")
    parser.add_argument("--baseline", default="127.0.0.1:8081")
    parser.add_argument("--canary", default="127.0.0.1:8082")
    args = parser.parse_args()
    if not args.weight.isdigit() or int(args.weight) > 100:
        sys.exit(f"the weight is a whole percentage, 0 to 100, not {args.weight}")
    sys.exit(set_weight(int(args.weight), args.baseline, args.canary))
