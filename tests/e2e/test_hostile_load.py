"""Hostile numbers of connections: shutdown with thousands open, running out of file
descriptors. Each test runs its own server and reads its CPU time and fds from /proc."""
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


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


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


def health_ok(emu):
    try:
        return emu.http("GET", "/_emulator/health", timeout=2)[0] == 200
    except OSError:
        return False


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


# --------------------------------------------------------------------------- out of fds

def test_out_of_file_descriptors_backs_off_quietly_and_recovers(emulators):
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)

    def low_nofile():  # in the child: 64 fds, a few dozen connections
        resource.setrlimit(resource.RLIMIT_NOFILE, (64, hard))

    emu = emulators(ephemeral=True, preexec_fn=low_nofile)
    pid = emu.proc.pid
    socks = [socket.create_connection((emu.host, emu.port), timeout=5) for _ in range(150)]
    try:
        assert wait_for(lambda: fd_count(pid) >= 60, 5), fd_count(pid)
        time.sleep(0.5)
        cpu0, err0, t0 = cpu_seconds(pid), emu.stderr_bytes, time.monotonic()
        time.sleep(3)
        cpu = cpu_seconds(pid) - cpu0
        logged = emu.stderr_bytes - err0
        window = time.monotonic() - t0
        assert emu.alive(), emu.output_tail()
    finally:
        for s in socks:
            s.close()
    print(f"\nout of fds for {window:.1f}s: {cpu:.3f} CPU-s, {logged} bytes of log")
    assert cpu < 0.3, f"{cpu:.2f} CPU-seconds in {window:.1f}s while out of file descriptors"
    assert logged < 4096, f"{logged} bytes logged in {window:.1f}s"
    assert any("accept failed" in line for line in emu.stderr_lines), emu.output_tail()
    # The connections are gone: the backlog drains and new clients are served.
    assert wait_for(lambda: health_ok(emu), 5), emu.output_tail()
