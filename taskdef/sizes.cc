// Task size strings ("1 vCPU", "0.5 GB") and the Fargate size table.
#include "taskdef/sizes.h"

#include <algorithm>
#include <cctype>

namespace ecs::taskdef {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool EndsWithNoCase(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  for (size_t i = 0; i < suffix.size(); ++i) {
    char a = static_cast<char>(
        std::tolower(static_cast<unsigned char>(s[s.size() - suffix.size() + i])));
    if (a != suffix[i]) return false;
  }
  return true;
}

std::optional<int64_t> ParseSize(std::string_view text, std::string_view unit, int64_t factor) {
  text = Trim(text);
  if (EndsWithNoCase(text, unit)) {
    return ScaleDecimal(Trim(text.substr(0, text.size() - unit.size())), factor);
  }
  if (text.find('.') != std::string_view::npos) return std::nullopt;  // units are whole numbers
  return ScaleDecimal(text, 1);
}

}  // namespace

std::optional<int64_t> ScaleDecimal(std::string_view number, int64_t factor) {
  size_t dot = number.find('.');
  std::string_view whole = number.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? "" : number.substr(dot + 1);
  if (whole.empty() && frac.empty()) return std::nullopt;
  if (whole.size() > 9 || frac.size() > 6) return std::nullopt;
  auto digits = [](std::string_view d) {
    return std::all_of(d.begin(), d.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (!digits(whole) || !digits(frac)) return std::nullopt;
  int64_t w = 0;
  for (char c : whole) w = w * 10 + (c - '0');
  int64_t f = 0, scale = 1;
  for (char c : frac) {
    f = f * 10 + (c - '0');
    scale *= 10;
  }
  if ((f * factor) % scale != 0) return std::nullopt;
  return w * factor + f * factor / scale;
}

std::optional<int64_t> ParseTaskCpu(std::string_view text) { return ParseSize(text, "vcpu", 1024); }

std::optional<int64_t> ParseTaskMemory(std::string_view text) {
  return ParseSize(text, "gb", 1024);
}

bool IsValidFargateSize(int64_t cpu, int64_t memory) {
  // docs/operations.md A20 / the ECS "task size" table. 256 has three discrete sizes; the others
  // are ranges with a fixed step.
  if (cpu == 256) return memory == 512 || memory == 1024 || memory == 2048;
  struct Row {
    int64_t cpu, min, max, step;
  };
  static constexpr Row kRows[] = {{512, 1024, 4096, 1024},    {1024, 2048, 8192, 1024},
                                  {2048, 4096, 16384, 1024},  {4096, 8192, 30720, 1024},
                                  {8192, 16384, 61440, 4096}, {16384, 32768, 122880, 8192}};
  for (const Row& row : kRows) {
    if (row.cpu == cpu) {
      return memory >= row.min && memory <= row.max && (memory - row.min) % row.step == 0;
    }
  }
  return false;
}

}  // namespace ecs::taskdef
