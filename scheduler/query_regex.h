// The regular expressions of the cluster query language's `=~` / `!~` (docs/scheduling.md §5.2),
// on RE2: time linear in the value whatever the pattern (no backtracking), and a bounded program.
//
// ECS documents Java regex syntax. RE2 reads the Java that users write — classes, alternation,
// groups, quantifiers, \d \w \s, \Q...\E — and refuses what it cannot match in linear time
// (backreferences, lookaround, possessive quantifiers): such a pattern is an
// InvalidParameterException naming RE2's reason, never a pattern silently read another way.
//
// Pure functions; a compiled RE2 is immutable and thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "common/status.h"

namespace re2 {
class RE2;
}

namespace ecs::scheduler {

// Memory RE2 may use for one pattern's compiled program and its match cache. A pattern whose
// program does not fit (`(a{100}){100}` and the like) is refused; matches that outgrow the cache
// fall back to RE2's slower but still linear engine. Every query is at most 2,000 characters, so
// a few hundred KiB serve any hand-written pattern.
inline constexpr int64_t kMaxRegexMemoryBytes = 256 << 10;

// Compiles `pattern` (UTF-8, '.' not matching '\n'); InvalidParameterException with RE2's reason
// ("missing ): (a", "invalid perl operator: (?<", "pattern too large - compile failed") when it
// is not one RE2 can run.
Result<std::shared_ptr<const re2::RE2>> CompileQueryRegex(std::string_view pattern);

// Whether the whole of `text` matches (Java's Pattern.matches, not find).
bool MatchesWhole(const re2::RE2& regex, std::string_view text);

}  // namespace ecs::scheduler
