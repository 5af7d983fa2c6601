#include "server/byte_budget.h"

#include <catch2/catch.hpp>

using namespace ecs::server;

TEST_CASE("The body budget hands out bytes up to its capacity and takes them back",
          "[server][budget]") {
  ByteBudget budget(100);
  auto a = budget.TryTake(60);
  REQUIRE(a);
  CHECK_FALSE(budget.TryTake(41));  // would exceed
  {
    auto b = budget.TryTake(40);
    REQUIRE(b);
    CHECK(budget.in_use() == 100);
    CHECK_FALSE(budget.TryTake(1));
  }  // b returned
  CHECK(budget.in_use() == 60);
  ByteBudget::Lease moved = std::move(*a);
  CHECK(budget.in_use() == 60);  // a move keeps the bytes taken once
  moved.Release();
  moved.Release();  // idempotent
  CHECK(budget.in_use() == 0);
  CHECK(budget.TryTake(100));
  CHECK_FALSE(budget.TryTake(101));
}
