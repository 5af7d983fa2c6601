#include "common/json.h"

#include <rapidjson/encodedstream.h>
#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "common/utf8.h"

namespace ecs {

namespace {
// Forwards SAX events to `Out` (the document being built) and stops the parse at the first
// array or object that would nest deeper than kMaxJsonDepth, and at the first string that is not
// UTF-8 once its escapes are decoded (the body was checked before, but "\udc00" is ASCII text
// that decodes to an unpaired surrogate).
template <typename Out>
class DepthLimiter {
 public:
  explicit DepthLimiter(Out& out) : out_(out) {}
  bool exceeded() const { return exceeded_; }
  bool bad_string() const { return bad_string_; }

  bool Null() { return out_.Null(); }
  bool Bool(bool b) { return out_.Bool(b); }
  bool Int(int i) { return out_.Int(i); }
  bool Uint(unsigned u) { return out_.Uint(u); }
  bool Int64(int64_t i) { return out_.Int64(i); }
  bool Uint64(uint64_t u) { return out_.Uint64(u); }
  bool Double(double d) { return out_.Double(d); }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool copy) {
    return out_.RawNumber(s, n, copy);
  }
  bool String(const char* s, rapidjson::SizeType n, bool copy) {
    return Utf8(s, n) && out_.String(s, n, copy);
  }
  bool Key(const char* s, rapidjson::SizeType n, bool copy) {
    return Utf8(s, n) && out_.Key(s, n, copy);
  }
  bool StartObject() { return Enter() && out_.StartObject(); }
  bool EndObject(rapidjson::SizeType members) {
    --depth_;
    return out_.EndObject(members);
  }
  bool StartArray() { return Enter() && out_.StartArray(); }
  bool EndArray(rapidjson::SizeType elements) {
    --depth_;
    return out_.EndArray(elements);
  }

 private:
  bool Enter() {
    if (++depth_ <= kMaxJsonDepth) return true;
    exceeded_ = true;
    return false;
  }
  bool Utf8(const char* s, rapidjson::SizeType n) {
    if (IsValidUtf8(std::string_view(s, n))) return true;
    bad_string_ = true;
    return false;
  }

  Out& out_;
  int depth_ = 0;
  bool exceeded_ = false;
  bool bad_string_ = false;
};
}  // namespace

Result<std::shared_ptr<rapidjson::Document>> ParseJsonValue(std::string_view text) {
  auto doc = std::make_shared<rapidjson::Document>();
  // JSON text is UTF-8 (RFC 8259 §8.1); strings that are not would be stored and served back.
  // The message names the byte in hex and its offset, never the bytes themselves.
  if (auto bad = FindInvalidUtf8(text)) {
    return Status::Serialization("Request body is not valid UTF-8: " + DescribeUtf8Error(*bad) +
                                 ".");
  }
  // What Document::Parse does, with the depth limiter between the reader and the document.
  rapidjson::ParseResult result;
  bool too_deep = false;
  bool bad_string = false;
  auto generate = [&](rapidjson::Document& out) {
    rapidjson::MemoryStream stream(text.data(), text.size());
    rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream> in(stream);
    rapidjson::Reader reader;
    DepthLimiter<rapidjson::Document> limiter(out);
    result = reader.Parse<rapidjson::kParseIterativeFlag>(in, limiter);
    too_deep = limiter.exceeded();
    bad_string = limiter.bad_string();
    return !result.IsError();
  };
  doc->Populate(generate);
  if (too_deep) {
    return Status::Serialization("Request body nests arrays and objects deeper than " +
                                 std::to_string(kMaxJsonDepth) + " levels (offset " +
                                 std::to_string(result.Offset()) + ")");
  }
  if (bad_string) {
    return Status::Serialization(
        "Request body is not valid UTF-8: a \\u escape encodes an unpaired surrogate (string "
        "ending before offset " +
        std::to_string(result.Offset()) + ").");
  }
  if (result.IsError()) {
    return Status::Serialization(std::string("Request body is not valid JSON: ") +
                                 rapidjson::GetParseError_En(result.Code()) + " (offset " +
                                 std::to_string(result.Offset()) + ")");
  }
  return doc;
}

Result<std::shared_ptr<rapidjson::Document>> ParseJsonObject(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  if (i == text.size()) {
    auto doc = std::make_shared<rapidjson::Document>();
    doc->SetObject();
    return doc;
  }
  auto doc = ParseJsonValue(text);
  if (!doc.ok()) return doc.status();
  if (!(*doc)->IsObject()) {
    return Status::Serialization("Start of structure or map found where not expected.");
  }
  return doc;
}

