#include "common/log.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <ctime>
#include <string>

#include "common/clock.h"

namespace ecs {

namespace {
std::atomic<int> g_level{static_cast<int>(LogLevel::kInfo)};
std::atomic<int> g_format{static_cast<int>(LogFormat::kText)};
const char* kTextNames[] = {"DEBUG", "INFO", "WARN", "ERROR"};
const char* kJsonNames[] = {"debug", "info", "warn", "error"};

bool Json() { return g_format.load() == static_cast<int>(LogFormat::kJson); }

// "2024-06-07T12:00:00.123Z"
std::string Timestamp() {
  const Millis now = SystemNowMillis();
  const auto secs = static_cast<time_t>(now / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  const int n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                              tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                              tm.tm_sec, static_cast<int>(now % 1000));
  return {buf, static_cast<size_t>(n)};
}

// Text: "<time> INFO  "; JSON: {"time":"…","level":"info"
std::string Prefix(LogLevel level) {
  const auto l = static_cast<size_t>(level);
  if (Json()) {
    return std::string(R"({"time":")") + Timestamp() + R"(","level":")" + kJsonNames[l] + "\"";
  }
  char name[8];
  std::snprintf(name, sizeof name, "%-5s ", kTextNames[l]);
  return Timestamp() + " " + name;
}

void AppendJsonString(std::string& out, std::string_view s) {
  out += '"';
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

void WriteLine(std::string& line) {
  line += '\n';
  ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
  (void)ignored;
}
}  // namespace

bool ParseLogLevel(std::string_view s, LogLevel* out) {
  if (s == "debug")
    *out = LogLevel::kDebug;
  else if (s == "info")
    *out = LogLevel::kInfo;
  else if (s == "warn" || s == "warning")
    *out = LogLevel::kWarn;
  else if (s == "error")
    *out = LogLevel::kError;
  else if (s == "off")
    *out = LogLevel::kOff;
  else
    return false;
  return true;
}

bool ParseLogFormat(std::string_view s, LogFormat* out) {
  if (s == "text")
    *out = LogFormat::kText;
  else if (s == "json")
    *out = LogFormat::kJson;
  else
    return false;
  return true;
}

void SetLogLevel(LogLevel level) { g_level.store(static_cast<int>(level)); }
void SetLogFormat(LogFormat format) { g_format.store(static_cast<int>(format)); }

bool LogEnabled(LogLevel level) {
  return level != LogLevel::kOff && static_cast<int>(level) >= g_level.load();
}

void Log(LogLevel level, std::string_view message) {
  if (!LogEnabled(level)) return;
  std::string line = Prefix(level);
  if (Json()) {
    line += R"(,"msg":)";
    AppendJsonString(line, message);
    line += '}';
  } else {
    line += message;
  }
  WriteLine(line);
}

std::string LogTextValue(std::string_view value) {
  bool plain = !value.empty();
  for (char c : value) {
    if (c == ' ' || c == '"' || c == '=' || c == '\\' || static_cast<unsigned char>(c) < 0x20) {
      plain = false;
      break;
    }
  }
  if (plain) return std::string(value);
  std::string out;
  AppendJsonString(out, value);  // the same escapes, readable in a terminal
  return out;
}

LogEvent::LogEvent(LogLevel level, std::string_view event) : level_(level) {
  if (level_ == LogLevel::kOff) return;
  line_ = Prefix(level);
  if (Json()) {
    line_ += R"(,"event":)";
    AppendJsonString(line_, event);
  } else {
    line_ += event;
  }
}

void LogEvent::AppendKey(std::string_view key) {
  if (Json()) {
    line_ += ',';
    AppendJsonString(line_, key);
    line_ += ':';
  } else {
    line_ += ' ';
    line_ += key;
    line_ += '=';
  }
}

LogEvent& LogEvent::Str(std::string_view key, std::string_view value) {
  AppendKey(key);
  if (Json()) {
    AppendJsonString(line_, value);
  } else {
    line_ += LogTextValue(value);
  }
  return *this;
}

LogEvent& LogEvent::Int(std::string_view key, int64_t value) {
  AppendKey(key);
  line_ += std::to_string(value);
  return *this;
}

LogEvent& LogEvent::Fixed3(std::string_view key, double value) {
  AppendKey(key);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", value);
  line_ += buf;
  return *this;
}

void LogEvent::Write() {
  if (!LogEnabled(level_)) return;
  if (Json()) line_ += '}';
  WriteLine(line_);
}

}  // namespace ecs
