// Test-only: compare a model enum with its wire name (`task->desired_status == "STOPPED"`), and
// print enums by wire name in Catch2's messages. Assertions then read like the API they check.
#pragma once

#include <ostream>
#include <string_view>

#include "model/wire_enum.h"

namespace ecs::model {

template <typename E>
concept WireEnum = requires { WireNames<E>::kNames; };

template <WireEnum E>
bool operator==(E value, std::string_view name) {
  return ToString(value) == name;
}

template <WireEnum E>
std::ostream& operator<<(std::ostream& os, E value) {
  return os << ToString(value);
}

}  // namespace ecs::model
