// JSON helpers over RapidJSON, shared by api/ (wire) and storage/ (row bodies).
//
// JsonObjectReader reads members of one object with the types of the ECS model. A member of the
// wrong JSON type records a SerializationException (what AWS answers) and reads as absent; a
// JSON null also reads as absent. Decoders read everything, then check status() once.
// JsonWriter writes compact JSON with epoch-second timestamps. Not thread-safe; use per request.
#pragma once

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/status.h"

namespace ecs {

// Deepest nesting of arrays and objects ParseJsonObject accepts. ECS requests nest about ten
// levels; stored rows wrap a request's values at most a level or two deeper. Without a limit a
// body of 100,000 '[' overflowed the stack (RapidJSON's default parser recurses per level).
inline constexpr int kMaxJsonDepth = 128;

// Parses `text` as a JSON object; an empty body counts as {}. Nesting deeper than
// kMaxJsonDepth is a SerializationException. Parses iteratively (no recursion per level), and
// the depth limit keeps every recursive walker over the result (ToJson, JsonWriter::Value,
// decoders) shallow.
Result<std::shared_ptr<rapidjson::Document>> ParseJsonObject(std::string_view text);
// Any JSON value (an array, say), with the same depth limit; empty text is an error.
Result<std::shared_ptr<rapidjson::Document>> ParseJsonValue(std::string_view text);

class JsonObjectReader {
 public:
  // `obj` must outlive the reader. `path` prefixes member names in error messages.
  explicit JsonObjectReader(const rapidjson::Value& obj, std::string path = "");

  bool Has(std::string_view key) const;  // present and not null
  std::optional<std::string> String(std::string_view key);
  // An Integer member (32 bits in the ECS model): a number outside int32 is a type error, as
  // the JSON deserializer in front of ECS answers it, never a value that overflows later.
  std::optional<int64_t> Int(std::string_view key);
  // A Long member (64 bits; only RegisterContainerInstance's Resource.longValue).
  std::optional<int64_t> Long(std::string_view key);
  std::optional<double> Double(std::string_view key);
  std::optional<bool> Bool(std::string_view key);
  // A timestamp member: epoch seconds (number) or an ISO-8601 string, as epoch millis.
  std::optional<Millis> Timestamp(std::string_view key);
  std::optional<std::vector<std::string>> StringList(std::string_view key);
  std::optional<std::map<std::string, std::string>> StringMap(std::string_view key);
  // Raw access for nested structures; nullptr when absent, records an error on a type mismatch.
  const rapidjson::Value* Object(std::string_view key);
  const rapidjson::Value* Array(std::string_view key);
  // A reader for a nested object that reports into the same status.
  JsonObjectReader Nested(const rapidjson::Value& obj, std::string_view key);

  const Status& status() const { return *status_; }
  bool ok() const { return status_->ok(); }
  void Fail(Status s) {
    if (status_->ok()) *status_ = std::move(s);
  }
  const std::string& path() const { return path_; }

 private:
  const rapidjson::Value* Find(std::string_view key) const;
  void TypeError(std::string_view key, std::string_view expected);

  const rapidjson::Value& obj_;
  std::string path_;
  std::shared_ptr<Status> status_;
};

class JsonWriter {
 public:
  JsonWriter() : w_(buf_) {}
  JsonWriter& StartObject() {
    w_.StartObject();
    return *this;
  }
  JsonWriter& EndObject() {
    w_.EndObject();
    return *this;
  }
  JsonWriter& StartArray() {
    w_.StartArray();
    return *this;
  }
  JsonWriter& EndArray() {
    w_.EndArray();
    return *this;
  }
  JsonWriter& Key(std::string_view k) {
    w_.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
    return *this;
  }
  JsonWriter& String(std::string_view v) {
    w_.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
    return *this;
  }
  JsonWriter& Int(int64_t v) {
    w_.Int64(v);
    return *this;
  }
  JsonWriter& Double(double v) {
    w_.Double(v);
    return *this;
  }
  JsonWriter& Bool(bool v) {
    w_.Bool(v);
    return *this;
  }
  JsonWriter& Null() {
    w_.Null();
    return *this;
  }
  // Epoch seconds with millisecond fraction, e.g. 1557119253.821 (what ECS sends).
  JsonWriter& Timestamp(Millis ms);
  // Inserts already-serialized JSON (must be a complete, valid value).
  JsonWriter& Raw(std::string_view json);
  JsonWriter& Value(const rapidjson::Value& v) {
    v.Accept(w_);
    return *this;
  }

  // Key + value shorthands.
  JsonWriter& Member(std::string_view k, std::string_view v) { return Key(k).String(v); }
  JsonWriter& Member(std::string_view k, const char* v) { return Key(k).String(v); }
  JsonWriter& Member(std::string_view k, const std::string& v) { return Key(k).String(v); }
  JsonWriter& Member(std::string_view k, int64_t v) { return Key(k).Int(v); }
  JsonWriter& Member(std::string_view k, int v) { return Key(k).Int(v); }
  JsonWriter& Member(std::string_view k, bool v) { return Key(k).Bool(v); }
  JsonWriter& StringArray(std::string_view k, const std::vector<std::string>& v);

  std::string str() const { return std::string(buf_.GetString(), buf_.GetSize()); }
  std::string_view view() const { return {buf_.GetString(), buf_.GetSize()}; }
  size_t size() const { return buf_.GetSize(); }  // bytes written so far

 private:
  rapidjson::StringBuffer buf_;
  rapidjson::Writer<rapidjson::StringBuffer> w_;
};

// Serializes a RapidJSON value compactly.
std::string ToJson(const rapidjson::Value& v);

// Parses "2024-06-07T12:00:00Z", "...+00:00", "2024-06-07T12:00:00" or "2024-06-07" (UTC) to
// epoch millis.
std::optional<Millis> ParseIso8601(std::string_view s);

}  // namespace ecs
