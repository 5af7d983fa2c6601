"""Hostile numbers of connections: shutdown with thousands open, running out of file
descriptors, the connection limit and the memory unfinished request bodies may hold.
Each test runs its own server and reads its CPU time, RSS and fds from /proc."""
import os
import re
import resource
import signal
import socket
import subprocess
import threading
import time

import pytest

from conftest import TARGET_PREFIX

MIB = 1024 * 1024
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


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        kb = int(re.search(r"VmRSS:\s+(\d+) kB", f.read()).group(1))
    return kb / 1024


def bytes_in_flight(port):
    """Bytes sent to the server on `port` that it has not read yet: the receive queues of its
    sockets plus the send queues of their peers (/proc/net/tcp)."""
    total = 0
    with open("/proc/net/tcp") as f:
        for line in f.readlines()[1:]:
            fields = line.split()
            local_port = int(fields[1].split(":")[1], 16)
            remote_port = int(fields[2].split(":")[1], 16)
            tx_queue, rx_queue = (int(x, 16) for x in fields[4].split(":"))
            if local_port == port:
                total += rx_queue
            elif remote_port == port:
                total += tx_queue
    return total


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

# CPU-seconds bound; and under UBSan the vptr check itself needs a free descriptor (it probes
# memory through a pipe), so with none left it reports every virtual call as invalid.
@pytest.mark.timing
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


# --------------------------------------------------------------------------- connection limit

def hold_connections(emu, n):
    held = []
    for _ in range(n):
        s = socket.create_connection((emu.host, emu.port), timeout=5)
        s.sendall(HEALTH)
        assert read_reply(s)[0] == 200  # served, so counted against the limit
        held.append(s)
    return held


def refused_with_503(emu):
    s = socket.create_connection((emu.host, emu.port), timeout=5)
    try:
        s.sendall(HEALTH)
        status, body = read_reply(s)
        rest = s.recv(100)  # then the server closes
    finally:
        s.close()
    return status, body, rest


def test_connections_beyond_the_limit_get_503_until_one_closes(emulators):
    emu = emulators(ephemeral=True, extra_args=["--max-connections", "20"])
    held = hold_connections(emu, 20)
    try:
        status, body, rest = refused_with_503(emu)
        assert status == 503, body
        assert b"ServerException" in body and b"--max-connections" in body, body
        assert rest == b""
        held.pop().close()
        assert wait_for(lambda: health_ok(emu), 5)
        # Those held all along still work.
        held[0].sendall(HEALTH)
        assert read_reply(held[0])[0] == 200
    finally:
        for s in held:
            s.close()


def test_max_connections_from_the_environment(emulators):
    emu = emulators(ephemeral=True, env=dict(os.environ, ECS_EMULATOR_MAX_CONNECTIONS="3"))
    held = hold_connections(emu, 3)
    try:
        assert refused_with_503(emu)[0] == 503
    finally:
        for s in held:
            s.close()


@pytest.mark.parametrize("value", ["0", "-1", "many"])
def test_invalid_max_connections_exits_2(emulators, value):
    binary = emulators(ephemeral=True).binary
    p = subprocess.run([binary, "--ephemeral", "--port", "0", "--max-connections", value],
                       capture_output=True, text=True, timeout=10)
    assert p.returncode == 2, p
    assert "max-connections" in p.stderr


# --------------------------------------------------------------------------- body memory

@pytest.mark.timing  # RSS: ASan keeps freed memory in quarantine and maps shadow
def test_unfinished_bodies_hold_bounded_memory_returned_after_close(emulators):
    n = 1000
    raise_nofile(n + 500)
    emu = emulators(ephemeral=True)
    pid = emu.proc.pid
    for _ in range(20):
        assert health_ok(emu)
    before = rss_mib(pid)
    head = (f"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: {TARGET_PREFIX}.ListClusters\r\n"
            f"Content-Length: {MIB}\r\n\r\n").encode()
    part = b"x" * (MIB - 1024)  # all but the last KiB: every body stays unfinished
    socks, peak = [], before
    try:
        for i in range(n):
            s = socket.create_connection((emu.host, emu.port), timeout=5)
            socks.append(s)
            try:
                s.sendall(head + part)
            except (BrokenPipeError, ConnectionResetError, socket.timeout):
                pass  # refused (503) and closed while we were still sending
            if i % 50 == 49:
                peak = max(peak, rss_mib(pid))
        # The kernel buffered most of what was sent: hold on until the server has read it all.
        deadline = time.monotonic() + 60
        while bytes_in_flight(emu.port) > 0 and time.monotonic() < deadline:
            time.sleep(0.1)
            peak = max(peak, rss_mib(pid))
        time.sleep(0.2)
        during = max(peak, rss_mib(pid))
        refused = 0
        for s in socks:
            s.setblocking(False)
            try:
                if s.recv(12, socket.MSG_PEEK).startswith(b"HTTP/1.1 503"):
                    refused += 1
            except (BlockingIOError, ConnectionResetError):
                pass
        assert emu.alive(), emu.output_tail()
    finally:
        for s in socks:
            s.close()
    closed = time.monotonic()
    wait_for(lambda: rss_mib(pid) < before + 16, 10, step=0.25)
    after, settled = rss_mib(pid), time.monotonic() - closed
    print(f"\nRSS with {n} unfinished 1 MiB bodies: before {before:.0f} MiB, during {during:.0f} MiB, "
          f"{settled:.1f}s after close {after:.0f} MiB; {refused} refused with 503")
    assert during - before < 160, f"RSS grew {during - before:.0f} MiB"
    assert after - before < 16, f"RSS stayed {after - before:.0f} MiB up after the connections closed"
    assert refused > 0
    assert health_ok(emu)
