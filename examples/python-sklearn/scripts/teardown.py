"""Tears down what deploy.py started for an environment: stops the server whose pid it recorded
under .mlops-flow/servers/ and waits until it has exited. Nothing running is fine.

  python3 scripts/teardown.py <environment>
"""

import os
import re
import sys

sys.path.insert(0, os.getcwd())
from scripts.servers import server_files, stop  # noqa: E402

if len(sys.argv) != 2 or not re.fullmatch(r"[A-Za-z0-9_-]+", sys.argv[1]):
    sys.exit("usage: python3 scripts/teardown.py <environment>")
environment = sys.argv[1]
pid = stop(server_files(environment)[0])
print(f"stopped {environment} (pid {pid})" if pid else f"nothing deployed to {environment}")
