// Parser of the cluster query language: a hand-written recursive descent over the EBNF of
// docs/scheduling.md §5.1. The lexer is driven by the parser because what a token is depends on
// where it stands: `==1` after a subject is an operator then a value, while a bare value may
// contain
// '=' or '!' (e.g. a regex). Evaluation lives in query_eval.cc.
#include "scheduler/query_language.h"

#include <array>
#include <string>
#include <utility>

#include "scheduler/query_regex.h"
#include "scheduler/query_values.h"

namespace ecs::scheduler {
namespace {

// Deep enough for any hand-written filter, small enough that "((((…" cannot exhaust the stack.
constexpr int kMaxNesting = 100;

constexpr std::string_view kSubjectList =
    "attribute:<name>, agentConnected, agentVersion, ec2InstanceId, registeredAt, "
    "runningTasksCount or task:group";

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool IsLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
// Attribute names: letters, digits, '.', '-', '_', '/', '\' (the ECS attribute-name alphabet).
bool IsNameChar(char c) {
  return IsLetter(c) || IsQueryDigit(c) || c == '.' || c == '-' || c == '_' || c == '/' ||
         c == '\\';
}
bool IsSubjectChar(char c) { return IsNameChar(c) || c == ':'; }
// Characters that end a bare value even without whitespace.
bool IsDelimiter(char c) { return c == '(' || c == ')' || c == '[' || c == ']' || c == ','; }

struct OperatorSpelling {
  std::string_view text;
  QueryOperator op;
};

// Symbols are tried longest first so ">=" is not read as ">" followed by a value "=…".
constexpr std::array<OperatorSpelling, 8> kSymbolOperators = {{
    {"==", QueryOperator::kEquals},
    {"!=", QueryOperator::kNotEquals},
    {">=", QueryOperator::kGreaterThanEqual},
    {"<=", QueryOperator::kLessThanEqual},
    {"=~", QueryOperator::kMatches},
    {"!~", QueryOperator::kNotMatches},
    {">", QueryOperator::kGreaterThan},
    {"<", QueryOperator::kLessThan},
}};

constexpr std::array<OperatorSpelling, 14> kWordOperators = {{
    {"equals", QueryOperator::kEquals},
    {"not_equals", QueryOperator::kNotEquals},
    {"greater_than", QueryOperator::kGreaterThan},
    {"greater_than_equal", QueryOperator::kGreaterThanEqual},
    {"less_than", QueryOperator::kLessThan},
    {"less_than_equal", QueryOperator::kLessThanEqual},
    {"matches", QueryOperator::kMatches},
    {"not_matches", QueryOperator::kNotMatches},
    {"exists", QueryOperator::kExists},
    {"not_exists", QueryOperator::kNotExists},
    {"in", QueryOperator::kIn},
    {"not_in", QueryOperator::kNotIn},
    {"!exists", QueryOperator::kNotExists},
    {"!in", QueryOperator::kNotIn},
}};

struct SubjectSpelling {
  std::string_view text;
  QuerySubject subject;
};

constexpr std::array<SubjectSpelling, 6> kFixedSubjects = {{
    {"agentConnected", QuerySubject::kAgentConnected},
    {"agentVersion", QuerySubject::kAgentVersion},
    {"ec2InstanceId", QuerySubject::kEc2InstanceId},
    {"registeredAt", QuerySubject::kRegisteredAt},
    {"runningTasksCount", QuerySubject::kRunningTasksCount},
    {"task:group", QuerySubject::kTaskGroup},
}};

bool IsOrdering(QueryOperator op) {
  return op == QueryOperator::kGreaterThan || op == QueryOperator::kGreaterThanEqual ||
         op == QueryOperator::kLessThan || op == QueryOperator::kLessThanEqual;
}
bool IsRegex(QueryOperator op) {
  return op == QueryOperator::kMatches || op == QueryOperator::kNotMatches;
}
bool IsExistence(QueryOperator op) {
  return op == QueryOperator::kExists || op == QueryOperator::kNotExists;
}
bool IsList(QueryOperator op) { return op == QueryOperator::kIn || op == QueryOperator::kNotIn; }

// The operator table of docs/scheduling.md §5.2: which operators each subject accepts.
bool SubjectAccepts(QuerySubject subject, QueryOperator op) {
  switch (subject) {
    case QuerySubject::kAttribute:
      return true;
    case QuerySubject::kAgentConnected:
    case QuerySubject::kEc2InstanceId:
    case QuerySubject::kTaskGroup:
      return !IsOrdering(op) && !IsExistence(op);
    case QuerySubject::kAgentVersion:
    case QuerySubject::kRegisteredAt:
    case QuerySubject::kRunningTasksCount:
      return !IsRegex(op) && !IsExistence(op) && !IsList(op);
  }
  return false;
}

std::string SubjectText(const QueryComparison& c) {
  if (c.subject == QuerySubject::kAttribute) return "attribute:" + c.attribute;
  for (const auto& s : kFixedSubjects) {
    if (s.subject == c.subject) return std::string(s.text);
  }
  return "?";
}

}  // namespace

std::string_view QueryOperatorText(QueryOperator op) {
  for (const auto& s : kSymbolOperators) {
    if (s.op == op) return s.text;
  }
  for (const auto& s : kWordOperators) {
    if (s.op == op) return s.text;
  }
  return "?";
}

class QueryParser {
 public:
  explicit QueryParser(std::string_view text) : text_(text) {}

