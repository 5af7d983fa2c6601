// A fresh, empty directory per test binary and `name`, for tests that need a database file
// (WAL, a second connection, a reopen). Returns the database path inside it.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>

namespace ecs::testing {

inline std::string FreshDbPath(const std::string& name) {
  auto dir =
      std::filesystem::temp_directory_path() / ("ecs-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return (dir / "db.sqlite3").string();
}

}  // namespace ecs::testing
