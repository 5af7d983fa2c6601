// One to/from-wire conversion for every enum of the model: an enum whose values are numbered
// 0..N-1 specializes WireNames with the N names ECS uses on the wire, in value order, and gets
// ToString() and Parse<E>() from here. api/ (requests, replies) and storage/ (rows) are the only
// places that convert; everything else compares enum values.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace ecs::model {

// Specialize as: template <> struct WireNames<E> { static constexpr std::array kNames = {...}; };
template <typename E>
struct WireNames;

template <typename E>
constexpr std::string_view ToString(E value) {
  return WireNames<E>::kNames[static_cast<size_t>(value)];
}

template <typename E>
constexpr std::optional<E> Parse(std::string_view text) {
  const auto& names = WireNames<E>::kNames;
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == text) return static_cast<E>(i);
  }
  return std::nullopt;
}

// Every wire name of E, in value order ("one of [...]" error messages list them).
template <typename E>
constexpr const auto& WireNamesOf() {
  return WireNames<E>::kNames;
}

}  // namespace ecs::model
