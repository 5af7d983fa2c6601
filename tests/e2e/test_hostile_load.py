"""Hostile numbers of connections: shutdown with thousands open. Each test runs its own server
and reads its fds from /proc."""
import os
import re
import resource
import signal
import socket
import threading
import time

HEALTH = b"GET /_emulator/health HTTP/1.1\r\nHost: x\r\n\r\n"


def raise_nofile(wanted):
    """Raise this process's soft fd limit towards `wanted` (servers started afterwards inherit
    it); returns the limit in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if target > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        soft = target
    return soft


def fd_count(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def read_reply(s):
    """One HTTP reply from a keep-alive socket: (status, body)."""
    data = b""
    while b"\r\n\r\n" not in data:
        c = s.recv(65536)
        if not c:
            raise ConnectionError(f"closed after {data!r}")
        data += c
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(re.search(rb"content-length:\s*(\d+)", head, re.I).group(1))
    while len(body) < length:
        c = s.recv(65536)
        if not c:
            raise ConnectionError("closed mid-body")
        body += c
    return int(head.split(b" ", 2)[1]), body


def wait_for(predicate, timeout, step=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


# --------------------------------------------------------------------------- shutdown

def test_sigterm_with_thousands_of_idle_connections_exits_at_once(emulators):
    limit = raise_nofile(8192)  # the server inherits it
    n = min(2000, (limit - 100) // 2)
    late_max = min(3000, limit - n - 100)
    assert n >= 1000, f"fd limit {limit} is too low for this test"
    emu = emulators()
    pid = emu.proc.pid
    socks = []
    stop_connecting = threading.Event()
    late = []

    def keep_connecting():  # connections still arriving while the signal lands, until exit
        while not stop_connecting.is_set() and len(late) < late_max:
            try:
                late.append(socket.create_connection((emu.host, emu.port), timeout=2))
            except OSError:
                return  # refused: the listening socket is closed

    try:
        for i in range(n):
            s = socket.create_connection((emu.host, emu.port), timeout=10)
            socks.append(s)
            if i % 2 == 0:  # half have served a request and sit in keep-alive, half never sent one
                s.sendall(HEALTH)
                assert read_reply(s)[0] == 200
        assert wait_for(lambda: fd_count(pid) >= n, 10), f"only {fd_count(pid)} fds open"
        connector = threading.Thread(target=keep_connecting)
        connector.start()
        time.sleep(0.05)
        started = time.monotonic()
        emu.proc.send_signal(signal.SIGTERM)
        rc = emu.proc.wait(timeout=90)
        elapsed = time.monotonic() - started
        stop_connecting.set()
        connector.join()
    finally:
        stop_connecting.set()
        for s in socks + late:
            s.close()
    print(f"\nshutdown with {n} idle connections (+{len(late)} arriving): {elapsed * 1000:.0f} ms")
    assert rc == 0, emu.output_tail()
    assert elapsed < 1.0, f"exit took {elapsed:.2f}s with {n} idle connections"
