// The RegisterTaskDefinition input shape as data, and what is done with it alone: JSON type
// checks (SerializationException), enum and required-member checks (ClientException), typed
// access to a checked request, and the echo of the members the model knows (the TaskDefinition
// body with ECS's container defaults).
//
// INTERNAL to taskdef/: normalize.cc (validation) and compat.cc (launch types,
// requiresAttributes) include it; everyone else uses taskdef/normalize.h. Pure functions over
// immutable tables; thread-safe.
#pragma once

#include <rapidjson/document.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/json.h"
#include "common/status.h"
#include "taskdef/spec.h"

namespace ecs::taskdef::schema {

// A name as ECS quotes it in validation messages: 'name'.
inline std::string Quote(std::string_view s) { return "'" + std::string(s) + "'"; }

enum class Kind { kString, kInt, kBool, kStringList, kIntList, kStringMap, kStruct, kStructList };

struct Member;
struct Fields {
  const Member* data = nullptr;
  size_t size = 0;
};
template <size_t N>
constexpr Fields F(const Member (&members)[N]) {
  return {members, N};
}

struct Member {
  std::string_view key;
  Kind kind;
  Fields fields;                             // kStruct / kStructList: the element's members
  std::span<const std::string_view> values;  // enum values (for lists: of each element)
  bool required;                             // model `required` (nested structures only)
};

inline std::span<const Member> Span(Fields f) { return {f.data, f.size}; }

// The shapes the rest of the task-definition code walks.
std::span<const Member> RequestShape();        // RegisterTaskDefinitionRequest
std::span<const Member> DaemonRequestShape();  // RegisterDaemonTaskDefinitionRequest
const Member* FindMember(std::span<const Member> shape, std::string_view key);

// Pass 1 over the whole request (an object): wrong JSON types (and integers wider than 32 bits)
// fail `r` with SerializationException naming the member path (JsonObjectReader's wording); the
// first enum or missing-required-member problem is kept in `content` as a ClientException.
// `shape` is RequestShape() or DaemonRequestShape().
void CheckShape(const rapidjson::Value& request, std::span<const Member> shape, JsonObjectReader& r,
                Status& content);

// --- Typed access after pass 1: every present member is known to have its model type. ---

// Same acceptance as JsonObjectReader::Int: an int64, or a double with no fractional part.
bool IsIntegral(const rapidjson::Value& v);
int64_t AsInt(const rapidjson::Value& v);
// The member, or nullptr when absent or null.
const rapidjson::Value* Get(const rapidjson::Value& obj, std::string_view key);
std::optional<std::string> GetString(const rapidjson::Value& obj, std::string_view key);
// "" counts as absent (role ARNs: botocore's own example sends taskRoleArn "").
std::optional<std::string> GetNonEmptyString(const rapidjson::Value& obj, std::string_view key);
std::optional<int64_t> GetInt(const rapidjson::Value& obj, std::string_view key);
bool GetBool(const rapidjson::Value& obj, std::string_view key, bool fallback);
// The elements of a list member; empty when absent.
rapidjson::Value::ConstArray Items(const rapidjson::Value& obj, std::string_view key);
// Absent, null and [] are all "not set" for ECS's "is this feature used" checks (CloudFormation
// and CDK send empty lists for everything; AWS accepts them on Fargate).
bool NonEmpty(const rapidjson::Value& obj, std::string_view key);

// --- Echo ---

// The TaskDefinition body (see TaskDefinitionSpec::body): task members in AWS's order,
// containers and port mappings in the client's order with ECS's defaults appended after the
// members the client sent. REQUIRES: `request` passed CheckShape; `spec` is complete except
// body.
std::string WriteBody(const rapidjson::Value& request, const TaskDefinitionSpec& spec,
                      TaskDefinitionSpec::Splices* splices);

// The members of `request` that `shape` knows, at every depth, in the client's order (a compact
// JSON object). The daemon request is validated on this copy, so a ContainerDefinition member a
// DaemonContainerDefinition lacks (portMappings, links, ...) is ignored as the model says.
// REQUIRES: `request` passed CheckShape against `shape`.
std::string EchoKnown(const rapidjson::Value& request, std::span<const Member> shape);

// The DaemonTaskDefinition body: containerDefinitions (with the defaults a task definition's
// containers get, for the members a daemon container has), family, taskRoleArn,
// executionRoleArn, volumes, cpu and memory (normalized). REQUIRES: `request` is an EchoKnown
// copy of a daemon request; `spec` is complete except body.
std::string WriteDaemonBody(const rapidjson::Value& request, const TaskDefinitionSpec& spec);

}  // namespace ecs::taskdef::schema
