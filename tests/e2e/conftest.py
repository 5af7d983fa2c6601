"""End-to-end fixtures: run the real ecs-emulator binary and talk to it with boto3,
the AWS CLI v2 and raw HTTP.

Env:
  ECS_EMULATOR_BIN   path of the binary (default <repo>/build/ecs-emulator)
  ECS_EMULATOR_ARGS  extra command-line arguments (shell-quoted) for every server
  ECS_AWS_CLI        AWS CLI v2 executable (default /usr/bin/aws, else `aws` on PATH)
  ECS_CONTRACT_MODEL override the botocore service-2.json used by the contract hook

Marker `timing`: the test bounds wall time, CPU or RSS with numbers set for the optimized build;
scripts/sanitize deselects it (an ASan build is 2-3x slower and maps gigabytes of shadow memory).
"""
from __future__ import annotations

import atexit
import collections
import http.client
import hashlib
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO / "tests") not in sys.path:
    sys.path.append(str(REPO / "tests"))

from contract import validator  # noqa: E402

# Never let a developer's AWS config/credentials/endpoint env leak into the tests.
for _k in list(os.environ):
    if _k.startswith("AWS_ENDPOINT_URL") or _k in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN"):
        del os.environ[_k]
os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"

import boto3  # noqa: E402
import botocore.config  # noqa: E402
import botocore.exceptions  # noqa: E402

TARGET_PREFIX = "AmazonEC2ContainerServiceV20141113"
DEFAULT_ACCOUNT = "000000000000"
DEFAULT_REGION = "us-east-1"
DEFAULT_KEY = "AKIDEXAMPLE"
STARTUP_TIMEOUT = 10.0
STOP_TIMEOUT = 15.0
LISTEN_RE = re.compile(r"listening on http://([^\s:/]+|\[[^\]]+\]):(\d+)")


_BIN_COPY = None


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "timing: bounds wall time, CPU or RSS for the optimized build "
        "(deselected under sanitizers)")


def emulator_bin() -> str:
    """The binary under test. It is copied once per session to a private temp dir so a
    concurrent rebuild of build/ecs-emulator cannot swap it out mid-run
    (ECS_EMULATOR_NO_COPY=1 runs it in place)."""
    global _BIN_COPY
    src = os.environ.get("ECS_EMULATOR_BIN") or str(REPO / "build" / "ecs-emulator")
    if os.environ.get("ECS_EMULATOR_NO_COPY") or not os.path.isfile(src):
        return src
    if _BIN_COPY is None:
        d = tempfile.mkdtemp(prefix="ecs-emulator-bin-")
        dst = os.path.join(d, os.path.basename(src))
        shutil.copy2(src, dst)
        atexit.register(shutil.rmtree, d, True)
        _BIN_COPY = dst
    return _BIN_COPY


def aws_cli_bin() -> str:
    env = os.environ.get("ECS_AWS_CLI")
    if env:
        return env
    if os.path.exists("/usr/bin/aws"):
        return "/usr/bin/aws"
    return shutil.which("aws") or "/usr/bin/aws"


class ContractViolation(AssertionError):
    """A response did not match the botocore ECS model."""


# --------------------------------------------------------------------------- contract hook

CONTRACT_STATS = collections.Counter()


def contract_after_call(http_response=None, model=None, **kwargs):
    """botocore `after-call.ecs` handler: validate the RAW JSON body of every response."""
    if http_response is None or model is None:
        return
    CONTRACT_STATS["checked"] += 1
    problems = validator.validate_response(
        model.name, http_response.status_code, http_response.content or b"", dict(http_response.headers)
    )
    if problems:
        CONTRACT_STATS["violations"] += 1
        raise ContractViolation(
            "response violates the ECS model:\n  " + "\n  ".join(problems)
            + f"\nraw body: {(http_response.content or b'')[:2000]!r}"
        )


def save_fuzz_seed(request=None, **kwargs):
    """`before-send.ecs` handler, only with ECS_FUZZ_SEED_DIR (fuzz/collect-seeds): keep each
    request body, named <operation>-<sha1>, as a seed for the fuzzers."""
    body = request.body if request is not None else None
    if not body:
        return None
    body = body if isinstance(body, bytes) else body.encode()
    operation = request.headers.get("X-Amz-Target", b"")
    operation = (operation.decode() if isinstance(operation, bytes) else operation).split(".")[-1]
    name = f"{operation or 'unknown'}-{hashlib.sha1(body).hexdigest()[:16]}"
    with open(os.path.join(os.environ["ECS_FUZZ_SEED_DIR"], name), "wb") as f:
        f.write(body)
    return None


