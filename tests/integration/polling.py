"""Waiting for what a real worker does, without sleeping longer than needed."""

import time


def wait_for(condition, timeout=30):
    """True as soon as `condition()` is, False if it is not within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False
