// The server's allocator: jemalloc, linked into the server binary only (CMakeLists.txt). Without
// it (the sanitizer and fuzz builds) everything here does nothing.
#pragma once

#include <cstdint>

namespace ecs::server {

// Starts jemalloc's background purging thread (see malloc_conf in memory.cc) once the server has
// answered for a moment rather than at start-up, where creating it cost ~1 ms of a ~9 ms start.
// A background_thread setting in MALLOC_CONF is left to decide.
void StartMemoryReturn();

// While it lives, the memory jemalloc maps is advised for transparent huge pages
// (MADV_HUGEPAGE): a restart's load touches some hundreds of megabytes once, and with 2 MiB pages
// the kernel takes a fault and the TLB a miss per 2 MiB instead of per 4 KiB. Only for the load:
// huge pages for the whole process (MALLOC_CONF=thp:always) made start-up ~60 % slower and an
// idle server's RSS twice as large (bench/RESULTS.md, 2026-12-06). What was mapped meanwhile
// keeps the advice. Where the kernel's THP setting is "never", the advice changes nothing.
class HugePageScope {
 public:
  HugePageScope();
  ~HugePageScope();
  HugePageScope(const HugePageScope&) = delete;
  HugePageScope& operator=(const HugePageScope&) = delete;

 private:
  bool active_ = false;
};

// Databases this large (bytes) load under a HugePageScope; a smaller one's state would gain
// little and round its memory up to 2 MiB pages.
inline constexpr uint64_t kHugePageLoadBytes = 64ull << 20;

}  // namespace ecs::server
