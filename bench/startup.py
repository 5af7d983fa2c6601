#!/usr/bin/env python3
"""Start-up time: process start to the first answered DescribeClusters (issue 14).

Starts the server N times on a free port, once with a fresh --data-dir and once with --ephemeral
(alternating, so both see the same machine load), and polls with DescribeClusters until it is
answered 200. Prints the median and the spread of each, in milliseconds. Pass several binaries to
compare builds in one sitting (A/B runs alternate too).

  bench/startup.py [--runs 21] BINARY [BINARY...]
"""
import argparse
import http.client
import os
import socket
import statistics
import subprocess
import tempfile
import time

BODY = b'{"clusters":["default"]}'
HEADERS = {
    "Content-Type": "application/x-amz-json-1.1",
    "X-Amz-Target": "AmazonEC2ContainerServiceV20141113.DescribeClusters",
    "Authorization": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261205/us-east-1/ecs/aws4_request, "
                     "SignedHeaders=host, Signature=0",
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answered(port):
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
        conn.request("POST", "/", BODY, HEADERS)
        status = conn.getresponse().status
        conn.close()
        return status == 200
    except OSError:
        return False


def one_start(binary, ephemeral):
    port = free_port()
    with tempfile.TemporaryDirectory() as data_dir:
        args = [binary, "--port", str(port), "--log-level", "off"]
        args += ["--ephemeral"] if ephemeral else ["--data-dir", os.path.join(data_dir, "d")]
        t0 = time.perf_counter()
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while not answered(port):
                if proc.poll() is not None:
                    raise SystemExit(f"{binary} exited with {proc.returncode}")
                if time.perf_counter() - t0 > 10:
                    raise SystemExit(f"{binary} did not answer in 10 s")
            return (time.perf_counter() - t0) * 1000
        finally:
            proc.terminate()
            proc.wait()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("binaries", nargs="+")
    args = parser.parse_args()
    samples = {(b, e): [] for b in args.binaries for e in (False, True)}
    for _ in range(args.runs):
        for binary in args.binaries:
            for ephemeral in (False, True):
                samples[(binary, ephemeral)].append(one_start(binary, ephemeral))
    for (binary, ephemeral), ms in samples.items():
        q = statistics.quantiles(ms, n=4)
        mode = "--ephemeral" if ephemeral else "fresh --data-dir"
        print(f"{binary:40s} {mode:17s} median {statistics.median(ms):6.1f} ms "
              f"(quartiles {q[0]:.1f}-{q[2]:.1f}, n={len(ms)})")


if __name__ == "__main__":
    main()
