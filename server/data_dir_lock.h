// An exclusive lock on a --data-dir, so that two servers never open the same database: both
// would serve, and each would overwrite what the other committed. The lock is flock(2) on
// <dir>/ecs-emulator.lock, which holds the owner's pid for the error message of the next one.
// The kernel drops the lock when the process exits, however it exits (kill -9 included), so a
// stale lock file is harmless and is never deleted (deleting it would race with a new owner).
#pragma once

#include <string>

#include "common/status.h"

namespace ecs::server {

inline constexpr const char* kLockFileName = "ecs-emulator.lock";

class DataDirLock {
 public:
  // Takes the lock without waiting. Fails when another process (or another DataDirLock in this
  // one) holds it, with a message naming the directory and the holder's pid.
  [[nodiscard]] static Result<DataDirLock> Acquire(const std::string& dir);

  DataDirLock(DataDirLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  DataDirLock& operator=(DataDirLock&& other) noexcept;
  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;
  ~DataDirLock();  // releases the lock

 private:
  explicit DataDirLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace ecs::server
