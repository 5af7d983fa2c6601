// Page tokens and helpers: EncodePageToken/DecodePageToken round trip and exact wire form, tokens
// for another scope and garbage rejected with InvalidParameterException, ResolvePageSize bounds
// and message, Base64Encode/Decode (RFC 4648 vectors, empty, binary, invalid input), SeqCursor
// width and string order, TenantScope.
#include "common/pagination.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

using namespace ecs;

namespace {

const std::string kBadTokenMessage =
    "Invalid nextToken: it is malformed or was issued for a different request.";

std::string AllBytes() {
  std::string s;
  for (int i = 0; i < 256; ++i) s.push_back(static_cast<char>(i));
  return s;
}

}  // namespace

TEST_CASE("Base64Encode matches the RFC 4648 test vectors", "[pagination][base64]") {
  struct Row {
    const char* plain;
    const char* encoded;
  };
  const Row rows[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (const Row& row : rows) {
    INFO("plain: '" << row.plain << "'");
    CHECK(Base64Encode(row.plain) == row.encoded);
  }
}

TEST_CASE("Base64Decode inverts the RFC 4648 test vectors", "[pagination][base64]") {
  struct Row {
    const char* encoded;
    const char* plain;
  };
  const Row rows[] = {
      {"Zg==", "f"},        {"Zm8=", "fo"},        {"Zm9v", "foo"},
      {"Zm9vYg==", "foob"}, {"Zm9vYmE=", "fooba"}, {"Zm9vYmFy", "foobar"},
  };
  for (const Row& row : rows) {
    INFO("encoded: " << row.encoded);
    auto d = Base64Decode(row.encoded);
    REQUIRE(d.has_value());
    CHECK(*d == row.plain);
  }
}

TEST_CASE("Base64 round trips binary data of every length mod 3", "[pagination][base64]") {
  const std::string all = AllBytes();
  for (size_t len : {1u, 2u, 3u, 4u, 5u, 6u, 255u, 256u}) {
    std::string data = all.substr(all.size() - len);  // ends in 0xff, 0xfe, ...
    INFO("length " << len);
    std::string enc = Base64Encode(data);
    CHECK(enc.size() == 4 * ((len + 2) / 3));
    auto dec = Base64Decode(enc);
    REQUIRE(dec.has_value());
    CHECK(*dec == data);
  }
  std::string zeros(7, '\0');
  CHECK(Base64Encode(zeros) == "AAAAAAAAAA==");
  CHECK(*Base64Decode("AAAAAAAAAA==") == zeros);
  CHECK(Base64Encode("\xff\xff\xff") == "////");
  CHECK(Base64Encode("\xfb\xff") == "+/8=");
}

// Base64Encode("") is "", the RFC 4648 encoding of empty data, and decodes back to it.
TEST_CASE("Base64 round trips the empty string", "[pagination][base64]") {
  std::string enc = Base64Encode("");
  CHECK(enc.empty());
  auto dec = Base64Decode(enc);
  REQUIRE(dec.has_value());
  CHECK(dec->empty());
}

TEST_CASE("Base64Decode rejects malformed input", "[pagination][base64]") {
  for (const char* bad :
       {"Z", "Zg", "Zg=", "Zm9vY", "!!!!", "Zm9*", "Zm 9", "Zm9v\x80\x80\x80\x80", "Zm9v!"}) {
    INFO("input: " << bad);
    CHECK_FALSE(Base64Decode(bad).has_value());
  }
}

// Padding may only end the input. EVP_DecodeBlock reads '=' as zero bits wherever it appears, so
// Base64Decode checks where the padding is before decoding.
TEST_CASE("Base64Decode rejects misplaced padding", "[pagination][base64]") {
  for (const char* bad : {"Zg==Zg==", "====", "A===", "Z=g="}) {
    INFO("input: " << bad);
    CHECK_FALSE(Base64Decode(bad).has_value());
  }
}

TEST_CASE("A page token round trips its cursor within its scope", "[pagination]") {
  const std::string cursors[] = {"00000000000000000042", "",
                                 std::string("family\x01") + "00000000000000000003",
                                 "with|pipes|inside", std::string("nul\0byte", 8)};
  for (const std::string& cursor : cursors) {
    INFO("cursor: " << cursor);
    std::string token = EncodePageToken("000000000000/us-east-1/ListClusters", cursor);
    auto decoded = DecodePageToken(token, "000000000000/us-east-1/ListClusters");
    REQUIRE(decoded.ok());
    CHECK(*decoded == cursor);
  }
}

TEST_CASE("A page token is base64 of v2|scope length|scope|cursor", "[pagination]") {
  std::string token = EncodePageToken("ListClusters", "7");
  CHECK(token == Base64Encode("v2|12|ListClusters|7"));
  CHECK(token == "djJ8MTJ8TGlzdENsdXN0ZXJzfDc=");
  CHECK(*DecodePageToken("djJ8MTJ8TGlzdENsdXN0ZXJzfDc=", "ListClusters") == "7");
}

TEST_CASE("A page token for another scope is rejected", "[pagination]") {
  const std::string token = EncodePageToken("111111111111/us-east-1/ListTasks|a|RUNNING", "00001");
  const char* other_scopes[] = {
      "111111111111/us-east-1/ListTasks|a|STOPPED",  // other filter
      "111111111111/us-east-1/ListTasks|b|RUNNING",  // other cluster
      "111111111111/us-west-2/ListTasks|a|RUNNING",  // other region
      "222222222222/us-east-1/ListTasks|a|RUNNING",  // other account
      "111111111111/us-east-1/ListServices|a|RUNNING",
      "111111111111/us-east-1/ListTasks|a|RUNNIN",  // a prefix of the real scope
      "",
  };
  for (const char* scope : other_scopes) {
    INFO("scope: " << scope);
    auto r = DecodePageToken(token, scope);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == ErrorCode::kInvalidParameterException);
    CHECK(r.status().message() == kBadTokenMessage);
  }
}

