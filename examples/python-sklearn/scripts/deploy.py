"""Deploys a model to an environment on this machine: starts serve.py for it in the background
on the host and port of the endpoint it is given, records its pid under .mlops-flow/servers/,
and waits until /healthz answers with the model's digest. A server already running for the same
environment is stopped first.

  python3 scripts/deploy.py <environment> <model-dir> <endpoint>

The digest comes from the model-manifest.json build-model wrote for these exact files (under
.mlops-flow/builds/); serve.py checks the files against it again before it answers.
"""

import glob
import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

sys.path.insert(0, os.getcwd())
from scripts.servers import server_files, stop  # noqa: E402
from serve import served_digest  # noqa: E402
from diabetes_model.model import ModelError  # noqa: E402

READY_WITHIN_S = 15


def manifest_for(model_dir):
    for manifest in sorted(glob.glob(os.path.join(".mlops-flow", "builds", "*", "model-manifest.json"))):
        try:
            served_digest(model_dir, manifest)
            return manifest
        except ModelError:
            continue
    sys.exit(f"no model-manifest.json under .mlops-flow/builds/ matches {model_dir}: run build-model first")


def main():
    if len(sys.argv) != 4 or not re.fullmatch(r"[A-Za-z0-9_-]+", sys.argv[1]):
        sys.exit("usage: python3 scripts/deploy.py <environment> <model-dir> <endpoint>")
    environment, model_dir, endpoint = sys.argv[1:]
    address = urlsplit(endpoint)
    if address.scheme != "http" or not address.hostname or not address.port:
        sys.exit(f"the endpoint must be http://HOST:PORT/..., not {endpoint}")
    manifest = manifest_for(model_dir)
    pid_file, log_file = server_files(environment)
    stop(pid_file)
    with open(log_file, "ab") as log:
        server = subprocess.Popen(
            [sys.executable, "serve.py", "--model", model_dir, "--manifest", manifest,
             "--host", address.hostname, "--port", str(address.port), "--variant", environment],
            stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True,
        )
    with open(pid_file, "w", encoding="utf-8") as handle:
        handle.write(str(server.pid))

    health = f"http://{address.hostname}:{address.port}/healthz"
    deadline = time.monotonic() + READY_WITHIN_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            os.remove(pid_file)
            sys.exit(f"the server for {environment} exited with {server.returncode}; see {log_file}")
        try:
            with urllib.request.urlopen(health, timeout=2) as response:
                digest = json.load(response)["model_digest"]
            print(f"deployed {digest} to {environment} at {endpoint} (pid {server.pid})")
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError, ValueError, KeyError):
            time.sleep(0.2)
    stop(pid_file)
    sys.exit(f"the server for {environment} did not become healthy within {READY_WITHIN_S} s; see {log_file}")


if __name__ == "__main__":
    main()
