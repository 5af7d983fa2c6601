// Minimal leveled logging to stderr. The level is set once at start-up.
#pragma once

#include <string_view>

namespace ecs {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3, kOff = 4 };

bool ParseLogLevel(std::string_view s, LogLevel* out);
void SetLogLevel(LogLevel level);
bool LogEnabled(LogLevel level);
// One line, prefixed with a UTC timestamp and the level. Thread-safe (one write(2) per line).
void Log(LogLevel level, std::string_view message);

}  // namespace ecs
