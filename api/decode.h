// Decoding helpers shared by handlers: the shapes many operations use (tags, include lists,
// enums, capacity-provider strategies, network configuration, placement items). They report
// through the JsonObjectReader's status, so a handler reads everything, then checks once.
#pragma once

#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/json.h"
#include "model/launch.h"
#include "model/raw_json.h"
#include "model/tag.h"
#include "model/wire_enum.h"

namespace ecs::api {

// A list of {key, value} tags; nullopt when absent.
std::optional<model::TagList> ReadTags(JsonObjectReader& in, std::string_view member);
// `include`-style enum lists; a value outside `allowed` -> InvalidParameterException.
std::set<std::string> ReadEnumList(JsonObjectReader& in, std::string_view member,
                                   std::initializer_list<std::string_view> allowed);
// A string member that must be one of `allowed` when present.
std::optional<std::string> ReadEnum(JsonObjectReader& in, std::string_view member,
                                    std::initializer_list<std::string_view> allowed);
// A string member that must be one of E's wire names when present.
template <typename E>
std::optional<E> ReadWireEnum(JsonObjectReader& in, std::string_view member);
// RunTask's / CreateService's launchType, with AWS's own wording for a bad value (issue 11):
// "launch type should be one of [EC2,FARGATE,EXTERNAL,MANAGED_INSTANCES]" (the model's order).
std::optional<model::LaunchType> ReadLaunchType(JsonObjectReader& in);
// Required string: absent or empty -> InvalidParameterException "<member> can not be empty."
std::string ReadRequiredString(JsonObjectReader& in, std::string_view member);

// capacityProviderStrategy-shaped lists; nullopt when absent.
std::optional<model::CapacityProviderStrategy> ReadStrategy(JsonObjectReader& in,
                                                            std::string_view member);
// networkConfiguration.awsvpcConfiguration; nullopt when either is absent.
std::optional<model::AwsVpcConfiguration> ReadAwsVpc(JsonObjectReader& in);
// placementConstraints / placementStrategy lists; nullopt when absent.
std::optional<std::vector<model::PlacementConstraintItem>> ReadPlacementConstraints(
    JsonObjectReader& in);
std::optional<std::vector<model::PlacementStrategyItem>> ReadPlacementStrategy(
    JsonObjectReader& in);
// A member kept as the JSON the client sent (already type-checked by the caller).
model::RawJson Raw(const rapidjson::Value& v);

void WriteTags(JsonWriter& w, std::string_view member, const model::TagList& tags);
void WriteStrategy(JsonWriter& w, std::string_view member,
                   const model::CapacityProviderStrategy& strategy);
// {"awsvpcConfiguration":{"subnets":[..],"securityGroups":[..],"assignPublicIp":".."}}
void WriteNetwork(JsonWriter& w, std::string_view member, const model::NetworkConfiguration& n);
void WritePlacement(JsonWriter& w, const std::vector<model::PlacementConstraintItem>& constraints,
                    const std::vector<model::PlacementStrategyItem>& strategy);
// The raw value, or `fallback` (JSON text) when it is empty.
void WriteRaw(JsonWriter& w, std::string_view member, const model::RawJson& raw,
              std::string_view fallback);

// --- template definitions ---

template <typename E>
std::optional<E> ReadWireEnum(JsonObjectReader& in, std::string_view member) {
  auto v = in.String(member);
  if (!v) return std::nullopt;
  if (auto parsed = model::Parse<E>(*v)) return parsed;
  std::string valid;
  for (auto name : model::WireNamesOf<E>()) {
    valid += (valid.empty() ? "" : ", ") + std::string(name);
  }
  in.Fail(Status::InvalidParameter("Invalid value '" + *v + "' for " + in.path() +
                                   std::string(member) + ". Valid values: " + valid + "."));
  return std::nullopt;
}

}  // namespace ecs::api
