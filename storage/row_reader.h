// RowReader: the one way storage/ reads a stored row body. Every getter checks the JSON type of
// the member it reads; the first member that is missing (when required) or of the wrong type
// makes status() a Corrupt status naming the row's kind, key and member, and later getters
// return defaults. Decoders read everything, then check status() once — so a damaged database
// is a clear error at start-up instead of undefined behaviour.
//
// Members added to a kind after its first release are read with the Opt* getters (absent is
// fine: older rows do not have them).
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "model/wire_enum.h"

namespace ecs::storage {

class RowReader {
 public:
  // Parses `body`; a body that is not a JSON object makes the reader corrupt at once.
  RowReader(std::string_view kind, std::string_view key, std::string_view body);
  // A reader over a nested object of the same row (errors name the row).
  RowReader Nested(const rapidjson::Value& object) const;

  const rapidjson::Value& root() const { return *object_; }
  bool ok() const { return status_->ok(); }
  const Status& status() const { return *status_; }

  // Required members.
  std::string String(const char* member);
  int64_t Int(const char* member);
  bool Bool(const char* member);
  template <typename E>
  E Enum(const char* member) {
    std::string text = String(member);
    auto value = model::Parse<E>(text);
    if (!value && ok()) Fail(member, "unknown value '" + text + "'");
    return value.value_or(E{});
  }
  // Optional members: absent reads as the fallback, a wrong type still corrupts.
  std::string OptString(const char* member, std::string fallback = "");
  int64_t OptInt(const char* member, int64_t fallback);
  std::optional<int64_t> OptInt(const char* member);
  bool OptBool(const char* member, bool fallback = false);
  double OptDouble(const char* member, double fallback = 0);
  template <typename E>
  std::optional<E> OptEnum(const char* member) {
    std::string text = OptString(member);
    if (text.empty()) return std::nullopt;
    auto value = model::Parse<E>(text);
    if (!value && ok()) Fail(member, "unknown value '" + text + "'");
    return value;
  }
  // An array member (absent = empty) / an object member (absent = nullptr).
  const rapidjson::Value& Array(const char* member);
  const rapidjson::Value* Object(const char* member);
  // A member that must be a string element of an array, e.g. for lists of names.
  std::string Element(const rapidjson::Value& v, const char* what);

  void Fail(std::string_view member, std::string_view problem);

 private:
  RowReader(std::shared_ptr<const rapidjson::Document> doc, const rapidjson::Value* object,
            std::shared_ptr<std::string> where, std::shared_ptr<Status> status);
  const rapidjson::Value* Find(const char* member, bool required);
  // The i-th member's value; the next search starts after it.
  const rapidjson::Value* TakeMember(size_t i);

  std::shared_ptr<const rapidjson::Document> doc_;  // keeps `object_` alive
  const rapidjson::Value* object_;
  std::shared_ptr<std::string> where_;  // "<kind> row <key>"
  std::shared_ptr<Status> status_;
  size_t next_member_ = 0;  // where Find starts looking
};

}  // namespace ecs::storage
