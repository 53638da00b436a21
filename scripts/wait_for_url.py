"""Wait (up to 15 s) until a URL answers at all; exit 1 if it never does. Used by `make run`."""

import sys
import time
import urllib.error
import urllib.request

deadline = time.monotonic() + 15
while time.monotonic() < deadline:
    try:
        urllib.request.urlopen(sys.argv[1], timeout=1)  # noqa: S310 (a loopback dev URL)
        sys.exit(0)
    except urllib.error.HTTPError:
        sys.exit(0)  # it answered
    except OSError:
        time.sleep(0.1)
sys.exit(f"{sys.argv[1]} did not answer within 15 s")
