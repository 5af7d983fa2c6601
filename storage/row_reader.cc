#include "storage/row_reader.h"

namespace ecs::storage {

namespace {
const rapidjson::Value& EmptyObject() {
  static const rapidjson::Value kEmpty(rapidjson::kObjectType);
  return kEmpty;
}
const rapidjson::Value& EmptyArray() {
  static const rapidjson::Value kEmpty(rapidjson::kArrayType);
  return kEmpty;
}
}  // namespace

namespace {
// A parsed body with its own memory pool, sized to the body: the pool's default first chunk is
// 64 KiB, which jemalloc serves from fresh pages for every row (a fifteenth of a restart's
// CPU at 100,000 tasks went to the kernel zeroing them). The DOM of a body takes about twice
// its length.
struct ParsedBody {
  explicit ParsedBody(size_t body_size) : pool(2 * body_size + 256), doc(&pool) {}
  rapidjson::MemoryPoolAllocator<> pool;
  rapidjson::Document doc;
};
}  // namespace

RowReader::RowReader(std::string_view kind, std::string_view key, std::string_view body)
    : where_(std::make_shared<std::string>(std::string(kind) + " row " + std::string(key))),
      status_(std::make_shared<Status>()) {
  auto parsed = std::make_shared<ParsedBody>(body.size());
  rapidjson::Document& doc = parsed->doc;
  doc.Parse(body.data(), body.size());
  object_ = &EmptyObject();
  if (doc.HasParseError() || !doc.IsObject()) {
    *status_ = Status::Corrupt("corrupt " + *where_ + ": the body is not a JSON object");
  } else {
    object_ = &doc;
  }
  doc_ = std::shared_ptr<const rapidjson::Document>(std::move(parsed), &doc);
}

RowReader::RowReader(std::shared_ptr<const rapidjson::Document> doc, const rapidjson::Value* object,
                     std::shared_ptr<std::string> where, std::shared_ptr<Status> status)
    : doc_(std::move(doc)), object_(object), where_(std::move(where)), status_(std::move(status)) {}

RowReader RowReader::Nested(const rapidjson::Value& object) const {
  if (!object.IsObject()) {
    RowReader r(doc_, &EmptyObject(), where_, status_);
    r.Fail("(nested)", "not an object");
    return r;
  }
  return RowReader(doc_, &object, where_, status_);
}

void RowReader::Fail(std::string_view member, std::string_view problem) {
  if (!status_->ok()) return;
  *status_ = Status::Corrupt("corrupt " + *where_ + ": member '" + std::string(member) + "' " +
                             std::string(problem));
}

// Decoders read members in about the order the codecs wrote them, so the search starts after
// the member found last and a member is mostly found at the first look; rapidjson's FindMember
// searched from the start each time, a twentieth of a restart's CPU at 100,000 tasks.
const rapidjson::Value* RowReader::Find(const char* member, bool required) {
  if (!ok()) return nullptr;
  const std::string_view name(member);
  const auto begin = object_->MemberBegin();
  const auto size = static_cast<size_t>(object_->MemberEnd() - begin);
  auto matches = [&](size_t i) {
    const rapidjson::Value& n = begin[static_cast<ptrdiff_t>(i)].name;
    return std::string_view(n.GetString(), n.GetStringLength()) == name;
  };
  const size_t start = next_member_ < size ? next_member_ : 0;
  for (size_t i = start; i < size; ++i) {
    if (matches(i)) return TakeMember(i);
  }
  for (size_t i = 0; i < start; ++i) {
    if (matches(i)) return TakeMember(i);
  }
  if (required) Fail(member, "is missing");
  return nullptr;
}

const rapidjson::Value* RowReader::TakeMember(size_t i) {
  next_member_ = i + 1;
  return &object_->MemberBegin()[static_cast<ptrdiff_t>(i)].value;
}

std::string RowReader::String(const char* member) {
  const auto* v = Find(member, true);
  if (!v) return "";
  if (!v->IsString()) {
    Fail(member, "is not a string");
    return "";
  }
  return std::string(v->GetString(), v->GetStringLength());
}

int64_t RowReader::Int(const char* member) {
  const auto* v = Find(member, true);
  if (!v) return 0;
  if (!v->IsInt64()) {
    Fail(member, "is not an integer");
    return 0;
  }
  return v->GetInt64();
}

bool RowReader::Bool(const char* member) {
  const auto* v = Find(member, true);
  if (!v) return false;
  if (!v->IsBool()) {
    Fail(member, "is not a boolean");
    return false;
  }
  return v->GetBool();
}

std::string RowReader::OptString(const char* member, std::string fallback) {
  const auto* v = Find(member, false);
  if (!v) return fallback;
  if (!v->IsString()) {
    Fail(member, "is not a string");
    return fallback;
  }
  return std::string(v->GetString(), v->GetStringLength());
}

int64_t RowReader::OptInt(const char* member, int64_t fallback) {
  return OptInt(member).value_or(fallback);
}

std::optional<int64_t> RowReader::OptInt(const char* member) {
  const auto* v = Find(member, false);
  if (!v) return std::nullopt;
  if (!v->IsInt64()) {
    Fail(member, "is not an integer");
    return std::nullopt;
  }
  return v->GetInt64();
}

bool RowReader::OptBool(const char* member, bool fallback) {
  const auto* v = Find(member, false);
  if (!v) return fallback;
  if (!v->IsBool()) {
    Fail(member, "is not a boolean");
    return fallback;
  }
  return v->GetBool();
}

double RowReader::OptDouble(const char* member, double fallback) {
  const auto* v = Find(member, false);
  if (!v) return fallback;
  if (!v->IsNumber()) {
    Fail(member, "is not a number");
    return fallback;
  }
  return v->GetDouble();
}

const rapidjson::Value& RowReader::Array(const char* member) {
  const auto* v = Find(member, false);
  if (!v) return EmptyArray();
  if (!v->IsArray()) {
    Fail(member, "is not an array");
    return EmptyArray();
  }
  return *v;
}

const rapidjson::Value* RowReader::Object(const char* member) {
  const auto* v = Find(member, false);
  if (!v) return nullptr;
  if (!v->IsObject()) {
    Fail(member, "is not an object");
    return nullptr;
  }
  return v;
}

std::string RowReader::Element(const rapidjson::Value& v, const char* what) {
  if (!v.IsString()) {
    Fail(what, "has an element that is not a string");
    return "";
  }
  return std::string(v.GetString(), v.GetStringLength());
}

}  // namespace ecs::storage
