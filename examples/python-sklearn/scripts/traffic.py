"""The traffic split between baseline and canary: an nginx upstream file, and nginx reloaded."""

import os
import re
import signal
import sys

DIRECTORY = os.path.join(".mlops-flow", "traffic")
ADDRESS = re.compile(r"[A-Za-z0-9.-]+:\d{1,5}")


def set_weight(weight, baseline, canary):
    """Writes the upstream with <weight> percent on the canary and reloads nginx. An exit code."""
    for address in (baseline, canary):
        if not ADDRESS.fullmatch(address):
            print(f"not a HOST:PORT: {address}", file=sys.stderr)
            return 2
    os.makedirs(DIRECTORY, exist_ok=True)
    # nginx weights must be >= 1: a server with no share is marked down instead.
    line = lambda server, share: f"  server {server} {'down' if share == 0 else f'weight={share}'};"  # noqa: E731
    upstream = f"upstream model {{\n{line(baseline, 100 - weight)}\n{line(canary, weight)}\n  keepalive 16;\n}}\n"
    with open(os.path.join(DIRECTORY, "upstream.conf"), "w", encoding="utf-8") as handle:
        handle.write(upstream)
    try:
        with open(os.path.join(DIRECTORY, "nginx.pid"), encoding="utf-8") as handle:
            pid = int(handle.read())
    except (OSError, ValueError):
        pid = None  # nginx not running here: the file is ready for when it starts
    if pid:
        try:
            os.kill(pid, signal.SIGHUP)
        except OSError as error:
            print(f"nginx (pid {pid}) could not be reloaded: {error.strerror}", file=sys.stderr)
            return 1
    print(f"canary weight {weight}%{' (nginx reloaded)' if pid else ''}")
    return 0


def servers(arguments):
    """--baseline and --canary from a command's arguments, with their defaults."""
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", default="127.0.0.1:8081")
    parser.add_argument("--canary", default="127.0.0.1:8082")
    return parser.parse_known_args(arguments)
