#include "storage/row_reader.h"

#include <catch2/catch.hpp>

using ecs::storage::RowReader;

TEST_CASE("RowReader finds members in any order, again, and names a missing one", "[storage]") {
  RowReader r("task", "k", R"({"a":"1","b":2,"c":true,"d":{"e":3}})");
  CHECK(r.Bool("c"));
  CHECK(r.String("a") == "1");
  CHECK(r.Int("b") == 2);
  CHECK(r.Int("b") == 2);
  CHECK(r.Nested(*r.Object("d")).Int("e") == 3);
  CHECK(r.String("a") == "1");
  CHECK(r.OptString("zz", "none") == "none");
  CHECK(r.ok());
  CHECK(r.Int("missing") == 0);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == "corrupt task row k: member 'missing' is missing");
}
