// FindInvalidUtf8 against RFC 3629's edge cases, SanitizeUtf8, and ParseJsonObject refusing
// bodies whose strings are not UTF-8 (raw bytes and \u escapes of unpaired surrogates).
#include "common/utf8.h"

#include <catch2/catch.hpp>
#include <string>

#include "common/json.h"

using namespace ecs;

TEST_CASE("Well-formed UTF-8 is accepted, up to U+10FFFF", "[utf8]") {
  for (const char* ok : {"", "plain ascii, long enough for the 8-byte fast path", "caf\xC3\xA9",
                         "\xE2\x82\xAC", "\xED\x9F\xBF" /* U+D7FF */, "\xEE\x80\x80" /* U+E000 */,
                         "\xF0\x9F\x98\x80", "\xF4\x8F\xBF\xBF" /* U+10FFFF */}) {
    INFO(ok);
    CHECK(IsValidUtf8(ok));
  }
  CHECK(IsValidUtf8(std::string("nul\0inside", 10)));
}

TEST_CASE("Ill-formed UTF-8 is found at its first bad byte", "[utf8]") {
  struct Row {
    std::string text;
    Utf8Error::Kind kind;
    size_t offset;
    unsigned char byte;
  };
  using K = Utf8Error::Kind;
  const Row rows[] = {
      {"ab\x80", K::kStartByte, 2, 0x80},             // lone continuation byte
      {"\xC0\xAF", K::kStartByte, 0, 0xC0},           // overlong '/'
      {"\xC1\xBF", K::kStartByte, 0, 0xC1},           // overlong
      {"\xE0\x80\xAF", K::kMiddleByte, 1, 0x80},      // overlong 3-byte
      {"\xED\xA0\x80", K::kMiddleByte, 1, 0xA0},      // U+D800, a surrogate
      {"\xED\xBF\xBF", K::kMiddleByte, 1, 0xBF},      // U+DFFF
      {"\xF0\x80\x80\xAF", K::kMiddleByte, 1, 0x80},  // overlong 4-byte
      {"\xF4\x90\x80\x80", K::kMiddleByte, 1, 0x90},  // U+110000
      {"\xF5\x80\x80\x80", K::kStartByte, 0, 0xF5},   // beyond any code point
      {"\xFF", K::kStartByte, 0, 0xFF},               //
      {"caf\xC3(", K::kMiddleByte, 4, '('},           // continuation missing
      {"12345678\xE2\x82", K::kTruncated, 8, 0xE2},   // cut short after the fast path
      {"x\xF0\x9F\x98", K::kTruncated, 1, 0xF0},      //
      {"x\xF0\x9F(", K::kMiddleByte, 3, '('},         // a bad byte beats the short end
  };
  for (const Row& row : rows) {
    INFO(row.text);
    auto error = FindInvalidUtf8(row.text);
    REQUIRE(error);
    CHECK(error->kind == row.kind);
    CHECK(error->offset == row.offset);
    CHECK(error->byte == row.byte);
  }
  CHECK(DescribeUtf8Error(*FindInvalidUtf8("ab\x97")) ==
        "invalid UTF-8 start byte 0x97 at offset 2");
  CHECK(DescribeUtf8Error(*FindInvalidUtf8("\xC3(")) ==
        "invalid UTF-8 middle byte 0x28 at offset 1");
}

TEST_CASE("SanitizeUtf8 replaces each bad byte and keeps the rest", "[utf8]") {
  CHECK(SanitizeUtf8("caf\xC3\xA9") == "caf\xC3\xA9");
  CHECK(SanitizeUtf8("a\xFF"
                     "b") ==
        "a\xEF\xBF\xBD"
        "b");
  CHECK(SanitizeUtf8("\xED\xA0\x80!") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD!");
  CHECK(SanitizeUtf8("end\xE2\x82") == "end\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(IsValidUtf8(SanitizeUtf8("\x80\xC0\xF5\xFF\xE0\x80")));
}

TEST_CASE("ParseJsonObject refuses strings that are not UTF-8 without quoting them",
          "[utf8][json]") {
  for (const std::string& body :
       {std::string("{\"clusterName\":\"a\xFF\"}"), std::string("{\"k\xC3(\":1}"),
        std::string("{\"clusterName\":\"\xED\xA0\x80\"}")}) {
    auto r = ParseJsonObject(body);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == ErrorCode::kSerializationException);
    CHECK_THAT(r.status().message(), Catch::StartsWith("Request body is not valid UTF-8: "));
    CHECK(IsValidUtf8(r.status().message()));
  }
  auto escaped = ParseJsonObject(R"({"clusterName":"x\udc00y"})");
  REQUIRE_FALSE(escaped.ok());
  CHECK(escaped.status().code() == ErrorCode::kSerializationException);
  CHECK_THAT(escaped.status().message(), Catch::Contains("unpaired surrogate"));
  // A paired escape is a real character, and U+0000 is valid UTF-8.
  auto paired = ParseJsonObject(R"({"a":"\ud83d\ude00","b":"\u0000","c":"caf\u00e9"})");
  REQUIRE(paired.ok());
  auto a = (*paired)->FindMember("a");
  REQUIRE(a != (*paired)->MemberEnd());
  CHECK(std::string(a->value.GetString()) == "\xF0\x9F\x98\x80");
}
