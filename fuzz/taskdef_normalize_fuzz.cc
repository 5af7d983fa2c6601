// libFuzzer target: task-definition normalization (taskdef/normalize.h) on any request body
// the decoder accepts: a spec or ECS's ClientException / InvalidParameterException /
// SerializationException (a member of the wrong type), nothing else.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/json.h"
#include "taskdef/normalize.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto doc = ecs::ParseJsonObject(text);
  if (!doc.ok()) return 0;
  auto spec = ecs::taskdef::NormalizeTaskDefinition(**doc);
  const ecs::ErrorCode code = spec.ok() ? ecs::ErrorCode::kOk : spec.status().code();
  if (code != ecs::ErrorCode::kOk && code != ecs::ErrorCode::kClientException &&
      code != ecs::ErrorCode::kInvalidParameterException &&
      code != ecs::ErrorCode::kSerializationException) {
    __builtin_trap();
  }
  return 0;
}
