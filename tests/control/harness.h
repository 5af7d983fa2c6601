// The control plane as the server runs it, for unit tests: an in-memory store with group commit
// on, so commits only queue, as in the server; Flush() writes the queued batch the way the
// server's writer thread does (server/group_commit.cc), and a failed write rolls the control
// plane back through RecoverFromFailedCommit. Every commit also checks every derived index
// (ClusterIndex::CheckInvariants), so each operation a test makes is checked.
#pragma once

#include <rapidjson/document.h>

#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "control/control_plane.h"
#include "taskdef/normalize.h"
#include "tests/wire_names.h"

namespace ecs::testing {

inline control::ControlOptions Checked(control::ControlOptions options) {
  options.check_invariants = true;
  return options;
}

inline std::unique_ptr<storage::Store> QueuedMemoryStore() {
  auto store = std::move(*storage::Store::Open(":memory:"));
  store->set_group_commit(true);
  return store;
}

// What the group-commit writer does with the pending batch: write it; on failure, the control
// plane goes back to what the store holds.
inline Status Flush(storage::Store& store, control::ControlPlane& cp) {
  Status written = store.Flush();
  if (!written.ok()) REQUIRE(cp.RecoverFromFailedCommit().ok());
  return written;
}

// RegisterTaskDefinition from the JSON text of a request.
inline Result<const control::TaskDefinitionRecord*> Register(control::ControlPlane& cp,
                                                             const control::RequestContext& ctx,
                                                             std::string_view json) {
  rapidjson::Document d;
  d.Parse(json.data(), json.size());
  REQUIRE_FALSE(d.HasParseError());
  auto spec = taskdef::NormalizeTaskDefinition(d);
  if (!spec.ok()) return spec.status();
  return cp.RegisterTaskDefinition(ctx, std::move(*spec));
}

// Every row a control plane's memory stands for, by (kind, key): what a restart would load.
inline std::map<std::pair<int, std::string>, std::string> Rows(const control::ControlPlane& cp) {
  std::map<std::pair<int, std::string>, std::string> out;
  const storage::ChangeSet dump = cp.DumpRows();
  for (const auto& row : dump.rows()) {
    out[{static_cast<int>(row.kind), row.key}] = row.body.value_or("");
  }
  return out;
}

}  // namespace ecs::testing
