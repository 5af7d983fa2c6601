#include "scheduler/query_regex.h"

#include <re2/re2.h>

#include <string>

namespace ecs::scheduler {

Result<std::shared_ptr<const re2::RE2>> CompileQueryRegex(std::string_view pattern) {
  re2::RE2::Options options;
  options.set_encoding(re2::RE2::Options::EncodingUTF8);
  options.set_max_mem(kMaxRegexMemoryBytes);
  options.set_never_capture(true);  // only whether it matches counts
  options.set_log_errors(false);    // a bad pattern is the client's error, answered, not logged
  auto regex =
      std::make_shared<const re2::RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
  if (!regex->ok()) return Status::InvalidParameter(regex->error());
  return std::shared_ptr<const re2::RE2>(std::move(regex));
}

bool MatchesWhole(const re2::RE2& regex, std::string_view text) {
  return re2::RE2::FullMatch(re2::StringPiece(text.data(), text.size()), regex);
}

}  // namespace ecs::scheduler