  Result<Expression> Parse() {
    if (text_.size() > kMaxQueryLength) {
      return Error(kMaxQueryLength, "the expression is longer than 2000 characters");
    }
    int32_t root = -1;
    ECS_RETURN_IF_ERROR(ParseOr(&root));
    SkipSpace();
    if (!AtEnd()) {
      if (Peek() == ')') return Error(pos_, "found ')' without a matching '('");
      return Error(pos_, "expected 'and', 'or' or the end of the expression");
    }
    expr_.root_ = root;
    return std::move(expr_);
  }

 private:
  Status ParseOr(int32_t* node) {
    ECS_RETURN_IF_ERROR(ParseAnd(node));
    while (true) {
      SkipSpace();
      if (!ConsumeSymbol("||") && !ConsumeKeyword("or")) return Status::Ok();
      int32_t rhs = -1;
      ECS_RETURN_IF_ERROR(ParseAnd(&rhs));
      *node = AddNode({Expression::Kind::kOr, *node, rhs, -1});
    }
  }

  Status ParseAnd(int32_t* node) {
    ECS_RETURN_IF_ERROR(ParseUnary(node));
    while (true) {
      SkipSpace();
      if (!ConsumeSymbol("&&") && !ConsumeKeyword("and")) return Status::Ok();
      int32_t rhs = -1;
      ECS_RETURN_IF_ERROR(ParseUnary(&rhs));
      *node = AddNode({Expression::Kind::kAnd, *node, rhs, -1});
    }
  }

  Status ParseUnary(int32_t* node) {
    SkipSpace();
    if (++depth_ > kMaxNesting) return Error(pos_, "the expression is nested too deeply");
    Status status;
    // At the start of an operand '!' can only mean "not": no subject starts with it.
    if ((!AtEnd() && Peek() == '!') || PeekKeyword("not")) {
      pos_ += Peek() == '!' ? 1 : 3;
      int32_t operand = -1;
      status = ParseUnary(&operand);
      if (status.ok()) *node = AddNode({Expression::Kind::kNot, operand, -1, -1});
    } else if (!AtEnd() && Peek() == '(') {
      const size_t open = pos_++;
      status = ParseOr(node);
      if (status.ok()) {
        SkipSpace();
        if (AtEnd()) {
          status =
              Error(pos_, "expected ')' to close the '(' at position " + std::to_string(open + 1));
        } else if (Peek() != ')') {
          status = Error(pos_, "expected 'and', 'or' or ')'");
        } else {
          ++pos_;
        }
      }
    } else {
      status = ParseComparison(node);
    }
    --depth_;
    return status;
  }

  Status ParseComparison(int32_t* node) {
    QueryComparison cmp;
    const size_t subject_pos = pos_;
    while (!AtEnd() && IsSubjectChar(Peek())) ++pos_;
    std::string_view word = text_.substr(subject_pos, pos_ - subject_pos);
    if (word.empty()) {
      return Error(subject_pos,
                   std::string("expected a subject (") + std::string(kSubjectList) + ")");
    }
    ECS_RETURN_IF_ERROR(ResolveSubject(word, subject_pos, &cmp));
    const std::string subject_text(word);

    SkipSpace();
    const size_t op_pos = pos_;
    if (!ReadOperator(&cmp.op)) {
      return Error(op_pos, "expected an operator after '" + subject_text + "'");
    }
    const std::string op_text(text_.substr(op_pos, pos_ - op_pos));
    if (!SubjectAccepts(cmp.subject, cmp.op)) {
      return Error(op_pos, "operator '" + op_text + "' cannot be used with " + subject_text);
    }

    if (IsList(cmp.op)) {
      SkipSpace();
      if (AtEnd() || Peek() != '[') return Error(pos_, "expected '[' after '" + op_text + "'");
      ++pos_;
      std::string after = "[";
      while (true) {
        ECS_RETURN_IF_ERROR(ReadConvertedValue(after, &cmp));
        SkipSpace();
        if (!AtEnd() && Peek() == ',') {
          ++pos_;
          after = ",";
          continue;
        }
        if (!AtEnd() && Peek() == ']') {
          ++pos_;
          break;
        }
        return Error(pos_, "expected ',' or ']' in the list");
      }
    } else if (!IsExistence(cmp.op)) {
      ECS_RETURN_IF_ERROR(ReadConvertedValue(op_text, &cmp));
    }
    expr_.comparisons_.push_back(std::move(cmp));
    *node = AddNode({Expression::Kind::kComparison, -1, -1,
                     static_cast<int32_t>(expr_.comparisons_.size() - 1)});
    return Status::Ok();
  }

