#include "scheduler/query_values.h"

#include <algorithm>
#include <charconv>
#include <system_error>

namespace ecs::scheduler {
namespace {

// Reads exactly `width` digits at text[pos]; nullopt if any is missing or not a digit.
std::optional<int64_t> FixedDigits(std::string_view text, size_t pos, size_t width) {
  if (pos + width > text.size()) return std::nullopt;
  int64_t value = 0;
  for (size_t i = pos; i < pos + width; ++i) {
    if (!IsQueryDigit(text[i])) return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

bool IsLeapYear(int64_t year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int64_t DaysInMonth(int64_t year, int64_t month) {
  static constexpr int64_t kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

// Floor division, because registration times before 1970 must still land on the right day.
int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

int Sign(int64_t v) { return v < 0 ? -1 : (v > 0 ? 1 : 0); }

// Wildcard markers in a simplified pattern. Regexes whose literals contain these bytes are not
// simplified, so the markers are unambiguous.
constexpr char kAnyChar = '\x00';      // '.'
constexpr char kAnySequence = '\x01';  // '.*'

// RE2's '.' (without the s flag) matches any character but '\n'. Java's also leaves out '\r',
// U+0085, U+2028 and U+2029, which no attribute value, instance id or task group can contain.
bool IsLineTerminator(char c) { return c == '\n'; }

// The bytes of the UTF-8 character starting at text[i] ('.' matches a character, not a byte;
// request strings are valid UTF-8, see common/utf8.h).
size_t CharLength(std::string_view text, size_t i) {
  const auto lead = static_cast<unsigned char>(text[i]);
  const size_t length = lead < 0xC0 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
  return std::min(length, text.size() - i);
}

}  // namespace

std::optional<double> ParseQueryNumber(std::string_view text) {
  // Validate the shape by hand: from_chars would also accept "inf", "nan" and exponents, which
  // would make attribute values like "nan" sort as numbers.
  size_t i = 0;
  if (i < text.size() && text[i] == '-') ++i;
  size_t int_digits = 0;
  while (i < text.size() && IsQueryDigit(text[i])) ++i, ++int_digits;
  size_t frac_digits = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && IsQueryDigit(text[i])) ++i, ++frac_digits;
    if (frac_digits == 0) return std::nullopt;
  }
  if (i != text.size() || (int_digits == 0 && frac_digits == 0)) return std::nullopt;
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<int64_t> ParseQueryInteger(std::string_view text) {
  if (text.empty()) return std::nullopt;
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<std::vector<int64_t>> ParseVersion(std::string_view text) {
  if (!text.empty() && (text[0] == 'v' || text[0] == 'V')) text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  std::vector<int64_t> parts;
  size_t start = 0;
  while (true) {
    size_t dot = text.find('.', start);
    std::string_view part =
        text.substr(start, dot == std::string_view::npos ? text.npos : dot - start);
    if (part.empty() || !std::all_of(part.begin(), part.end(), IsQueryDigit)) return std::nullopt;
    int64_t value = 0;
    auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (ec != std::errc()) return std::nullopt;
    parts.push_back(value);
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return parts;
}

int CompareVersions(const std::vector<int64_t>& a, const std::vector<int64_t>& b) {
  size_t n = std::max(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    int64_t x = i < a.size() ? a[i] : 0;
    int64_t y = i < b.size() ? b[i] : 0;
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

std::optional<int> CompareVersionText(std::string_view text, const std::vector<int64_t>& version) {
  if (!text.empty() && (text[0] == 'v' || text[0] == 'V')) text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  int result = 0;
  size_t index = 0;
  size_t start = 0;
  while (true) {
    size_t dot = text.find('.', start);
    std::string_view part =
        text.substr(start, dot == std::string_view::npos ? text.npos : dot - start);
    if (part.empty() || !std::all_of(part.begin(), part.end(), IsQueryDigit)) return std::nullopt;
    int64_t value = 0;
    auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (ec != std::errc()) return std::nullopt;
    // Keep scanning after the first difference so a malformed tail still yields nullopt.
    int64_t other = index < version.size() ? version[index] : 0;
    if (result == 0 && value != other) result = value < other ? -1 : 1;
    ++index;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  for (; result == 0 && index < version.size(); ++index) {
    if (version[index] != 0) result = version[index] > 0 ? -1 : 1;
  }
  return result;
}

std::optional<std::string> SimplifyRegex(std::string_view regex) {
  constexpr std::string_view kSpecial = "^$*+?()[]{}|";
  constexpr std::string_view kQuantifiers = "*+?{";
  std::string out;
  for (size_t i = 0; i < regex.size(); ++i) {
    const char c = regex[i];
    if (c == kAnyChar || c == kAnySequence) return std::nullopt;
    if (c == '.') {
      if (i + 1 < regex.size() && regex[i + 1] == '*') {
        out += kAnySequence;
        ++i;
      } else {
        out += kAnyChar;
      }
    } else if (c == '\\') {
      // Only escaped punctuation is a plain literal; \d, \w, \b, \1 … are not.
      if (i + 1 >= regex.size()) return std::nullopt;
      const char escaped = regex[i + 1];
      if (IsQueryDigit(escaped) || (escaped >= 'a' && escaped <= 'z') ||
          (escaped >= 'A' && escaped <= 'Z') || escaped == kAnyChar || escaped == kAnySequence) {
        return std::nullopt;
      }
      out += escaped;
      ++i;
    } else if (kSpecial.find(c) != std::string_view::npos) {
      return std::nullopt;
    } else {
      out += c;
    }
    // A quantifier on the atom just read (a*, .+, x?, .*?, .{2}) is beyond the simple form.
    if (i + 1 < regex.size() && kQuantifiers.find(regex[i + 1]) != std::string_view::npos) {
      return std::nullopt;
    }
  }
  return out;
}

bool MatchSimplePattern(std::string_view pattern, std::string_view text) {
  // Classic wildcard matching with one backtrack point: on a mismatch, let the last '.*' absorb
  // one more character. Linear for the patterns seen in practice.
  size_t p = 0;
  size_t t = 0;
  size_t star = std::string_view::npos;
  size_t mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == kAnySequence) {
      star = p++;
      mark = t;
    } else if (p < pattern.size() && pattern[p] == kAnyChar && !IsLineTerminator(text[t])) {
      ++p;
      t += CharLength(text, t);
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos && !IsLineTerminator(text[mark])) {
      p = star + 1;
      mark += CharLength(text, mark);
      t = mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == kAnySequence) ++p;
  return p == pattern.size();
}

int64_t DaysFromCivil(int64_t year, int64_t month, int64_t day) {
  year -= month <= 2 ? 1 : 0;
  const int64_t era = FloorDiv(year, 400);
  const int64_t yoe = year - era * 400;                                          // [0, 399]
  const int64_t doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;  // [0, 365]
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;                     // [0, 146096]
  return era * 146097 + doe - 719468;
}

std::optional<QueryTime> ParseQueryTime(std::string_view text) {
  // YYYY-MM-DD is common to every form.
  auto year = FixedDigits(text, 0, 4);
  auto month = FixedDigits(text, 5, 2);
  auto day = FixedDigits(text, 8, 2);
  if (!year || !month || !day || text[4] != '-' || text[7] != '-') return std::nullopt;
  if (*month < 1 || *month > 12 || *day < 1 || *day > DaysInMonth(*year, *month)) {
    return std::nullopt;
  }
  const int64_t days = DaysFromCivil(*year, *month, *day);
  if (text.size() == 10) return QueryTime{true, days};

  // THH:MM:SS
  if (text.size() < 19 || text[10] != 'T' || text[13] != ':' || text[16] != ':') {
    return std::nullopt;
  }
  auto hour = FixedDigits(text, 11, 2);
  auto minute = FixedDigits(text, 14, 2);
  auto second = FixedDigits(text, 17, 2);
  if (!hour || !minute || !second || *hour > 23 || *minute > 59 || *second > 59) {
    return std::nullopt;
  }
  int64_t seconds = days * 86400 + *hour * 3600 + *minute * 60 + *second;

  std::string_view zone = text.substr(19);
  if (zone.empty() || zone == "Z") return QueryTime{false, seconds};
  // ±hh:mm: the literal is local time at that offset, so UTC = local - offset.
  if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') || zone[3] != ':') {
    return std::nullopt;
  }
  auto off_hour = FixedDigits(zone, 1, 2);
  auto off_minute = FixedDigits(zone, 4, 2);
  if (!off_hour || !off_minute || *off_hour > 23 || *off_minute > 59) return std::nullopt;
  int64_t offset = *off_hour * 3600 + *off_minute * 60;
  seconds -= zone[0] == '+' ? offset : -offset;
  return QueryTime{false, seconds};
}

int CompareRegisteredAt(Millis registered_at, const QueryTime& literal) {
  if (literal.date_only) return Sign(FloorDiv(registered_at, 86'400'000) - literal.value);
  return Sign(FloorDiv(registered_at, 1000) - literal.value);
}

}  // namespace ecs::scheduler
