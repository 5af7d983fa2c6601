// libFuzzer target: the request decoder (common/json.h) on any bytes. A body must parse or be
// refused with a Status (never a crash), and what parses must be readable member by member with
// every accessor the operations use, each answering a value or a type error.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/json.h"
#include "common/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto doc = ecs::ParseJsonObject(text);
  if (!doc.ok()) return 0;
  // What parsed is UTF-8 and so is every string in it (ParseJsonObject's promise).
  if (!ecs::IsValidUtf8(text)) __builtin_trap();
  for (const auto& member : (*doc)->GetObject()) {
    const std::string_view key(member.name.GetString(), member.name.GetStringLength());
    ecs::JsonObjectReader in(**doc);
    (void)in.String(key);
    (void)in.Int(key);
    (void)in.Long(key);
    (void)in.Double(key);
    (void)in.Bool(key);
    (void)in.Timestamp(key);
    (void)in.StringList(key);
    (void)in.Object(key);
  }
  return 0;
}
