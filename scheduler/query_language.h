// The ECS cluster query language (docs/scheduling.md §5): the expressions of memberOf placement
// constraints and of ListContainerInstances.filter.
//
// ParseQuery turns text into an immutable Expression once, pre-parsing every literal for its
// subject's type (numbers, versions, dates, compiled regexes), so Matches can run per instance per
// placement without allocating. Parse errors are InvalidParameterException values whose message
// names the 1-based character position and what was expected there.
//
// `=~` / `!~` take the Java-style regular expressions ECS documents, matched against the whole
// value, on RE2 (query_regex.h): matching takes time linear in the value whatever the pattern,
// where a backtracking engine took 18 s on `(a|aa)*b` and a 40-character value.
//
// Pure functions. A parsed Expression is immutable and may be shared read-only across threads
// (RE2 matching is const and thread-safe).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "scheduler/instance_view.h"
#include "scheduler/query_values.h"

namespace re2 {
class RE2;
}

namespace ecs::scheduler {

inline constexpr size_t kMaxQueryLength = 2000;

enum class QuerySubject {
  kAttribute,  // attribute:<name>
  kAgentConnected,
  kAgentVersion,
  kEc2InstanceId,
  kRegisteredAt,
  kRunningTasksCount,
  kTaskGroup,  // task:group
};

enum class QueryOperator {
  kEquals,            // == / equals
  kNotEquals,         // != / not_equals
  kGreaterThan,       // >  / greater_than
  kGreaterThanEqual,  // >= / greater_than_equal
  kLessThan,          // <  / less_than
  kLessThanEqual,     // <= / less_than_equal
  kMatches,           // =~ / matches
  kNotMatches,        // !~ / not_matches
  kExists,            // exists
  kNotExists,         // !exists / not_exists
  kIn,                // in
  kNotIn,             // !in / not_in
};

// The canonical (symbolic where one exists) spelling, e.g. "==", "exists", "not_in".
std::string_view QueryOperatorText(QueryOperator op);

// One literal of a comparison, converted once for the subject's type.
struct QueryValue {
  std::string text;
  std::optional<double> number;  // set when text is a decimal number (attribute ordering)
  int64_t integer = 0;           // runningTasksCount
  std::vector<int64_t> version;  // agentVersion
  QueryTime time;                // registeredAt
};

struct QueryComparison {
  QuerySubject subject = QuerySubject::kAttribute;
  std::string attribute;  // kAttribute only: the name after "attribute:"
  QueryOperator op = QueryOperator::kEquals;
  std::vector<QueryValue> values;  // 1 for binary operators, the list for in/not_in, 0 for exists
  // =~ / !~ only: either the wildcard form of a simple regex (see SimplifyRegex), or the compiled
  // RE2, shared so Expressions stay cheap to copy.
  std::optional<std::string> simple_pattern;
  std::shared_ptr<const re2::RE2> regex;
};

// A parsed expression: a small tree stored in flat vectors (nodes refer to each other by index).
// A default-constructed Expression is empty and matches every instance (an absent filter).
class Expression {
 public:
  enum class Kind { kComparison, kAnd, kOr, kNot };
  struct Node {
    Kind kind = Kind::kComparison;
    int32_t lhs = -1;         // kAnd/kOr/kNot operand (kNot uses lhs only)
    int32_t rhs = -1;         // kAnd/kOr second operand
    int32_t comparison = -1;  // kComparison: index into comparisons()
  };

  Expression() = default;

  bool empty() const { return root_ < 0; }
  int32_t root() const { return root_; }
  const std::vector<Node>& nodes() const { return nodes_; }
  const std::vector<QueryComparison>& comparisons() const { return comparisons_; }

  // Fully parenthesised canonical form, for tests and decision traces, e.g.
  // "((attribute:a == 'x') and (not (runningTasksCount > 2)))".
  std::string DebugString() const;

 private:
  friend class QueryParser;

  std::vector<Node> nodes_;
  std::vector<QueryComparison> comparisons_;
  int32_t root_ = -1;
};

// Parses `text`. REQUIRES nothing; every malformed input yields kInvalidParameterException.
Result<Expression> ParseQuery(std::string_view text);

// Whether `instance` satisfies `expression`. `pending` describes tasks of the current placement
// request already assigned to this instance (they count for runningTasksCount and task:group).
bool Matches(const Expression& expression, const InstanceView& instance,
             const PendingTasks& pending = {});

// Whether `expression` reads nothing but the instance's zone and instance type, through values
// (not `exists`): then two instances with the same non-empty hot copies of both
// (InstanceView::availability_zone, instance_type) get the same answer, and placement evaluates
// it once per distinct pair instead of once per candidate.
bool ReadsOnlyZoneAndType(const Expression& expression);

}  // namespace ecs::scheduler
