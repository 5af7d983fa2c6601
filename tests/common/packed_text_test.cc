#include "common/packed_text.h"

#include <catch2/catch.hpp>
#include <string>

using ecs::PackedText;

namespace {

// A task-definition-like body of ~2 KB whose image tag is `tag`.
std::string Body(const std::string& tag) {
  std::string body = R"({"containerDefinitions":[{"name":"web","image":"registry/web:)" + tag +
                     R"(","cpu":512,"memory":1024,"essential":true,"environment":[)";
  for (int i = 0; i < 40; ++i) {
    body += R"({"name":"VARIABLE_)" + std::to_string(i) + R"(","value":"value-)" +
            std::to_string(i * 7919) + "\"},";
  }
  return body + R"({"name":"LAST","value":"x"}]}],"family":"web"})";
}

}  // namespace

TEST_CASE("A text close to another is kept as a small difference and read back whole",
          "[packed_text]") {
  const PackedText first = PackedText::FromText(Body("1.0.0"));
  CHECK_FALSE(first.is_difference());
  CHECK(first.text() == Body("1.0.0"));

  const PackedText second = PackedText::Near(first, Body("1.0.1"));
  REQUIRE(second.is_difference());
  CHECK(second.held_bytes() * 10 < second.size());
  CHECK(second.text() == Body("1.0.1"));

  // Near a difference, the next text is kept against the same first text (no chain).
  const PackedText third = PackedText::Near(second, Body("1.0.2"));
  REQUIRE(third.is_difference());
  CHECK(third.text() == Body("1.0.2"));
  CHECK(second.text() == Body("1.0.1"));

  // Equality is of the texts, whichever way each is kept.
  CHECK(PackedText::FromText(Body("1.0.1")) == second);
  CHECK_FALSE(second == third);
  CHECK(PackedText::Near(first, Body("1.0.2")) == third);
}

TEST_CASE("A text unlike the other one is kept as itself", "[packed_text]") {
  const PackedText body = PackedText::FromText(Body("1"));
  std::string unlike;
  for (int i = 0; i < 500; ++i) unlike += std::to_string(i * 2654435761U % 1000003) + ";";
  const PackedText far = PackedText::Near(body, unlike);
  CHECK_FALSE(far.is_difference());
  CHECK(far.text() == unlike);
  CHECK(PackedText::Near(body, "{}").text() == "{}");  // the braces are the common ends
  CHECK(PackedText::Near(body, "").text().empty());
  CHECK(PackedText().text().empty());
  CHECK(PackedText::Near(PackedText(), Body("2")).text() == Body("2"));
}
