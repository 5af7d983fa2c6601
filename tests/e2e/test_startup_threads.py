"""Start-up does only what the first answer needs (issue 14): the extra I/O threads of --threads
start once the first reply is out, or a second after start-up when no request comes."""
import os
import time


def io_threads(server):
    """The server's threads that run its io_context: named like the main thread (jemalloc's
    purging thread has a name of its own; the writer and checkpointer threads start only with
    writes, and none is made here)."""
    names = []
    for tid in os.listdir(f"/proc/{server.proc.pid}/task"):
        try:
            with open(f"/proc/{server.proc.pid}/task/{tid}/comm") as f:
                names.append(f.read().strip())
        except FileNotFoundError:
            continue  # ended meanwhile
    with open(f"/proc/{server.proc.pid}/comm") as f:
        own = f.read().strip()  # the binary's name, as the main thread has it
    return sum(1 for name in names if name == own)


def wait_for_threads(server, want, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if io_threads(server) >= want:
            return io_threads(server)
        time.sleep(0.01)
    return io_threads(server)


def test_extra_io_threads_start_after_the_first_reply(emulators):
    started = time.monotonic()
    server = emulators(ephemeral=True, extra_args=["--threads", "4"])
    before = io_threads(server)
    if time.monotonic() - started < 0.5:  # well before the one-second fallback
        assert before == 1, before
    server.client().describe_clusters(clusters=["default"])
    assert wait_for_threads(server, 4) == 4
    # They serve: concurrent connections all get answers.
    ecs = server.client()
    for _ in range(20):
        assert ecs.list_clusters()["clusterArns"] == []


def test_extra_io_threads_start_within_a_second_without_requests(emulators):
    server = emulators(extra_args=["--threads", "3"])
    assert wait_for_threads(server, 3, timeout=5.0) == 3
