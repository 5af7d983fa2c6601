// The one table of ECS operations: every operation of the model, with the handler that
// implements it or none (answered with UnknownOperationException "<Op> is not implemented").
#pragma once

#include <string_view>
#include <vector>

#include "api/api.h"
#include "common/json.h"

namespace ecs::api {

struct OpContext {
  control::ControlPlane& control;
  const control::RequestContext& ctx;
  JsonObjectReader& in;
};

struct OperationEntry {
  std::string_view name;
  Handler handler;  // nullptr: not implemented yet
};

const std::vector<OperationEntry>& OperationTable();
const OperationEntry* FindOperation(std::string_view name);

// Handlers, one file per resource family.
Result<std::string> CreateCluster(OpContext& op);
Result<std::string> DescribeClusters(OpContext& op);
Result<std::string> ListClusters(OpContext& op);
Result<std::string> DeleteCluster(OpContext& op);
Result<std::string> UpdateCluster(OpContext& op);
Result<std::string> UpdateClusterSettings(OpContext& op);
Result<std::string> TagResource(OpContext& op);
Result<std::string> UntagResource(OpContext& op);
Result<std::string> ListTagsForResource(OpContext& op);

}  // namespace ecs::api
