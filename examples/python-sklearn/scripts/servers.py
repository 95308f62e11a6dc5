"""Where the deploy scripts keep a running server's pid and log, and how they stop it."""

import os
import signal
import time

DIRECTORY = os.path.join(".mlops-flow", "servers")


def server_files(environment):
    os.makedirs(DIRECTORY, exist_ok=True)
    return os.path.join(DIRECTORY, f"{environment}.pid"), os.path.join(DIRECTORY, f"{environment}.log")


def _alive(pid):
    # A stopped server whose parent is gone lingers as a zombie until init reaps it: on Linux
    # /proc tells a zombie (state Z) from a live process, elsewhere kill(pid, 0) does.
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        pass
    try:
        os.kill(pid, 0)
        return True
    except OSError:
        return False


def stop(pid_file, within_s=5):
    """Stops the server recorded in pid_file, if any, and waits until it is gone. Its pid."""
    try:
        with open(pid_file, encoding="utf-8") as handle:
            pid = int(handle.read())
    except (OSError, ValueError):
        return None
    if _alive(pid):
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + within_s
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)
    os.remove(pid_file)
    return pid
