// The web view's one page (api/web_view.cc serves it): plain HTML, CSS and JavaScript, no
// build step and nothing fetched from elsewhere. It polls /_emulator/state every second.
#pragma once

#include <string_view>

namespace ecs::api {

inline constexpr std::string_view kWebPage = R"html(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>ecs-emulator</title>
<style>
body { font: 13px/1.4 system-ui, sans-serif; margin: 0; background: #f4f5f7; color: #222; }
header { background: #232f3e; color: #fff; padding: 8px 16px; display: flex; gap: 16px; align-items: center; }
header h1 { font-size: 16px; margin: 0; }
header select { font: inherit; }
main { padding: 12px 16px; }
section.cluster { background: #fff; border-radius: 6px; padding: 10px 14px; margin-bottom: 14px; box-shadow: 0 1px 2px #0002; }
h2 { font-size: 15px; margin: 4px 0 8px; }
h3 { font-size: 13px; margin: 10px 0 4px; color: #555; }
.azs { display: flex; gap: 10px; flex-wrap: wrap; }
.az { border: 1px dashed #bbb; border-radius: 4px; padding: 6px; min-width: 220px; }
.instance { border: 1px solid #ccd; border-radius: 4px; padding: 4px 6px; margin: 4px 0; background: #fafbff; }
.bar { height: 6px; background: #e3e6ea; border-radius: 3px; margin: 2px 0; }
.bar > div { height: 6px; background: #3b7dd8; border-radius: 3px; }
.task { display: inline-block; padding: 1px 5px; margin: 2px; border-radius: 3px; font-size: 11px; color: #fff; }
.PROVISIONING, .PENDING, .ACTIVATING { background: #d89b00; }
.RUNNING { background: #2e8b3a; }
.DEACTIVATING, .STOPPING, .DEPROVISIONING { background: #c45f00; }
.STOPPED { background: #888; }
table { border-collapse: collapse; margin: 4px 0; }
td, th { padding: 2px 8px; border-bottom: 1px solid #eee; text-align: left; }
.COMPLETED { color: #2e8b3a; } .FAILED { color: #c0392b; } .IN_PROGRESS { color: #d89b00; }
.timeline { position: relative; height: 14px; background: #eef; margin: 2px 0; }
.timeline > div { position: absolute; height: 14px; background: #3b7dd8aa; }
.events { max-height: 140px; overflow: auto; font-size: 12px; color: #444; }
.muted { color: #888; }
</style>
</head>
<body>
<header>
  <h1>ecs-emulator</h1>
  <label>account/region <select id="tenant"></select></label>
  <span>clock: <b id="clock">…</b></span>
  <span id="status" class="muted"></span>
</header>
<main id="main"><p class="muted">loading…</p></main>
<script>
"use strict";
const params = new URLSearchParams(location.search);
let tenant = {account: params.get("account") || "", region: params.get("region") || ""};
const esc = s => String(s).replace(/[&<>"']/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
const pct = (used, total) => total > 0 ? Math.min(100, Math.round(100 * used / total)) : 0;
const revision = arn => arn.split("/").pop();
const time = t => new Date(t * 1000).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");

function taskChip(t) {
  return `<span class="task ${t.lastStatus}" data-task-id="${esc(t.id)}" data-status="${t.lastStatus}"` +
    ` title="${esc(revision(t.taskDefinitionArn))} ${esc(t.group)}">${esc(t.id.slice(0, 8))} ${t.lastStatus}</span>`;
}

function instanceBox(ci, tasks) {
  const mine = tasks.filter(t => t.containerInstanceId === ci.id);
  return `<div class="instance" data-instance-id="${esc(ci.id)}"><b>${esc(ci.ec2InstanceId)}</b> ` +
    `<span class="muted">${esc(ci.instanceType)} ${ci.status}</span>` +
    `<div>CPU ${ci.cpuUsed}/${ci.cpu} (free ${ci.cpu - ci.cpuUsed})</div><div class="bar"><div style="width:${pct(ci.cpuUsed, ci.cpu)}%"></div></div>` +
    `<div>memory ${ci.memoryUsed}/${ci.memory} MiB (free ${ci.memory - ci.memoryUsed})</div><div class="bar"><div style="width:${pct(ci.memoryUsed, ci.memory)}%"></div></div>` +
    `<div>${mine.map(taskChip).join("") || '<span class="muted">no tasks</span>'}</div></div>`;
}

function serviceBlock(s, tasks) {
  const counts = {};
  for (const t of tasks) {
    if (t.group !== "service:" + s.name) continue;
    const c = counts[t.startedBy] = counts[t.startedBy] || {running: 0, pending: 0};
    if (t.lastStatus === "RUNNING") c.running++;
    else if (t.lastStatus !== "STOPPED" && t.desiredStatus === "RUNNING") c.pending++;
  }
  const start = Math.min(...s.deployments.map(d => d.createdAt));
  const end = Math.max(...s.deployments.map(d => d.updatedAt), start + 1);
  const rows = s.deployments.map(d => {
    const c = counts[d.id] || {running: 0, pending: 0};
    const left = 100 * (d.createdAt - start) / (end - start);
    const width = Math.max(1, 100 * (d.updatedAt - d.createdAt) / (end - start));
    return `<tr data-deployment-id="${esc(d.id)}"><td>${d.status}</td><td>${esc(revision(d.taskDefinitionArn))}</td>` +
      `<td class="${d.rolloutState}">${d.rolloutState}</td><td>${d.desiredCount}</td><td>${c.running}</td><td>${c.pending}</td>` +
      `<td>${d.failedTasks}</td><td style="width:200px"><div class="timeline" title="${time(d.createdAt)} → ${time(d.updatedAt)}">` +
      `<div style="left:${left}%;width:${width}%"></div></div></td></tr>`;
  }).join("");
  const events = s.events.map(e => `<div><span class="muted">${time(e.createdAt)}</span> ${esc(e.message)}</div>`).join("");
  return `<div class="service" data-service="${esc(s.name)}"><h3>service ${esc(s.name)} <span class="muted">${s.status}, desired ${s.desiredCount}, ` +
    `min ${s.minimumHealthyPercent}% / max ${s.maximumPercent}%</span></h3>` +
    `<table><tr><th>deployment</th><th>revision</th><th>rollout</th><th>desired</th><th>running</th><th>pending</th><th>failed</th><th>timeline</th></tr>${rows}</table>` +
    `<div class="events">${events || '<span class="muted">no events</span>'}</div></div>`;
}

function clusterSection(c) {
  const zones = {};
  for (const ci of c.instances) (zones[ci.availabilityZone] = zones[ci.availabilityZone] || []).push(ci);
  const azs = Object.keys(zones).sort().map(z =>
    `<div class="az"><b>${esc(z)}</b>${zones[z].map(ci => instanceBox(ci, c.tasks)).join("")}</div>`).join("");
  const fargate = c.tasks.filter(t => !t.containerInstanceId);
  return `<section class="cluster" data-cluster="${esc(c.name)}"><h2>cluster ${esc(c.name)} <span class="muted">${c.status}</span></h2>` +
    `<div class="azs">${azs || '<span class="muted">no container instances</span>'}</div>` +
    (fargate.length ? `<h3>Fargate</h3><div>${fargate.map(taskChip).join("")}</div>` : "") +
    c.services.map(s => serviceBlock(s, c.tasks)).join("") + `</section>`;
}

function render(state) {
  document.getElementById("clock").textContent = time(state.clock.now) + (state.clock.frozen ? " (frozen)" : "");
  const select = document.getElementById("tenant");
  const current = state.account + "/" + state.region;
  select.innerHTML = state.tenants.map(t => {
    const v = t.account + "/" + t.region;
    return `<option value="${esc(v)}"${v === current ? " selected" : ""}>${esc(v)}</option>`;
  }).join("");
  document.getElementById("main").innerHTML =
    state.clusters.map(clusterSection).join("") || '<p class="muted">no clusters in this account and region</p>';
}

async function poll() {
  const q = new URLSearchParams();
  if (tenant.account) q.set("account", tenant.account);
  if (tenant.region) q.set("region", tenant.region);
  try {
    const r = await fetch("/_emulator/state?" + q);
    if (!r.ok) throw new Error("HTTP " + r.status);
    render(await r.json());
    document.getElementById("status").textContent = "";
    document.body.dataset.updated = String(Date.now());
  } catch (e) {
    document.getElementById("status").textContent = "not reachable: " + e.message;
  }
  setTimeout(poll, 1000);
}

document.getElementById("tenant").addEventListener("change", e => {
  const [account, region] = e.target.value.split("/");
  tenant = {account, region};
  history.replaceState(null, "", "?account=" + account + "&region=" + region);
});
poll();
</script>
</body>
</html>
)html";

}  // namespace ecs::api
