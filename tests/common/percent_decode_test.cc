// PercentDecode: the one decoder behind the admin routes' query strings and SigV4's canonical
// query, which differ only in what '+' means.
#include "common/percent_decode.h"

#include <catch2/catch.hpp>
#include <string>

using namespace ecs;

TEST_CASE("Percent escapes decode to their bytes, either hex case", "[percent]") {
  CHECK(PercentDecode("a%20b") == "a b");
  CHECK(PercentDecode("%2f%2F") == "//");
  CHECK(PercentDecode("arn%3Aaws%3Aecs") == "arn:aws:ecs");
  CHECK(PercentDecode("%00") == std::string("\0", 1));
  CHECK(PercentDecode("caf%C3%A9") == "caf\xC3\xA9");
}

TEST_CASE("A '%' without two hex digits after it stays as it is", "[percent]") {
  CHECK(PercentDecode("%") == "%");
  CHECK(PercentDecode("100%") == "100%");
  CHECK(PercentDecode("%4") == "%4");
  CHECK(PercentDecode("%zz") == "%zz");
  CHECK(PercentDecode("%%41") == "%A");
}

TEST_CASE("'+' is a space only in form encoding", "[percent]") {
  CHECK(PercentDecode("a+b") == "a+b");
  CHECK(PercentDecode("a+b", PlusIs::kSpace) == "a b");
  CHECK(PercentDecode("a%2Bb", PlusIs::kSpace) == "a+b");
}
