"""Wait (up to 15 s) until a URL answers at all; exit 1 if it never does. Used by `make run`.

`--pid PID`: the URL must be answered by the process we started: fail as soon as PID exits (its
port was taken, say), and check it is still running once the URL answers, so a server someone else
left on that port is never used quietly. `--free HOST:PORT`: only check that nothing listens there.
"""

import argparse
import os
import socket
import sys
import time
import urllib.error
import urllib.request


def alive(pid: int | None) -> bool:
    if pid is None:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a child that exited but was not reaped yet is a zombie
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return True


def answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=1)  # noqa: S310 (a loopback dev URL)
    except urllib.error.HTTPError:
        return True  # it answered
    except OSError:
        return False
    return True


def port_free(address: str) -> bool:
    host, _, port = address.rpartition(":")
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.settimeout(1)
        return probe.connect_ex((host.strip("[]"), int(port))) != 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url", nargs="?")
    parser.add_argument("--pid", type=int)
    parser.add_argument("--free", metavar="HOST:PORT")
    args = parser.parse_args()
    if args.free:
        if not port_free(args.free):
            sys.exit(f"Something already listens on {args.free}: stop it or choose another port.")
        return
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if not alive(args.pid):
            sys.exit(f"The server for {args.url} exited before answering (is its port taken?)")
        if answers(args.url):
            time.sleep(0.3)
            if not alive(args.pid):
                sys.exit(f"{args.url} is answered by another server; ours exited (its port was taken)")
            return
        time.sleep(0.1)
    sys.exit(f"{args.url} did not answer within 15 s")


if __name__ == "__main__":
    main()
