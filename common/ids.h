// Identifier minting. The control plane takes an IdGenerator so tests can make ids predictable.
// Not thread-safe: one generator per owner (the state strand owns the control plane's).
#pragma once

#include <cstdint>
#include <random>
#include <string>

namespace ecs {

class IdGenerator {
 public:
  explicit IdGenerator(uint64_t seed) : rng_(seed) {}
  static IdGenerator FromEntropy();

  std::string Uuid();          // 8-4-4-4-12 lowercase hex, version 4
  std::string Hex32();         // task / container-instance id: 32 lowercase hex
  std::string DeploymentId();  // "ecs-svc/" + 19 digits
  uint64_t Next() { return rng_(); }

 private:
  std::mt19937_64 rng_;
};

// A version-4 UUID from a thread-local generator; for request ids on connection threads.
std::string RandomRequestId();

}  // namespace ecs