  Status ResolveSubject(std::string_view word, size_t pos, QueryComparison* cmp) {
    for (const auto& s : kFixedSubjects) {
      if (word == s.text) {
        cmp->subject = s.subject;
        return Status::Ok();
      }
    }
    constexpr std::string_view kPrefix = "attribute:";
    if (word.starts_with(kPrefix)) {
      std::string_view name = word.substr(kPrefix.size());
      if (name.empty()) {
        return Error(pos + kPrefix.size(), "expected an attribute name after 'attribute:'");
      }
      if (size_t colon = name.find(':'); colon != std::string_view::npos) {
        return Error(pos + kPrefix.size() + colon, "unexpected ':' in the attribute name");
      }
      cmp->subject = QuerySubject::kAttribute;
      cmp->attribute = std::string(name);
      return Status::Ok();
    }
    return Error(pos, "expected a subject (" + std::string(kSubjectList) + "), found '" +
                          std::string(word) + "'");
  }

  bool ReadOperator(QueryOperator* op) {
    for (const auto& s : kSymbolOperators) {
      if (text_.substr(pos_).starts_with(s.text)) {
        pos_ += s.text.size();
        *op = s.op;
        return true;
      }
    }
    size_t end = pos_;
    if (end < text_.size() && text_[end] == '!') ++end;  // !exists, !in
    while (end < text_.size() && (IsLetter(text_[end]) || text_[end] == '_')) ++end;
    std::string_view word = text_.substr(pos_, end - pos_);
    for (const auto& s : kWordOperators) {
      if (word == s.text) {
        *op = s.op;
        pos_ = end;
        return true;
      }
    }
    return false;
  }

  // Reads one value (bare, 'single' or "double" quoted) and converts it for the subject.
  Status ReadConvertedValue(const std::string& after, QueryComparison* cmp) {
    SkipSpace();
    const size_t value_pos = pos_;
    // A regex may begin with a group or a class: `=~ (gold|bronze)`, `=~ [ab]c`.
    const bool regex_opening = IsRegex(cmp->op) && (Peek() == '(' || Peek() == '[');
    if (AtEnd() || (IsDelimiter(Peek()) && !regex_opening)) {
      return Error(value_pos, "expected a value after '" + after + "'");
    }
    QueryValue value;
    if (Peek() == '\'' || Peek() == '"') {
      const char quote = Peek();
      size_t close = text_.find(quote, pos_ + 1);
      if (close == std::string_view::npos) {
        return Error(value_pos,
                     std::string("expected a closing ") + quote + " for the quoted value");
      }
      value.text = std::string(text_.substr(pos_ + 1, close - pos_ - 1));
      pos_ = close + 1;
    } else if (IsRegex(cmp->op)) {
      SkipBareRegex();
      value.text = std::string(text_.substr(value_pos, pos_ - value_pos));
    } else {
      while (!AtEnd() && !IsSpace(Peek()) && !IsDelimiter(Peek())) ++pos_;
      value.text = std::string(text_.substr(value_pos, pos_ - value_pos));
    }
    ECS_RETURN_IF_ERROR(ConvertValue(value_pos, cmp, &value));
    cmp->values.push_back(std::move(value));
    return Status::Ok();
  }

  Status ConvertValue(size_t pos, QueryComparison* cmp, QueryValue* value) {
    if (IsRegex(cmp->op)) {
      cmp->simple_pattern = SimplifyRegex(value->text);
      if (cmp->simple_pattern) return Status::Ok();
      auto regex = CompileQueryRegex(value->text);
      if (!regex.ok()) {
        return Error(pos, "expected a valid regular expression, found '" + value->text + "' (" +
                              regex.status().message() + ")");
      }
      cmp->regex = std::move(*regex);
      return Status::Ok();
    }
    switch (cmp->subject) {
      case QuerySubject::kAttribute:
        value->number = ParseQueryNumber(value->text);
        break;
      case QuerySubject::kAgentConnected:
        if (value->text != "true" && value->text != "false") {
          return Error(pos, "expected true or false, found '" + value->text + "'");
        }
        break;
      case QuerySubject::kAgentVersion: {
        auto version = ParseVersion(value->text);
        if (!version)
          return Error(pos, "expected a version like 1.14.5, found '" + value->text + "'");
        value->version = std::move(*version);
        break;
      }
      case QuerySubject::kRegisteredAt: {
        auto time = ParseQueryTime(value->text);
        if (!time) {
          return Error(pos,
                       "expected a date (YYYY-MM-DD, YYYY-MM-DDThh:mm:ss, YYYY-MM-DDThh:mm:ssZ or "
                       "YYYY-MM-DDThh:mm:ss+hh:mm), found '" +
                           value->text + "'");
        }
        value->time = *time;
        break;
      }
      case QuerySubject::kRunningTasksCount: {
        auto integer = ParseQueryInteger(value->text);
        if (!integer) return Error(pos, "expected an integer, found '" + value->text + "'");
        value->integer = *integer;
        break;
      }
      case QuerySubject::kEc2InstanceId:
      case QuerySubject::kTaskGroup:
        break;
    }
    return Status::Ok();
  }

