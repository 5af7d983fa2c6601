// Small integer ids for the built-in attribute names every simulated instance carries (the
// agent's capabilities, model/agent_capabilities.h, and the ecs.* facts). Placement checks a
// task definition's requiresAttributes against every candidate; looking each name up in the
// instance's attribute map (~12 names with long shared prefixes) was 72 % of a RunTask's
// instructions at 5,000 instances (bench/RESULTS.md, 2026-12-06). With ids, an instance's
// known names are a bitset and a requirement is one mask test. Names outside the table (custom
// attributes, capabilities a real agent reports that ours does not) keep the map lookup.
#pragma once

#include <bitset>
#include <cstddef>
#include <string_view>

namespace ecs::scheduler {

inline constexpr size_t kMaxKnownAttributes = 128;
using KnownAttributeSet = std::bitset<kMaxKnownAttributes>;

// The name's id in [0, kMaxKnownAttributes), or -1 when the table does not know it.
int KnownAttributeId(std::string_view name);

}  // namespace ecs::scheduler
