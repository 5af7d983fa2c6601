#include "common/ids.h"

#include <cstdio>

namespace ecs {

IdGenerator IdGenerator::FromEntropy() {
  std::random_device rd;
  return IdGenerator((uint64_t{rd()} << 32) ^ rd());
}

namespace {
std::string FormatUuid(uint64_t hi, uint64_t lo) {
  hi = (hi & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
  lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // RFC 4122 variant
  char buf[37];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xffff), static_cast<unsigned>(hi & 0xffff),
                static_cast<unsigned>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xffffffffffffULL));
  return buf;
}
}  // namespace

std::string IdGenerator::Uuid() {
  uint64_t hi = rng_();
  return FormatUuid(hi, rng_());
}

std::string IdGenerator::Hex32() {
  // The second draw is printed first: what GCC's right-to-left argument evaluation always did,
  // so a seed keeps the ids it had, now on every compiler.
  const uint64_t first = rng_();
  const uint64_t second = rng_();
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(second),
                static_cast<unsigned long long>(first));
  return buf;
}

std::string IdGenerator::DeploymentId() {
  // 19 digits, first one non-zero, as ECS shows them (ecs-svc/9223370564342348388).
  uint64_t n = 1'000'000'000'000'000'000ULL + rng_() % 8'000'000'000'000'000'000ULL;
  return "ecs-svc/" + std::to_string(n);
}

std::string RandomRequestId() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  uint64_t hi = rng();
  return FormatUuid(hi, rng());
}

}  // namespace ecs
