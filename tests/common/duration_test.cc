// ParseDuration: the emulator's own duration strings (ecs-emulator.exit-after labels).
#include "common/duration.h"

#include <catch2/catch.hpp>

namespace ecs {
namespace {

TEST_CASE("Durations in ms, s, m, h or plain seconds", "[duration]") {
  CHECK(ParseDuration("1500ms") == 1500);
  CHECK(ParseDuration("2s") == 2000);
  CHECK(ParseDuration("0.5s") == 500);
  CHECK(ParseDuration("5m") == 300'000);
  CHECK(ParseDuration("1h") == 3'600'000);
  CHECK(ParseDuration("2") == 2000);
  CHECK(ParseDuration("0") == 0);
  for (const char* bad : {"", "s", ".", "-1s", "2d", "1.2.3s", "soon", "1 s", "99999999999h"}) {
    INFO(bad);
    CHECK_FALSE(ParseDuration(bad));
  }
}

}  // namespace
}  // namespace ecs
