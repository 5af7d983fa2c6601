// Evaluation of a parsed cluster query against one instance (docs/scheduling.md §5.2). Runs once
// per candidate instance per placement, so it allocates nothing: literals were converted by the
// parser, and instance data is compared in place.
#include <algorithm>
#include <string_view>

#include "scheduler/query_language.h"
#include "scheduler/query_regex.h"

namespace ecs::scheduler {
namespace {

// Applies an ordering or (in)equality operator to the result of a three-way comparison.
bool ApplyOrder(QueryOperator op, int cmp) {
  switch (op) {
    case QueryOperator::kEquals:
      return cmp == 0;
    case QueryOperator::kNotEquals:
      return cmp != 0;
    case QueryOperator::kGreaterThan:
      return cmp > 0;
    case QueryOperator::kGreaterThanEqual:
      return cmp >= 0;
    case QueryOperator::kLessThan:
      return cmp < 0;
    case QueryOperator::kLessThanEqual:
      return cmp <= 0;
    default:
      return false;
  }
}

int Compare3(auto a, auto b) { return a < b ? -1 : (b < a ? 1 : 0); }

bool RegexMatches(const QueryComparison& c, std::string_view text) {
  if (c.simple_pattern) return MatchSimplePattern(*c.simple_pattern, text);
  return c.regex != nullptr && MatchesWhole(*c.regex, text);
}

bool InList(const QueryComparison& c, std::string_view text) {
  for (const QueryValue& v : c.values) {
    if (v.text == text) return true;
  }
  return false;
}

// String-typed subjects (attribute values, ec2InstanceId, agentConnected).
bool CompareString(const QueryComparison& c, std::string_view text) {
  switch (c.op) {
    case QueryOperator::kEquals:
      return text == c.values[0].text;
    case QueryOperator::kNotEquals:
      return text != c.values[0].text;
    case QueryOperator::kMatches:
      return RegexMatches(c, text);
    case QueryOperator::kNotMatches:
      return !RegexMatches(c, text);
    case QueryOperator::kIn:
      return InList(c, text);
    case QueryOperator::kNotIn:
      return !InList(c, text);
    case QueryOperator::kGreaterThan:
    case QueryOperator::kGreaterThanEqual:
    case QueryOperator::kLessThan:
    case QueryOperator::kLessThanEqual: {
      // Numeric when both sides are numbers ("10" > "9"), otherwise lexicographic.
      const QueryValue& v = c.values[0];
      if (v.number) {
        if (auto n = ParseQueryNumber(text)) return ApplyOrder(c.op, Compare3(*n, *v.number));
      }
      return ApplyOrder(c.op, Compare3(text, std::string_view(v.text)));
    }
    case QueryOperator::kExists:
    case QueryOperator::kNotExists:
      return false;  // handled by the caller; unreachable for string subjects
  }
  return false;
}

bool EvalAttribute(const QueryComparison& c, const InstanceView& instance) {
  const bool presence_only = c.op == QueryOperator::kExists || c.op == QueryOperator::kNotExists;
  if (!presence_only) {
    // The zone and the instance type are what memberOf expressions name most; their hot copies
    // spare the attribute-map lookup on every candidate.
    if (const std::string* hot = HotAttributeValue(instance, c.attribute)) {
      return CompareString(c, *hot);
    }
  }
  auto it = instance.attributes.find(c.attribute);
  const bool present = it != instance.attributes.end();
  if (c.op == QueryOperator::kExists) return present;
  if (c.op == QueryOperator::kNotExists) return !present;
  // A missing attribute fails every comparison, `!=` included: the docs' `attribute:stack != prod`
  // lists only instances that have a stack. A valueless attribute likewise only answers `exists`.
  if (!present || !it->second.has_value()) return false;
  return CompareString(c, *it->second);
}

// task:group: positive operators are affinity ("some task's group matches"); negative ones hold
// when no task's group matches, which is the anti-affinity reading.
bool EvalTaskGroup(const QueryComparison& c, const InstanceView& instance,
                   const PendingTasks& pending) {
  auto any_group = [&](auto&& pred) {
    if (pending.count > 0 && !pending.group.empty() && pred(pending.group)) return true;
    for (const auto& [group, count] : instance.task_group_counts) {
      if (count > 0 && pred(std::string_view(group))) return true;
    }
    return false;
  };
  switch (c.op) {
    case QueryOperator::kEquals:
      return any_group([&](std::string_view g) { return g == c.values[0].text; });
    case QueryOperator::kNotEquals:
      return !any_group([&](std::string_view g) { return g == c.values[0].text; });
    case QueryOperator::kIn:
      return any_group([&](std::string_view g) { return InList(c, g); });
    case QueryOperator::kNotIn:
      return !any_group([&](std::string_view g) { return InList(c, g); });
    case QueryOperator::kMatches:
      return any_group([&](std::string_view g) { return RegexMatches(c, g); });
    case QueryOperator::kNotMatches:
      return !any_group([&](std::string_view g) { return RegexMatches(c, g); });
    default:
      return false;
  }
}

bool EvalComparison(const QueryComparison& c, const InstanceView& instance,
                    const PendingTasks& pending) {
  switch (c.subject) {
    case QuerySubject::kAttribute:
      return EvalAttribute(c, instance);
    case QuerySubject::kAgentConnected:
      return CompareString(c, instance.agent_connected ? "true" : "false");
    case QuerySubject::kEc2InstanceId:
      return CompareString(c, instance.ec2_instance_id);
    case QuerySubject::kAgentVersion: {
      // An instance whose agent version is unknown matches no version comparison.
      auto cmp = CompareVersionText(instance.agent_version, c.values[0].version);
      return cmp.has_value() && ApplyOrder(c.op, *cmp);
    }
    case QuerySubject::kRegisteredAt:
      return ApplyOrder(c.op, CompareRegisteredAt(instance.registered_at, c.values[0].time));
    case QuerySubject::kRunningTasksCount:
      return ApplyOrder(
          c.op, Compare3(instance.running_tasks_count + pending.count, c.values[0].integer));
    case QuerySubject::kTaskGroup:
      return EvalTaskGroup(c, instance, pending);
  }
  return false;
}

bool EvalNode(const Expression& e, int32_t index, const InstanceView& instance,
              const PendingTasks& pending) {
  const Expression::Node& node = e.nodes()[index];
  switch (node.kind) {
    case Expression::Kind::kAnd:
      return EvalNode(e, node.lhs, instance, pending) && EvalNode(e, node.rhs, instance, pending);
    case Expression::Kind::kOr:
      return EvalNode(e, node.lhs, instance, pending) || EvalNode(e, node.rhs, instance, pending);
    case Expression::Kind::kNot:
      return !EvalNode(e, node.lhs, instance, pending);
    case Expression::Kind::kComparison:
      return EvalComparison(e.comparisons()[node.comparison], instance, pending);
  }
  return false;
}

}  // namespace

bool Matches(const Expression& expression, const InstanceView& instance,
             const PendingTasks& pending) {
  if (expression.empty()) return true;
  return EvalNode(expression, expression.root(), instance, pending);
}

bool ReadsOnlyZoneAndType(const Expression& expression) {
  if (expression.empty()) return false;
  return std::all_of(
      expression.comparisons().begin(), expression.comparisons().end(),
      [](const QueryComparison& c) {
        return c.subject == QuerySubject::kAttribute && c.op != QueryOperator::kExists &&
               c.op != QueryOperator::kNotExists &&
               (c.attribute == kAvailabilityZoneAttribute || c.attribute == kInstanceTypeAttribute);
      });
}

}  // namespace ecs::scheduler