def _install_global_contract_hook():
    """Every ECS client created in this process (also by a test's own boto3.client(...))
    gets the contract hook."""
    import botocore.session

    if getattr(botocore.session.Session.create_client, "_ecs_contract", False):
        return
    original = botocore.session.Session.create_client

    def create_client(self, service_name, *args, **kwargs):
        client = original(self, service_name, *args, **kwargs)
        if service_name == "ecs":
            client.meta.events.register("after-call.ecs", contract_after_call, unique_id="ecs-contract-hook")
            if os.environ.get("ECS_FUZZ_SEED_DIR"):
                client.meta.events.register("before-send.ecs", save_fuzz_seed,
                                            unique_id="ecs-fuzz-seed-hook")
        return client

    create_client._ecs_contract = True
    botocore.session.Session.create_client = create_client


_install_global_contract_hook()

_BOTO_SESSION = None
_CLIENT_CACHE = {}
_CLIENT_LOCK = threading.Lock()


def make_client(url, region=DEFAULT_REGION, access_key=DEFAULT_KEY):
    """boto3 ECS client with the contract hook. Clients are cached per (url, region, key):
    building one from scratch costs ~0.1 s of model loading, reusing the session avoids it."""
    global _BOTO_SESSION
    key = (url, region, access_key)
    with _CLIENT_LOCK:
        if key in _CLIENT_CACHE:
            return _CLIENT_CACHE[key]
        if _BOTO_SESSION is None:
            _BOTO_SESSION = boto3.session.Session()
        client = _BOTO_SESSION.client(
            "ecs",
            region_name=region,
            endpoint_url=url,
            aws_access_key_id=access_key,
            aws_secret_access_key="secret",
            config=botocore.config.Config(
                retries={"total_max_attempts": 1},
                connect_timeout=5,
                read_timeout=30,
                max_pool_connections=32,
            ),
        )
        _CLIENT_CACHE[key] = client  # contract hook added by the create_client patch below

        return client


def fake_authorization(access_key=DEFAULT_KEY, region=DEFAULT_REGION):
    date = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    return date, (
        f"AWS4-HMAC-SHA256 Credential={access_key}/{date[:8]}/{region}/ecs/aws4_request, "
        "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=" + "0" * 64
    )


