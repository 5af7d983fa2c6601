// Durations as the emulator's own API writes them: "1500ms", "30s", "5m", "2h", or a plain
// number of seconds ("2", "0.5"). Used by /_emulator/clock, /_emulator/task-behaviors and the
// ecs-emulator.* dockerLabels. Pure.
#pragma once

#include <optional>
#include <string_view>

#include "common/clock.h"

namespace ecs {

// The duration in milliseconds; nullopt when `text` is not one (negative, unknown unit, over
// ten years).
std::optional<Millis> ParseDuration(std::string_view text);

}  // namespace ecs
