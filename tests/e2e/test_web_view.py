"""The live web view (issue 15) in headless Chromium (Debian's `chromium`), driven over the
DevTools protocol on a pipe (--remote-debugging-pipe: no extra Python package). The page shows
the clusters, instances and tasks created through boto3, updates when a task stops, and offers
every account/region that has clusters. A screenshot is kept in $ECS_E2E_ARTIFACTS (default
<repo>/build/e2e-artifacts)."""
import base64
import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from conftest import REPO

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


class Browser:
    """One headless Chromium and one page, spoken to with DevTools messages over fds 3/4."""

    def __init__(self, tmp):
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()

        def wire_fds():
            # Through fresh numbers first: either end may itself be 3 or 4.
            r, w = os.dup(to_chrome_r), os.dup(from_chrome_w)
            os.dup2(r, 3)
            os.dup2(w, 4)

        self.proc = subprocess.Popen(
            [CHROMIUM, "--headless=new", "--remote-debugging-pipe", "--no-sandbox", "--disable-gpu",
             "--no-first-run", f"--user-data-dir={tmp}", "--window-size=1400,1000", "about:blank"],
            pass_fds=(3, 4), preexec_fn=wire_fds,  # kept open across exec, set by wire_fds
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buf = b""
        self._next = 0
        self.session = None

    def send(self, method, params=None, session=True):
        self._next += 1
        msg = {"id": self._next, "method": method, "params": params or {}}
        if session and self.session:
            msg["sessionId"] = self.session
        os.write(self._to_chrome, json.dumps(msg).encode() + b"\0")
        while True:
            while b"\0" not in self._buf:
                chunk = os.read(self._from_chrome, 1 << 16)
                assert chunk, "chromium closed the DevTools pipe"
                self._buf += chunk
            raw, self._buf = self._buf.split(b"\0", 1)
            reply = json.loads(raw)
            if reply.get("id") == self._next:
                assert "error" not in reply, reply
                return reply["result"]

    def open(self, url):
        target = self.send("Target.createTarget", {"url": url}, session=False)["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True},
                                 session=False)["sessionId"]

    def eval(self, expression):
        out = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        return out["result"].get("value")

    def wait(self, expression, what, timeout=15):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.eval(expression)
            if value:
                return value
            time.sleep(0.1)
        raise AssertionError(f"the page never showed {what}: {self.eval('document.body.innerText')}")

    def screenshot(self, path):
        data = self.send("Page.captureScreenshot", {"format": "png"})["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))

    def close(self):
        self.proc.kill()
        self.proc.wait()
        os.close(self._to_chrome)
        os.close(self._from_chrome)


@pytest.fixture
def browser(tmp_path):
    if not CHROMIUM:
        pytest.skip("headless Chromium is not installed (apt-get install chromium): web view not tested")
    b = Browser(tmp_path / "chromium-profile")
    yield b
    b.close()


TASK_MAP = "Object.fromEntries([...document.querySelectorAll('[data-task-id]')]" \
           ".map(e => [e.dataset.taskId, e.dataset.status]))"
TASK_STATES = f"JSON.stringify({TASK_MAP})"


def test_page_shows_boto3_state_and_updates_live(ephemeral_server, browser):
    server = ephemeral_server
    ecs = server.client()
    ecs.create_cluster(clusterName="view")
    status, _, _ = server.http("POST", "/_emulator/fleets", body=json.dumps(
        {"cluster": "view", "count": 3}).encode())
    assert status == 200
    ecs.register_task_definition(family="web", containerDefinitions=[
        {"name": "c", "image": "nginx", "cpu": 256, "memory": 256}])
    arns = [t["taskArn"] for t in ecs.run_task(cluster="view", taskDefinition="web", count=2)["tasks"]]
    ids = [a.rsplit("/", 1)[1] for a in arns]
    ecs.create_service(cluster="view", serviceName="api", taskDefinition="web", desiredCount=1)
    ecs.get_waiter("tasks_running").wait(cluster="view", tasks=arns)
    other = server.client(region="eu-west-1", access_key="111122223333")
    other.create_cluster(clusterName="elsewhere")

    status, headers, page = server.http("GET", "/")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert b"http://" not in page and b"https://" not in page  # nothing fetched from elsewhere

    browser.open(server.url + "/")
    shown = json.loads(browser.wait(
        f"(() => {{ const s = {TASK_MAP}; return {json.dumps(ids)}.every(i => s[i] === 'RUNNING')"
        f" && JSON.stringify(s); }})()", "both tasks RUNNING"))
    assert len(shown) == 3  # the two run_task tasks and the service's
    text = browser.eval("document.body.innerText")
    assert "cluster view" in text and "service api" in text
    for az in ("us-east-1a", "us-east-1b", "us-east-1c"):
        assert az in text
    # Used/registered CPU per instance: the three tasks' 256 units each, wherever they went.
    used = [int(u) for u, total in re.findall(r"CPU (\d+)/(\d+) \(free", text) if total == "2048"]
    assert len(used) == 3 and sum(used) == 3 * 256, text

    ecs.stop_task(cluster="view", task=arns[0], reason="web view test")
    browser.wait(f"{TASK_MAP}[{json.dumps(ids[0])}] === 'STOPPED'", "the stopped task as STOPPED")
    assert json.loads(browser.eval(TASK_STATES))[ids[1]] == "RUNNING"
    artifacts = Path(os.environ.get("ECS_E2E_ARTIFACTS", REPO / "build" / "e2e-artifacts"))
    shot = artifacts / "web_view.png"
    browser.screenshot(shot)
    assert shot.stat().st_size > 10_000

    # Every account/region with clusters is offered; choosing one shows its clusters.
    options = browser.eval("[...document.querySelectorAll('#tenant option')].map(o => o.value)")
    assert "111122223333/eu-west-1" in options and "000000000000/us-east-1" in options
    browser.eval("const s = document.getElementById('tenant'); s.value = '111122223333/eu-west-1';"
                 " s.dispatchEvent(new Event('change'))")
    browser.wait("document.querySelector('[data-cluster=\"elsewhere\"]') !== null",
                 "the eu-west-1 cluster")
