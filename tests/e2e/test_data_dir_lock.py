"""One server per --data-dir: a second one exits 1 naming the directory and the holder's pid,
instead of serving beside the first and overwriting its commits. --ephemeral takes no lock."""
import os
import subprocess

from conftest import Emulator

LOCK_FILE = "ecs-emulator.lock"


def start_second(data_dir, *extra, timeout=10):
    """Run a second server on `data_dir`; it must exit by itself. Returns (rc, stdout, stderr)."""
    emu = Emulator(data_dir=data_dir, extra_args=extra)
    proc = subprocess.Popen(emu.command(0), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        raise AssertionError(f"a second server on {data_dir} kept running; output: {out!r} {err!r}")
    return proc.returncode, out.decode(), err.decode()


def test_second_server_on_the_same_data_dir_exits_1(emulators):
    first = emulators()
    first.client().create_cluster(clusterName="mine")
    rc, out, err = start_second(first.data_dir)
    assert rc == 1, (rc, out, err)
    assert "listening on" not in out
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert first.data_dir in lines[0] and f"pid {first.proc.pid}" in lines[0], lines[0]
    # The first one is untouched and still owns its state.
    assert first.client().list_clusters()["clusterArns"][0].endswith("/mine")
    with open(os.path.join(first.data_dir, LOCK_FILE)) as f:
        assert f.read().strip() == str(first.proc.pid)


def test_lock_is_released_on_exit_and_after_kill_9(emulators):
    first = emulators()
    first.client().create_cluster(clusterName="kept")
    first.stop_clean()
    second = emulators(data_dir=first.data_dir)  # the lock file stays, the lock does not
    assert second.client().list_clusters()["clusterArns"][0].endswith("/kept")
    second.kill9()
    third = emulators(data_dir=first.data_dir)
    assert third.client().list_clusters()["clusterArns"][0].endswith("/kept")


def test_ephemeral_takes_no_lock(emulators):
    first = emulators()
    other = emulators(ephemeral=True, extra_args=["--data-dir", first.data_dir])
    assert other.client().list_clusters()["clusterArns"] == []
