// Leveled logging to stderr, as text (the default) or one JSON object per line
// (--log-format json). The level and format are set once at start-up.
//
// Two kinds of lines: Log() writes a plain message; LogEvent writes an event name with
// key=value fields (text) or members (JSON), e.g. the one line per request:
//   2024-06-07T12:00:00.123Z INFO  request id=… account=… region=… op=RunTask status=200 ms=0.41
//   {"time":"2024-06-07T12:00:00.123Z","level":"info","event":"request","id":"…",…,"ms":0.41}
// Build a LogEvent only after LogEnabled(level) said yes: its fields cost string work.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ecs {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3, kOff = 4 };
enum class LogFormat { kText, kJson };

bool ParseLogLevel(std::string_view s, LogLevel* out);
bool ParseLogFormat(std::string_view s, LogFormat* out);
void SetLogLevel(LogLevel level);
void SetLogFormat(LogFormat format);
bool LogEnabled(LogLevel level);
// One line, prefixed with a UTC timestamp and the level. Thread-safe (one write(2) per line).
void Log(LogLevel level, std::string_view message);

// One structured line: an event name and its fields, in the order added. Write() emits it
// (thread-safe, one write(2)); a LogEvent is used once, on one thread.
class LogEvent {
 public:
  LogEvent(LogLevel level, std::string_view event);
  LogEvent& Str(std::string_view key, std::string_view value);
  LogEvent& Int(std::string_view key, int64_t value);
  // A number with three decimals (durations in milliseconds).
  LogEvent& Fixed3(std::string_view key, double value);
  void Write();

 private:
  void AppendKey(std::string_view key);
  LogLevel level_;
  std::string line_;
};

// Text-format quoting: `value` as is when it is a plain word, else in double quotes with the
// quote, the backslash and control characters escaped. Exposed for tests.
std::string LogTextValue(std::string_view value);

}  // namespace ecs