TEST_CASE("Garbage page tokens are rejected", "[pagination]") {
  const std::string tokens[] = {
      "garbage!",
      "",                                    // decodes to nothing: no prefix
      "abc",                                 // not a multiple of 4
      Base64Encode("ListClusters|7"),        // no version
      Base64Encode("v1|ListClusters|7"),     // an older version
      Base64Encode("v2|ListClusters|7"),     // no scope length
      Base64Encode("v2|11|ListClusters|7"),  // the wrong length
      Base64Encode("v2|12|ListClusters"),    // no separator after the scope
      Base64Encode("hello world"),
      Base64Encode("V2|12|ListClusters|7"),  // the prefix is case-sensitive
  };
  for (const std::string& token : tokens) {
    INFO("token: " << token);
    auto r = DecodePageToken(token, "ListClusters");
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == ErrorCode::kInvalidParameterException);
    CHECK(r.status().message() == kBadTokenMessage);
  }
}

// The token's prefix carries the scope's length, so a scope that is a '|'-prefix or extension of
// another never accepts its tokens (filters are joined with '|' and may contain it).
TEST_CASE("A token is not accepted for a scope that is a '|'-prefix or extension of its own",
          "[pagination]") {
  SECTION("token for a longer scope, decoded with a shorter one") {
    std::string token = EncodePageToken("ListTasks|a|RUNNING", "00001");
    auto r = DecodePageToken(token, "ListTasks|a");
    CHECK_FALSE(r.ok());
  }
  SECTION("token whose cursor contains '|', decoded with a longer scope") {
    std::string token = EncodePageToken("ListTasks|a", "b|c");
    auto r = DecodePageToken(token, "ListTasks|a|b");
    CHECK_FALSE(r.ok());
  }
}

TEST_CASE("ResolvePageSize uses the default when maxResults is absent", "[pagination]") {
  auto r = ResolvePageSize(std::nullopt, 10, 100);
  REQUIRE(r.ok());
  CHECK(*r == 10);
  CHECK(*ResolvePageSize(std::nullopt, 100, 100) == 100);
}

