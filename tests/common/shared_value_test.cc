#include "common/shared_value.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using ecs::SharedValue;
using Names = std::vector<std::string>;

TEST_CASE("SharedValue compares by value and shares a copy only when told and equal", "[common]") {
  const SharedValue<Names> empty;
  CHECK(empty->empty());
  CHECK(empty == SharedValue<Names>(Names{}));

  SharedValue<Names> a(Names{"x", "y"});
  SharedValue<Names> b(Names{"x", "y"});
  const SharedValue<Names> c(Names{"z"});
  CHECK(a == b);
  CHECK_FALSE(a.shares(b));
  b.ShareIfEqual(a);
  CHECK(b.shares(a));
  CHECK(*b == Names{"x", "y"});
  a.ShareIfEqual(c);  // not equal: keeps its own
  CHECK_FALSE(a.shares(c));
  CHECK(*a == Names{"x", "y"});
  CHECK_FALSE(a == c);
  SharedValue<Names> copy = c;  // a copy shares, until given another value
  CHECK(copy.shares(c));
  copy = Names{"w"};
  CHECK_FALSE(copy.shares(c));
  CHECK(*c == Names{"z"});
}
