#include "server/data_dir_lock.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <optional>

#include "tests/temp_db_path.h"

using namespace ecs;

namespace {
std::string FreshDir() {
  return std::filesystem::path(ecs::testing::FreshDbPath("data-dir-lock")).parent_path().string();
}
}  // namespace

TEST_CASE("A second lock on the same data dir fails and names the holder", "[server][lock]") {
  const std::string dir = FreshDir();
  std::optional<Result<server::DataDirLock>> first;
  first.emplace(server::DataDirLock::Acquire(dir));
  REQUIRE(first->ok());

  std::ifstream pid_file(std::filesystem::path(dir) / server::kLockFileName);
  std::string pid;
  pid_file >> pid;
  CHECK(pid == std::to_string(::getpid()));

  // flock conflicts between two open file descriptions even in one process.
  auto second = server::DataDirLock::Acquire(dir);
  REQUIRE_FALSE(second.ok());
  CHECK_THAT(second.status().message(), Catch::Contains(dir));
  CHECK_THAT(second.status().message(), Catch::Contains("pid " + std::to_string(::getpid())));

  first.reset();  // released: the next one gets it, although the file stays
  CHECK(std::filesystem::exists(std::filesystem::path(dir) / server::kLockFileName));
  CHECK(server::DataDirLock::Acquire(dir).ok());
  std::filesystem::remove_all(dir);
}

TEST_CASE("A missing data dir is an error, not a crash", "[server][lock]") {
  auto lock = server::DataDirLock::Acquire("/nonexistent-ecs-emulator-dir/x");
  REQUIRE_FALSE(lock.ok());
  CHECK_THAT(lock.status().message(), Catch::Contains("cannot open"));
}