JsonObjectReader::JsonObjectReader(const rapidjson::Value& obj, std::string path)
    : obj_(obj), path_(std::move(path)), status_(std::make_shared<Status>()) {}

const rapidjson::Value* JsonObjectReader::Find(std::string_view key) const {
  if (!obj_.IsObject()) return nullptr;
  auto it = obj_.FindMember(rapidjson::Value(
      rapidjson::StringRef(key.data(), static_cast<rapidjson::SizeType>(key.size()))));
  if (it == obj_.MemberEnd() || it->value.IsNull()) return nullptr;
  return &it->value;
}

bool JsonObjectReader::Has(std::string_view key) const { return Find(key) != nullptr; }

void JsonObjectReader::TypeError(std::string_view key, std::string_view expected) {
  Fail(Status::Serialization("Value of member '" + path_ + std::string(key) +
                             "' can not be converted to " + std::string(expected) + "."));
}

std::optional<std::string> JsonObjectReader::String(std::string_view key) {
  const auto* v = Find(key);
  if (!v) return std::nullopt;
  if (!v->IsString()) {
    TypeError(key, "a String");
    return std::nullopt;
  }
  return std::string(v->GetString(), v->GetStringLength());
}

namespace {
// A JSON number that is a whole number within [low, high]; 10.0 counts, 10.5 does not.
std::optional<int64_t> WholeNumber(const rapidjson::Value& v, int64_t low, int64_t high) {
  int64_t n = 0;
  if (v.IsInt64()) {
    n = v.GetInt64();
  } else if (v.IsDouble() && std::floor(v.GetDouble()) == v.GetDouble() &&
             std::fabs(v.GetDouble()) < 9.0e15) {
    n = static_cast<int64_t>(v.GetDouble());
  } else {
    return std::nullopt;
  }
  if (n < low || n > high) return std::nullopt;
  return n;
}
}  // namespace

std::optional<int64_t> JsonObjectReader::Int(std::string_view key) {
  const auto* v = Find(key);
  if (!v) return std::nullopt;
  if (auto n = WholeNumber(*v, INT32_MIN, INT32_MAX)) return n;
  TypeError(key, "an Integer");
  return std::nullopt;
}

std::optional<int64_t> JsonObjectReader::Long(std::string_view key) {
  const auto* v = Find(key);
  if (!v) return std::nullopt;
  if (auto n = WholeNumber(*v, INT64_MIN, INT64_MAX)) return n;
  TypeError(key, "a Long");
  return std::nullopt;
}

std::optional<double> JsonObjectReader::Double(std::string_view key) {
  const auto* v = Find(key);
  if (!v) return std::nullopt;
  if (!v->IsNumber()) {
    TypeError(key, "a Double");
    return std::nullopt;
  }
  return v->GetDouble();
}

std::optional<bool> JsonObjectReader::Bool(std::string_view key) {
  const auto* v = Find(key);
  if (!v) return std::nullopt;
  if (!v->IsBool()) {
    TypeError(key, "a Boolean");
    return std::nullopt;
  }
  return v->GetBool();
}

std::optional<Millis> JsonObjectReader::Timestamp(std::string_view key) {
  const auto* v = Find(key);
  if (!v) return std::nullopt;
  if (v->IsNumber()) return static_cast<Millis>(std::llround(v->GetDouble() * 1000.0));
  if (v->IsString()) {
    if (auto t = ParseIso8601(v->GetString())) return t;
  }
  TypeError(key, "a Timestamp");
  return std::nullopt;
}

std::optional<std::vector<std::string>> JsonObjectReader::StringList(std::string_view key) {
  const auto* v = Find(key);
  if (!v) return std::nullopt;
  if (!v->IsArray()) {
    TypeError(key, "a List");
    return std::nullopt;
  }
  std::vector<std::string> out;
  out.reserve(v->Size());
  for (const auto& e : v->GetArray()) {
    if (!e.IsString()) {
      TypeError(key, "a List of String");
      return std::nullopt;
    }
    out.emplace_back(e.GetString(), e.GetStringLength());
  }
  return out;
}