TEST_CASE("ResolvePageSize accepts every value within [1, max]", "[pagination]") {
  for (int64_t v : {int64_t{1}, int64_t{2}, int64_t{50}, int64_t{99}, int64_t{100}}) {
    INFO("maxResults " << v);
    auto r = ResolvePageSize(v, 10, 100);
    REQUIRE(r.ok());
    CHECK(*r == v);
  }
  CHECK(*ResolvePageSize(1, 10, 1) == 1);
}

TEST_CASE("ResolvePageSize rejects values outside [1, max]", "[pagination]") {
  struct Row {
    int64_t value;
    const char* message;
  };
  const Row rows[] = {
      {0, "maxResults must be between 1 and 100, but was 0."},
      {-1, "maxResults must be between 1 and 100, but was -1."},
      {101, "maxResults must be between 1 and 100, but was 101."},
      {int64_t{1} << 32, "maxResults must be between 1 and 100, but was 4294967296."},
      {(int64_t{1} << 32) + 5, "maxResults must be between 1 and 100, but was 4294967301."},
      {std::numeric_limits<int64_t>::min(),
       "maxResults must be between 1 and 100, but was -9223372036854775808."},
      {std::numeric_limits<int64_t>::max(),
       "maxResults must be between 1 and 100, but was 9223372036854775807."},
  };
  for (const Row& row : rows) {
    INFO("maxResults " << row.value);
    auto r = ResolvePageSize(row.value, 10, 100);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == ErrorCode::kInvalidParameterException);
    CHECK(r.status().message() == row.message);
  }
}

TEST_CASE("SeqCursor is the number zero-padded to 20 digits", "[pagination]") {
  CHECK(SeqCursor(0) == "00000000000000000000");
  CHECK(SeqCursor(1) == "00000000000000000001");
  CHECK(SeqCursor(42) == "00000000000000000042");
  CHECK(SeqCursor(std::numeric_limits<int64_t>::max()) == "09223372036854775807");
}

TEST_CASE("SeqCursor strings sort like the numbers", "[pagination]") {
  const std::vector<int64_t> seqs = {0,
                                     1,
                                     2,
                                     9,
                                     10,
                                     99,
                                     100,
                                     12345,
                                     99999,
                                     100000,
                                     1000000000,
                                     int64_t{1} << 40,
                                     std::numeric_limits<int64_t>::max() - 1,
                                     std::numeric_limits<int64_t>::max()};
  for (size_t i = 0; i < seqs.size(); ++i) {
    for (size_t j = 0; j < seqs.size(); ++j) {
      INFO(seqs[i] << " vs " << seqs[j]);
      CHECK((SeqCursor(seqs[i]) < SeqCursor(seqs[j])) == (seqs[i] < seqs[j]));
      CHECK((SeqCursor(seqs[i]) == SeqCursor(seqs[j])) == (seqs[i] == seqs[j]));
    }
  }
}

TEST_CASE("TenantScope is account/region/operation", "[pagination]") {
  CHECK(TenantScope(Tenant{"123456789012", "eu-west-1"}, "ListClusters") ==
        "123456789012/eu-west-1/ListClusters");
  CHECK(TenantScope(Tenant{"000000000000", "us-east-1"}, "ListTasks") ==
        "000000000000/us-east-1/ListTasks");
  // Two tenants never share a scope, so a token does not cross tenants.
  CHECK(TenantScope(Tenant{"111111111111", "us-east-1"}, "ListTasks") !=
        TenantScope(Tenant{"111111111111", "us-east-2"}, "ListTasks"));
}

TEST_CASE("A token from one tenant is rejected by another", "[pagination]") {
  Tenant a{"111111111111", "us-east-1"};
  Tenant b{"222222222222", "us-east-1"};
  std::string token = EncodePageToken(TenantScope(a, "ListClusters"), SeqCursor(5));
  CHECK(*DecodePageToken(token, TenantScope(a, "ListClusters")) == SeqCursor(5));
  auto r = DecodePageToken(token, TenantScope(b, "ListClusters"));
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == ErrorCode::kInvalidParameterException);
}
