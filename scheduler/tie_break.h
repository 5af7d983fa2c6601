// Seeded, order-independent tie-breaking shared by placement and scale-in. When strategies leave
// several instances (or tasks) equally good, ECS picks at random; the emulator picks the one whose
// ARN hashes lowest under a salt drawn from the request's seeded generator. That is a uniform-ish
// random choice, reproducible for a fixed seed, independent of the order the caller lists
// candidates in, and O(n) without sorting ARNs. Exact hash collisions fall back to ARN order.
// Internal to scheduler/; pure functions.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace ecs::scheduler {

// splitmix64's finalizer: a strong 64-bit mixer, so nearby salts give unrelated orders.
inline uint64_t Mix64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

// A fast hash of an ARN. Only the last 16 bytes (and the length) are mixed in: ARNs of one
// cluster share a long prefix and differ in the trailing id (32 random hex digits for instances
// and tasks, so 16 of them carry 64 random bits), and a 1,000-instance scan hashes every
// candidate. Equal tails only cost the ARN-order fallback, never determinism. Host byte order;
// results are reproducible per platform.
inline uint64_t HashArn(std::string_view arn) {
  constexpr size_t kTail = 16;
  const uint64_t length = arn.size();
  if (arn.size() > kTail) arn.remove_prefix(arn.size() - kTail);
  uint64_t chunks[2] = {0, 0};
  if (!arn.empty()) std::memcpy(chunks, arn.data(), arn.size());
  return Mix64(chunks[0] ^ Mix64(chunks[1] ^ length));
}

// The tie-break score of a candidate for one pick: lower wins.
inline uint64_t TieScore(uint64_t arn_hash, uint64_t salt) { return Mix64(arn_hash ^ salt); }

}  // namespace ecs::scheduler
