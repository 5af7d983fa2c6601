// Typed values of the cluster query language (docs/scheduling.md §5.2): numbers for ordering
// comparisons, dotted agent versions, and the four registeredAt date forms. The parser converts a
// literal once; the evaluator converts instance data with the same functions so both sides agree.
// Pure functions, no locale, no time zone database (only numeric UTC offsets are accepted).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"

namespace ecs::scheduler {

// An ASCII digit, whatever the locale (std::isdigit depends on it).
constexpr bool IsQueryDigit(char c) { return c >= '0' && c <= '9'; }

// A decimal number ("12", "-3", "0.5"); nullopt for anything else (including "inf", "1e5", "").
std::optional<double> ParseQueryNumber(std::string_view text);

// A whole number ("0", "42", "-1"); nullopt otherwise or when it does not fit in int64.
std::optional<int64_t> ParseQueryInteger(std::string_view text);

// Dotted numeric version "1.14.5" -> {1, 14, 5}. An optional leading "v" is accepted because agents
// report versions that way in some places. nullopt when any component is not a number.
std::optional<std::vector<int64_t>> ParseVersion(std::string_view text);

// Component-wise numeric comparison; missing trailing components count as 0 (1.2 == 1.2.0).
// Returns <0, 0 or >0.
int CompareVersions(const std::vector<int64_t>& a, const std::vector<int64_t>& b);

// CompareVersions(ParseVersion(text), version) without allocating; nullopt if text is not a
// version. Used per instance per evaluation.
std::optional<int> CompareVersionText(std::string_view text, const std::vector<int64_t>& version);

// A registeredAt literal. Date-only literals compare at day granularity (the instance's
// registration time is truncated to its UTC day); the others compare at second granularity.
struct QueryTime {
  bool date_only = false;
  int64_t value = 0;  // UTC days since the epoch when date_only, else UTC seconds since the epoch
};

// Accepts YYYY-MM-DD, YYYY-MM-DDThh:mm:ss, YYYY-MM-DDThh:mm:ssZ and YYYY-MM-DDThh:mm:ss±hh:mm
// (no offset means UTC). nullopt for anything else or an impossible date/time.
std::optional<QueryTime> ParseQueryTime(std::string_view text);

// Compares an instance's registration instant with a literal at the literal's granularity.
// Returns <0, 0 or >0 (instance relative to literal).
int CompareRegisteredAt(Millis registered_at, const QueryTime& literal);

// Fast path for =~ / !~: a regex made only of literal characters (escaped punctuation included),
// '.' and '.*' — t2.*, service:.*, m5\..*, .*large — is turned into a wildcard pattern that
// MatchSimplePattern matches as RE2::FullMatch would ('.' is one UTF-8 character other than
// '\n'), without RE2's per-call setup. nullopt for anything else (classes, alternation, groups,
// anchors, other quantifiers), which goes to RE2. Time is O(pattern × text) at worst, both short.
std::optional<std::string> SimplifyRegex(std::string_view regex);
bool MatchSimplePattern(std::string_view pattern, std::string_view text);

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t year, int64_t month, int64_t day);

}  // namespace ecs::scheduler
