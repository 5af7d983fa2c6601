#include "server/data_dir_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace ecs::server {

namespace {
std::string ErrnoText(int err) { return std::strerror(err); }

// The pid the holder wrote; empty when it has not written it yet (it writes right after
// taking the lock) or the file is not ours.
std::string ReadHolderPid(int fd) {
  char buf[32] = {};
  ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  if (n <= 0) return "";
  std::string pid(buf, static_cast<size_t>(n));
  while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
  for (char c : pid) {
    if (c < '0' || c > '9') return "";
  }
  return pid;
}

Status WritePid(int fd) {
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 ||
      ::pwrite(fd, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
    return Status::Server("cannot write the lock file: " + ErrnoText(errno));
  }
  return Status();
}
}  // namespace

Result<DataDirLock> DataDirLock::Acquire(const std::string& dir) {
  const std::string path = (std::filesystem::path(dir) / kLockFileName).string();
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Status::Server("cannot open " + path + ": " + ErrnoText(errno));
  DataDirLock lock(fd);  // closes fd on every early return
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EINTR) continue;
    if (errno != EWOULDBLOCK)
      return Status::Server("cannot lock " + path + ": " + ErrnoText(errno));
    const std::string pid = ReadHolderPid(fd);
    std::string message = "--data-dir " + dir + " is in use by another ecs-emulator (";
    message += pid.empty() ? "pid unknown" : "pid " + pid;
    message += ", lock file " + path + ")";
    return Status::Server(std::move(message));
  }
  if (Status s = WritePid(fd); !s.ok()) return s;
  return lock;
}

DataDirLock& DataDirLock::operator=(DataDirLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

DataDirLock::~DataDirLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the only descriptor releases the flock
}

}  // namespace ecs::server
