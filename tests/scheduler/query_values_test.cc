// Tables for the typed literals of the query language: numbers, versions and dates.
#include "scheduler/query_values.h"

#include <catch2/catch.hpp>
#include <string>

#include "scheduler/query_regex.h"

namespace ecs::scheduler {
namespace {

TEST_CASE("ParseQueryNumber accepts plain decimals only", "[query][values]") {
  CHECK(ParseQueryNumber("12") == 12.0);
  CHECK(ParseQueryNumber("-3.5") == -3.5);
  CHECK(ParseQueryNumber(".5") == 0.5);
  for (const char* bad : {"", "-", "1.", "1e5", "inf", "nan", "0x10", "1.2.3", " 1", "+1"}) {
    INFO(bad);
    CHECK_FALSE(ParseQueryNumber(bad).has_value());
  }
}

TEST_CASE("ParseQueryInteger", "[query][values]") {
  CHECK(ParseQueryInteger("0") == 0);
  CHECK(ParseQueryInteger("-7") == -7);
  for (const char* bad : {"", "1.0", "one", "99999999999999999999", "1 "}) {
    INFO(bad);
    CHECK_FALSE(ParseQueryInteger(bad).has_value());
  }
}

TEST_CASE("versions compare component-wise as numbers", "[query][values]") {
  struct Case {
    const char* a;
    const char* b;
    int expected;
  };
  const Case kCases[] = {
      {"1.14.5", "1.29.0", -1}, {"1.29.0", "1.9.0", 1}, {"1.2", "1.2.0", 0},
      {"1.2.0.1", "1.2", 1},    {"v1.3.0", "1.3", 0},   {"10.0.0", "9.99.99", 1},
  };
  for (const Case& c : kCases) {
    INFO(c.a << " vs " << c.b);
    auto a = ParseVersion(c.a);
    auto b = ParseVersion(c.b);
    REQUIRE(a.has_value());
    REQUIRE(b.has_value());
    CHECK(CompareVersions(*a, *b) == c.expected);
    CHECK(CompareVersionText(c.a, *b) == c.expected);
  }
  for (const char* bad : {"", "v", "1..2", "1.x", "1.2.", ".1", "1.2-beta"}) {
    INFO(bad);
    CHECK_FALSE(ParseVersion(bad).has_value());
    CHECK_FALSE(CompareVersionText(bad, {1}).has_value());
  }
}

TEST_CASE("DaysFromCivil", "[query][values]") {
  CHECK(DaysFromCivil(1970, 1, 1) == 0);
  CHECK(DaysFromCivil(2000, 3, 1) == 11017);
  CHECK(DaysFromCivil(2018, 6, 18) == 17700);
  CHECK(DaysFromCivil(1969, 12, 31) == -1);
}

TEST_CASE("ParseQueryTime: the four documented forms", "[query][values]") {
  auto date = ParseQueryTime("2018-06-18");
  REQUIRE(date.has_value());
  CHECK(date->date_only);
  CHECK(date->value == 17700);

  for (const char* text :
       {"2018-06-18T22:28:28", "2018-06-18T22:28:28Z", "2018-06-18T22:28:28+00:00",
        "2018-06-19T01:28:28+03:00", "2018-06-18T20:58:28-01:30"}) {
    INFO(text);
    auto t = ParseQueryTime(text);
    REQUIRE(t.has_value());
    CHECK_FALSE(t->date_only);
    CHECK(t->value == 1'529'360'908);
  }
  CHECK(ParseQueryTime("2020-02-29").has_value());
  for (const char* bad :
       {"2019-02-29", "2018-13-01", "2018-00-10", "2018-06-31", "2018-6-18", "2018/06/18",
        "2018-06-18T24:00:00", "2018-06-18T22:28", "2018-06-18 22:28:28",
        "2018-06-18T22:28:28+0000", "2018-06-18T22:28:28.123Z", "2018-06-18T22:28:28UTC", ""}) {
    INFO(bad);
    CHECK_FALSE(ParseQueryTime(bad).has_value());
  }
}

TEST_CASE("CompareRegisteredAt truncates the instance time to the literal's granularity",
          "[query][values]") {
  const Millis t = 1'529'360'908'999;  // 2018-06-18T22:28:28.999Z
  CHECK(CompareRegisteredAt(t, *ParseQueryTime("2018-06-18")) == 0);
  CHECK(CompareRegisteredAt(t, *ParseQueryTime("2018-06-19")) < 0);
  CHECK(CompareRegisteredAt(t, *ParseQueryTime("2018-06-17")) > 0);
  CHECK(CompareRegisteredAt(t, *ParseQueryTime("2018-06-18T22:28:28Z")) == 0);
  CHECK(CompareRegisteredAt(t, *ParseQueryTime("2018-06-18T22:28:29Z")) < 0);
  // Before the epoch, truncation must go down, not toward zero.
  CHECK(CompareRegisteredAt(-1, *ParseQueryTime("1969-12-31")) == 0);
  CHECK(CompareRegisteredAt(-1, *ParseQueryTime("1969-12-31T23:59:59Z")) == 0);
}

TEST_CASE("simple regexes take the wildcard fast path and agree with RE2", "[query][values]") {
  const char* kSimple[] = {"t2.*", "service:.*", "m5\\..*",    ".*large", "t.\\.micro", "a.*b.*c",
                           "",     ".*",         "i-abcd1234", "x/y-z_1", ".",          "..*"};
  const char* kNotSimple[] = {"t2*",  "(t2|m5).*", "[tm]2.*", "^t2.*", "t2.*$", "t2.+", "t2.?",
                              "a{2}", "\\d+",      "\\w",     "a|b",   ".*?",   "t2\\"};
  const char* kTexts[] = {"t2.micro",    "t2",
                          "m5.large",    "m5xlarge",
                          "service:web", "service:",
                          "abc",         "aXbYc",
                          "acb",         "",
                          "x/y-z_1",     "i-abcd1234",
                          "tx.micro",    "line\nbreak",
                          "a\nb",        "t\xC3\xA9.micro" /* one character, two bytes */,
                          "caf\xC3\xA9", "a\U0001F600b\u20ACc" /* 4- and 3-byte characters */,
                          "cr\rx"};
  for (const char* regex : kSimple) {
    auto simple = SimplifyRegex(regex);
    INFO(regex);
    REQUIRE(simple.has_value());
    auto reference = CompileQueryRegex(regex);
    REQUIRE(reference.ok());
    for (const char* text : kTexts) {
      INFO(text);
      CHECK(MatchSimplePattern(*simple, text) == MatchesWhole(**reference, text));
    }
  }
  for (const char* regex : kNotSimple) {
    INFO(regex);
    CHECK_FALSE(SimplifyRegex(regex).has_value());
  }
}

}  // namespace
}  // namespace ecs::scheduler
