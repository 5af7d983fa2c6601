#include "common/duration.h"

#include <cctype>
#include <cstdlib>
#include <string>

namespace ecs {

namespace {
constexpr double kMaxMillis = 10.0 * 366 * 24 * 3'600'000;  // ten years: nothing needs more
}  // namespace

std::optional<Millis> ParseDuration(std::string_view text) {
  size_t i = 0;
  bool dot = false;
  while (i < text.size() &&
         (std::isdigit(static_cast<unsigned char>(text[i])) || (text[i] == '.' && !dot))) {
    dot = dot || text[i] == '.';
    ++i;
  }
  if (i == 0 || text.substr(0, i) == ".") return std::nullopt;
  const double n = std::strtod(std::string(text.substr(0, i)).c_str(), nullptr);
  const std::string_view unit = text.substr(i);
  double scale = 0;
  if (unit == "ms") {
    scale = 1;
  } else if (unit == "s" || unit.empty()) {
    scale = 1000;
  } else if (unit == "m") {
    scale = 60'000;
  } else if (unit == "h") {
    scale = 3'600'000;
  } else {
    return std::nullopt;
  }
  const double ms = n * scale;
  if (ms > kMaxMillis) return std::nullopt;
  return static_cast<Millis>(ms);
}

}  // namespace ecs