class Emulator:
    """One ecs-emulator process (restartable on the same data dir)."""

    def __init__(self, data_dir=None, ephemeral=False, extra_args=(), cwd=None, env=None, preexec_fn=None):
        self.binary = emulator_bin()
        self.ephemeral = ephemeral
        self.data_dir = None if ephemeral else str(data_dir)
        self.extra_args = list(extra_args) + shlex.split(os.environ.get("ECS_EMULATOR_ARGS", ""))
        self.cwd = cwd
        self.env = env
        self.preexec_fn = preexec_fn  # runs in the child before exec (e.g. to lower its rlimits)
        self.proc = None
        self.host = None
        self.port = None
        self.url = None
        self.stdout_lines = collections.deque(maxlen=5000)
        self.stderr_lines = collections.deque(maxlen=5000)
        self.stderr_bytes = 0  # everything the process wrote to stderr, kept or not
        self._threads = []
        self.starts = 0

    # -- process control ---------------------------------------------------------------
    def command(self, port=0):
        cmd = [self.binary, "--port", str(port)]
        if self.ephemeral:
            cmd.append("--ephemeral")
        else:
            cmd += ["--data-dir", self.data_dir]
        return cmd + self.extra_args

    def start(self, port=0):
        if not os.path.exists(self.binary):
            raise RuntimeError(f"emulator binary not found: {self.binary} (set ECS_EMULATOR_BIN)")
        listening = threading.Event()
        found = {}

        def drain_stdout(stream):
            for raw in iter(stream.readline, b""):
                line = raw.decode("utf-8", "replace").rstrip("\n")
                self.stdout_lines.append(line)
                if not listening.is_set():
                    m = LISTEN_RE.search(line)
                    if m:
                        found["host"], found["port"] = m.group(1), int(m.group(2))
                        listening.set()
            stream.close()

        def drain_stderr(stream):
            for raw in iter(stream.readline, b""):
                self.stderr_bytes += len(raw)
                self.stderr_lines.append(raw.decode("utf-8", "replace").rstrip("\n"))
            stream.close()

        env = dict(self.env if self.env is not None else os.environ)
        for k in ("ECS_EMULATOR_HOST", "ECS_EMULATOR_PORT", "ECS_EMULATOR_DATA_DIR", "ECS_EMULATOR_EPHEMERAL",
                  "ECS_EMULATOR_REGION", "ECS_EMULATOR_ACCOUNT_ID"):
            env.pop(k, None)  # the command line decides, not the developer's shell
        self.proc = subprocess.Popen(
            self.command(port),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=self.cwd,
            env=env,
            preexec_fn=self.preexec_fn,
        )
        self._threads = [
            threading.Thread(target=drain_stdout, args=(self.proc.stdout,), daemon=True),
            threading.Thread(target=drain_stderr, args=(self.proc.stderr,), daemon=True),
        ]
        for t in self._threads:
            t.start()
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if listening.wait(0.02):
                break
            if self.proc.poll() is not None:
                break
        if not listening.is_set():
            rc = self.proc.poll()
            if rc is None:
                self.proc.kill()
                self.proc.wait()
            raise RuntimeError(
                f"emulator did not print 'listening on http://HOST:PORT' within {STARTUP_TIMEOUT}s "
                f"(exit code {rc}); cmd={self.command(port)}\n{self.output_tail()}"
            )
        self.host, self.port = found["host"], found["port"]
        self.url = f"http://{self.host}:{self.port}"
        self.starts += 1
        return self

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def _join_drains(self):
        for t in self._threads:
            t.join(timeout=5)

    def stop(self, sig=signal.SIGTERM, timeout=STOP_TIMEOUT):
        """Send `sig`, wait for exit, return the exit code."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                self._join_drains()
                raise AssertionError(f"emulator did not exit within {timeout}s of {sig!r}\n{self.output_tail()}")
        self._join_drains()
        return self.proc.returncode

    def stop_clean(self, sig=signal.SIGTERM):
        rc = self.stop(sig)
        assert rc == 0, f"emulator exited with {rc} after {sig!r}\n{self.output_tail()}"

    def restart(self, port=0):
        """SIGTERM, require exit code 0, start again on the same data dir."""
        self.stop_clean()
        return self.start(port)

    def kill9(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
        self._join_drains()
        return self.proc.returncode

    def output_tail(self, n=40):
        out = "\n".join(list(self.stdout_lines)[-n:])
        err = "\n".join(list(self.stderr_lines)[-n:])
        return f"--- stdout (tail) ---\n{out}\n--- stderr (tail) ---\n{err}"

    # -- talking to it ------------------------------------------------------------------
    def client(self, region=DEFAULT_REGION, access_key=DEFAULT_KEY):
        return make_client(self.url, region, access_key)

    def http(self, method, path, body=None, headers=None, timeout=30):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            data = resp.read()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
        finally:
            conn.close()

    def get_json(self, path):
        status, headers, data = self.http("GET", path)
        return status, (json.loads(data) if data else None)

    def reset(self):
        status, _, data = self.http("POST", "/_emulator/reset", body=b"")
        assert status == 200, f"POST /_emulator/reset answered {status}: {data[:500]!r}"

    def raw(self, target, body=b"{}", headers=None, region=DEFAULT_REGION, access_key=DEFAULT_KEY,
            sign=True, method="POST", path="/", content_type="application/x-amz-json-1.1"):
        """POST a request by hand. `target`: operation name (prefix added), a full
        `Prefix.Op` string, or None for no X-Amz-Target. Returns (status, headers, body)."""
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        elif isinstance(body, str):
            body = body.encode()
        h = {}
        if content_type is not None:
            h["Content-Type"] = content_type
        if target is not None:
            h["X-Amz-Target"] = target if "." in target else f"{TARGET_PREFIX}.{target}"
        if sign:
            date, auth = fake_authorization(access_key, region)
            h["X-Amz-Date"] = date
            h["Authorization"] = auth
        h.update(headers or {})
        return self.http(method, path, body=body, headers=h)


# --------------------------------------------------------------------------- AWS CLI

class AwsCliError(Exception):
    def __init__(self, args, returncode, stdout, stderr):
        super().__init__(f"aws {' '.join(args)} exited {returncode}: {stderr.strip()}")
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr

    @property
    def code(self):
        m = re.search(r"An error occurred \((\w+)\)", self.stderr)
        return m.group(1) if m else None


class AwsCli:
    def __init__(self, server):
        self.server = server

    def run(self, *args, region=DEFAULT_REGION, access_key=DEFAULT_KEY, timeout=60):
        env = dict(os.environ)
        env.update(
            AWS_ACCESS_KEY_ID=access_key,
            AWS_SECRET_ACCESS_KEY="secret",
            AWS_PAGER="",
            AWS_MAX_ATTEMPTS="1",
            AWS_RETRY_MODE="standard",
            AWS_CONFIG_FILE=os.devnull,
            AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        )
        env.pop("AWS_DEFAULT_OUTPUT", None)
        cmd = [aws_cli_bin(), "ecs", *args, "--endpoint-url", self.server.url, "--region", region,
               "--output", "json"]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)

    def __call__(self, *args, region=DEFAULT_REGION, access_key=DEFAULT_KEY):
        p = self.run(*args, region=region, access_key=access_key)
        if p.returncode != 0:
            raise AwsCliError(list(args), p.returncode, p.stdout, p.stderr)
        return json.loads(p.stdout) if p.stdout.strip() else {}


# --------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="session")
def _session_emulator(tmp_path_factory):
    emu = Emulator(data_dir=tmp_path_factory.mktemp("ecs-data"))
    emu.start()
    yield emu
    emu.stop_clean()


@pytest.fixture
def server(_session_emulator):
    """The shared emulator, wiped with POST /_emulator/reset before the test; the test
    fails if the process died while it ran."""
    emu = _session_emulator
    assert emu.alive(), f"shared emulator is not running\n{emu.output_tail()}"
    emu.reset()
    yield emu
    assert emu.alive(), f"emulator died during the test (exit {emu.proc.returncode})\n{emu.output_tail()}"


@pytest.fixture
def emulators(tmp_path):
    """Factory for dedicated emulator processes: emulators(ephemeral=False, **kw).
    Every one still running at teardown must exit 0 on SIGTERM."""
    started = []

    def factory(ephemeral=False, data_dir=None, **kw):
        if not ephemeral and data_dir is None:
            data_dir = tempfile.mkdtemp(prefix="data-", dir=tmp_path)
        emu = Emulator(data_dir=data_dir, ephemeral=ephemeral, **kw)
        started.append(emu)
        return emu.start()

    yield factory
    failures = []
    for emu in started:
        if emu.alive():
            rc = emu.stop()
            if rc != 0:
                failures.append(f"exit code {rc}\n{emu.output_tail()}")
    assert not failures, "\n".join(failures)


@pytest.fixture
def ecs(server):
    return server.client()


@pytest.fixture
def ecs_for(server):
    def factory(region=DEFAULT_REGION, access_key=DEFAULT_KEY):
        return server.client(region, access_key)

    return factory


@pytest.fixture
def aws(server):
    if not os.access(aws_cli_bin(), os.X_OK):
        pytest.skip(f"AWS CLI not found at {aws_cli_bin()} (set ECS_AWS_CLI)")
    return AwsCli(server)


@pytest.fixture
def raw(server):
    """server.raw plus the contract check: whenever the target names an operation, the
    answer (success body or error envelope) must match the model."""

    def call(target, body=b"{}", **kw):
        status, headers, data = server.raw(target, body, **kw)
        if target and "." not in target and target in validator.model()["operations"]:
            problems = validator.validate_response(target, status, data, headers)
            if problems:
                raise ContractViolation("raw response violates the ECS model:\n  " + "\n  ".join(problems)
                                        + f"\nraw body: {data[:2000]!r}")
        return status, headers, data

    return call


@pytest.fixture
def ephemeral_server(emulators):
    """A dedicated `--ephemeral` emulator for this test."""
    return emulators(ephemeral=True)


# --------------------------------------------------------------------------- helpers for tests

def cluster_arn(name, region=DEFAULT_REGION, account=DEFAULT_ACCOUNT):
    return f"arn:aws:ecs:{region}:{account}:cluster/{name}"


def error_code(exc_info):
    return exc_info.value.response["Error"]["Code"]


def error_message(exc_info):
    return exc_info.value.response["Error"]["Message"]


def json_error(status_headers_body):
    """(status, headers, body) of an error -> (status, code, message, body_dict)."""
    status, _headers, body = status_headers_body
    obj = json.loads(body)
    code = validator.sanitize_error_code(obj.get("__type", ""))
    return status, code, obj.get("message", obj.get("Message")), obj