  // An unquoted regex runs to the first whitespace or ')' outside its own groups and classes,
  // so users can write `attribute:rack =~ r[12]` and `(attribute:tier =~ (gold|bronze))`
  // without quotes. A backslash escapes the next character; in a class, '(' and ')' are
  // literals and a ']' first in it is too (RE2's reading).
  void SkipBareRegex() {
    int groups = 0;
    bool in_class = false;
    size_t class_start = 0;
    for (; !AtEnd(); ++pos_) {
      const char c = Peek();
      if (c == '\\') {
        if (pos_ + 1 < text_.size()) ++pos_;
      } else if (in_class) {
        const bool first =
            pos_ == class_start || (pos_ == class_start + 1 && text_[class_start] == '^');
        if (c == ']' && !first) in_class = false;
      } else if (c == '[') {
        in_class = true;
        class_start = pos_ + 1;
      } else if (c == '(') {
        ++groups;
      } else if (c == ')') {
        if (groups == 0) return;
        --groups;
      } else if (IsSpace(c) && groups == 0) {
        return;
      }
    }
  }

  bool AtEnd() const { return pos_ >= text_.size(); }
  // '\0' at the end, so a lookahead never reads past the expression (fuzz: `(attribute:x =~`).
  char Peek() const { return AtEnd() ? '\0' : text_[pos_]; }
  void SkipSpace() {
    while (!AtEnd() && IsSpace(Peek())) ++pos_;
  }
  bool ConsumeSymbol(std::string_view symbol) {
    if (!text_.substr(pos_).starts_with(symbol)) return false;
    pos_ += symbol.size();
    return true;
  }
  // A keyword must stand alone: "order" is not "or" followed by "der".
  bool PeekKeyword(std::string_view word) const {
    if (!text_.substr(pos_).starts_with(word)) return false;
    size_t next = pos_ + word.size();
    return next >= text_.size() || !IsSubjectChar(text_[next]);
  }
  bool ConsumeKeyword(std::string_view word) {
    if (!PeekKeyword(word)) return false;
    pos_ += word.size();
    return true;
  }
  int32_t AddNode(Expression::Node node) {
    expr_.nodes_.push_back(node);
    return static_cast<int32_t>(expr_.nodes_.size() - 1);
  }
  Status Error(size_t pos, const std::string& detail) const {
    return Status::InvalidParameter("Invalid expression at position " + std::to_string(pos + 1) +
                                    ": " + detail);
  }

  std::string_view text_;
  size_t pos_ = 0;
  int depth_ = 0;
  Expression expr_;
};

Result<Expression> ParseQuery(std::string_view text) { return QueryParser(text).Parse(); }

namespace {

void AppendDebug(const Expression& e, int32_t index, std::string* out) {
  const Expression::Node& node = e.nodes()[index];
  switch (node.kind) {
    case Expression::Kind::kAnd:
    case Expression::Kind::kOr:
      out->append("(");
      AppendDebug(e, node.lhs, out);
      out->append(node.kind == Expression::Kind::kAnd ? " and " : " or ");
      AppendDebug(e, node.rhs, out);
      out->append(")");
      return;
    case Expression::Kind::kNot:
      out->append("(not ");
      AppendDebug(e, node.lhs, out);
      out->append(")");
      return;
    case Expression::Kind::kComparison: {
      const QueryComparison& c = e.comparisons()[node.comparison];
      out->append(SubjectText(c)).append(" ").append(QueryOperatorText(c.op));
      if (IsList(c.op)) {
        out->append(" [");
        for (size_t i = 0; i < c.values.size(); ++i) {
          out->append(i ? ", '" : "'").append(c.values[i].text).append("'");
        }
        out->append("]");
      } else if (!c.values.empty()) {
        out->append(" '").append(c.values[0].text).append("'");
      }
      return;
    }
  }
}

}  // namespace

std::string Expression::DebugString() const {
  if (empty()) return "";
  std::string out;
  AppendDebug(*this, root_, &out);
  return out;
}

}  // namespace ecs::scheduler
