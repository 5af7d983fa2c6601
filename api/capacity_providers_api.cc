// DescribeCapacityProviders: the built-in FARGATE and FARGATE_SPOT (control/capacity_providers.h).
#include "api/decode.h"
#include "api/encode.h"
#include "api/operations.h"
#include "control/capacity_providers.h"

namespace ecs::api {

Result<std::string> DescribeCapacityProviders(OpContext& op) {
  auto ids = op.in.StringList("capacityProviders").value_or(std::vector<std::string>{});
  const auto include = ReadEnumList(op.in, "include", {"TAGS"});
  const auto cluster = op.in.String("cluster");
  control::PageRequest page;
  page.max_results = op.in.Int("maxResults");
  page.next_token = op.in.String("nextToken");
  if (!op.in.ok()) return op.in.status();
  if (ids.size() > 100) {
    return Status::InvalidParameter("capacityProviders can have at most 100 items.");
  }
  auto found = op.control.DescribeCapacityProviders(op.ctx, ids, cluster, page);
  if (!found.ok()) return found.status();
  JsonWriter w;
  w.StartObject().Key("capacityProviders").StartArray();
  for (const auto& name : found->names) {
    w.StartObject()
        .Member("capacityProviderArn", control::CapacityProviderArn(op.ctx.tenant, name))
        .Member("name", name)
        .Member("status", "ACTIVE");
    // The built-ins carry no tags; the list is there only when asked for.
    if (include.count("TAGS")) WriteTags(w, "tags", {});
    w.EndObject();
  }
  w.EndArray();
  WriteFailures(w, found->failures);
  if (found->next_token) w.Member("nextToken", *found->next_token);
  w.EndObject();
  return w.str();
}

}  // namespace ecs::api
