// Micro-benchmark of RegisterTaskDefinition's CPU outside HTTP and SQLite: parsing the request
// and NormalizeTaskDefinition (validation, requiresAttributes, the stored body), which run on the
// connection strand, and RenderTaskDefinition (the reply), on the state strand. Prints
// microseconds per call, best of 5 rounds.
//
//   build/bench/ecs-bench-td-normalize [bench/lua/task_definition.json] [calls per round]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "common/json.h"
#include "taskdef/normalize.h"
#include "taskdef/render.h"

namespace {

template <typename F>
double BestMicrosPerCall(int calls, F&& f) {
  double best = 1e300;
  for (int round = 0; round < 5; ++round) {
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < calls; ++i) f();
    std::chrono::duration<double, std::micro> took = std::chrono::steady_clock::now() - start;
    best = std::min(best, took.count() / calls);
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string path = argc > 1 ? argv[1] : "bench/lua/task_definition.json";
  const int calls = argc > 2 ? std::stoi(argv[2]) : 20000;
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    return 2;
  }
  std::stringstream text;
  text << in.rdbuf();
  const std::string body = text.str();

  auto doc = ecs::ParseJsonObject(body);
  if (!doc.ok() || !ecs::taskdef::NormalizeTaskDefinition(**doc).ok()) {
    std::fprintf(stderr, "%s is not a valid RegisterTaskDefinition request\n", path.c_str());
    return 2;
  }
  size_t sink = 0;
  const double parse = BestMicrosPerCall(calls, [&] { sink += ecs::ParseJsonObject(body).ok(); });
  const double normalize = BestMicrosPerCall(calls, [&] {
    auto spec = ecs::taskdef::NormalizeTaskDefinition(**doc);
    sink += spec->body.text().size();
  });
  const auto spec = ecs::taskdef::NormalizeTaskDefinition(**doc);
  ecs::model::TaskDefinitionRegistration reg;
  reg.arn = "arn:aws:ecs:us-east-1:000000000000:task-definition/bench-td:1";
  reg.revision = 1;
  reg.status = ecs::model::TaskDefinitionStatus::kActive;
  reg.registered_at = 1764000000000;
  reg.registered_by = "arn:aws:iam::000000000000:root";
  const double render = BestMicrosPerCall(
      calls, [&] { sink += ecs::taskdef::RenderTaskDefinition(*spec, reg).size(); });
  std::printf(
      "request %zu bytes, body %zu bytes; parse %.2f us; normalize %.2f us; "
      "render %.2f us (sink %zu)\n",
      body.size(), spec->body.text().size(), parse, normalize, render, sink % 10);
  return 0;
}