std::optional<std::map<std::string, std::string>> JsonObjectReader::StringMap(
    std::string_view key) {
  const auto* v = Find(key);
  if (!v) return std::nullopt;
  if (!v->IsObject()) {
    TypeError(key, "a Map");
    return std::nullopt;
  }
  std::map<std::string, std::string> out;
  for (const auto& m : v->GetObject()) {
    if (!m.value.IsString()) {
      TypeError(key, "a Map of String");
      return std::nullopt;
    }
    out.emplace(m.name.GetString(), m.value.GetString());
  }
  return out;
}

const rapidjson::Value* JsonObjectReader::Object(std::string_view key) {
  const auto* v = Find(key);
  if (!v) return nullptr;
  if (!v->IsObject()) {
    TypeError(key, "a Structure");
    return nullptr;
  }
  return v;
}

const rapidjson::Value* JsonObjectReader::Array(std::string_view key) {
  const auto* v = Find(key);
  if (!v) return nullptr;
  if (!v->IsArray()) {
    TypeError(key, "a List");
    return nullptr;
  }
  return v;
}

JsonObjectReader JsonObjectReader::Nested(const rapidjson::Value& obj, std::string_view key) {
  JsonObjectReader r(obj, path_ + std::string(key) + ".");
  r.status_ = status_;
  if (!obj.IsObject()) TypeError(key, "a Structure");
  return r;
}

JsonWriter& JsonWriter::Timestamp(Millis ms) {
  char buf[32];
  long long secs = ms / 1000;
  long long frac = ms % 1000;
  if (frac < 0) {
    frac += 1000;
    secs -= 1;
  }
  int n = std::snprintf(buf, sizeof buf, "%lld.%03lld", secs, frac);
  w_.RawValue(buf, static_cast<size_t>(n), rapidjson::kNumberType);
  return *this;
}

JsonWriter& JsonWriter::Raw(std::string_view json) {
  rapidjson::Type type = rapidjson::kObjectType;
  if (!json.empty() && json[0] == '[') type = rapidjson::kArrayType;
  // RawValue copies byte by byte; let it write only the separator and track nesting, then append
  // the value in one go (describes splice kilobytes of cached JSON).
  w_.RawValue("", 0, type);
  std::memcpy(buf_.Push(json.size()), json.data(), json.size());
  return *this;
}

JsonWriter& JsonWriter::StringArray(std::string_view k, const std::vector<std::string>& v) {
  Key(k).StartArray();
  for (const auto& s : v) String(s);
  return EndArray();
}

std::string ToJson(const rapidjson::Value& v) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  v.Accept(w);
  return std::string(buf.GetString(), buf.GetSize());
}

std::optional<Millis> ParseIso8601(std::string_view s) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  std::string str(s);
  int consumed = 0;
  if (std::sscanf(str.c_str(), "%4d-%2d-%2d%n", &y, &mo, &d, &consumed) != 3) return std::nullopt;
  size_t pos = static_cast<size_t>(consumed);
  double frac = 0;
  int tz_sign = 0, tz_h = 0, tz_m = 0;
  if (pos < str.size() && (str[pos] == 'T' || str[pos] == ' ')) {
    int c2 = 0;
    if (std::sscanf(str.c_str() + pos + 1, "%2d:%2d:%2d%n", &h, &mi, &sec, &c2) != 3) {
      return std::nullopt;
    }
    pos += 1 + static_cast<size_t>(c2);
    if (pos < str.size() && str[pos] == '.') {
      size_t start = pos;
      ++pos;
      while (pos < str.size() && std::isdigit(static_cast<unsigned char>(str[pos]))) ++pos;
      frac = std::strtod(str.substr(start, pos - start).c_str(), nullptr);
    }
    if (pos < str.size()) {
      if (str[pos] == 'Z') {
        ++pos;
      } else if (str[pos] == '+' || str[pos] == '-') {
        tz_sign = str[pos] == '+' ? 1 : -1;
        if (std::sscanf(str.c_str() + pos + 1, "%2d:%2d", &tz_h, &tz_m) != 2) return std::nullopt;
        pos += 6;
      }
    }
  }
  if (pos != str.size()) return std::nullopt;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  time_t t = timegm(&tm);
  Millis ms = static_cast<Millis>(t) * 1000 + static_cast<Millis>(std::llround(frac * 1000));
  ms -= static_cast<Millis>(tz_sign) * (tz_h * 3600 + tz_m * 60) * 1000;
  return ms;
}

}  // namespace ecs
