#include "server/memory.h"

#include <cstdlib>
#include <cstring>

#include "common/log.h"

#ifdef ECS_WITH_JEMALLOC
#include <jemalloc/jemalloc.h>
#include <sys/mman.h>
#endif

#ifdef ECS_WITH_JEMALLOC
// Read by jemalloc at start-up; MALLOC_CONF in the environment still overrides it. jemalloc
// returns freed pages to the kernel only when a later allocation ticks its decay clock, so an
// idle server kept for good the ~60 MB that 1,000 unfinished request bodies had used. A
// background thread (StartMemoryReturn) purges pages unused for a second, with MADV_DONTNEED at
// once (muzzy_decay_ms:0): MADV_FREE'd pages would still count in RSS. One arena: each further
// arena cost ~0.3 ms of start-up to create, and 1 or 8 arenas served the same requests/s on two
// cores (bench/RESULTS.md, 2026-12-06).
// NOLINTNEXTLINE(cppcoreguidelines-avoid-non-const-global-variables): jemalloc's interface
extern "C" {
const char* malloc_conf = "narenas:1,dirty_decay_ms:1000,muzzy_decay_ms:0";
}
#endif

namespace ecs::server {

void StartMemoryReturn() {
#ifdef ECS_WITH_JEMALLOC
  const char* env = std::getenv("MALLOC_CONF");
  if (env != nullptr && std::strstr(env, "background_thread") != nullptr) return;
  bool on = true;
  if (mallctl("background_thread", nullptr, nullptr, &on, sizeof(on)) != 0) {
    Log(LogLevel::kWarn, "jemalloc: cannot start the background purging thread");
  }
#endif
}

#ifdef ECS_WITH_JEMALLOC
namespace {

// jemalloc's own extent hooks, and a copy whose alloc advises what it maps for huge pages.
// NOLINTBEGIN(cppcoreguidelines-avoid-non-const-global-variables): set by HugePageScope
extent_hooks_t* default_hooks = nullptr;
extent_hooks_t huge_page_hooks;
// NOLINTEND(cppcoreguidelines-avoid-non-const-global-variables)

void* AllocHugePages(extent_hooks_t* /*hooks*/, void* new_addr, size_t size, size_t alignment,
                     bool* zero, bool* commit, unsigned arena_ind) {
  void* p = default_hooks->alloc(default_hooks, new_addr, size, alignment, zero, commit, arena_ind);
  // Advice only: refused, the memory stays on 4 KiB pages.
  if (p != nullptr) madvise(p, size, MADV_HUGEPAGE);
  return p;
}

// Reads arena 0's extent hooks into *old (when given), then sets them to `hooks` (when given).
bool SwapArenaHooks(extent_hooks_t** old, extent_hooks_t* hooks) {
  size_t size = sizeof(extent_hooks_t*);
  return mallctl("arena.0.extent_hooks", static_cast<void*>(old), old ? &size : nullptr,
                 hooks ? static_cast<void*>(&hooks) : nullptr,
                 hooks ? sizeof(extent_hooks_t*) : 0) == 0;
}

}  // namespace
#endif

// Arena 0's hooks, swapped for the scope: with narenas:1 (malloc_conf above) every thread
// allocates there, so a loading thread and its helpers all get huge pages. The other hooks
// (free, purge, split, merge) stay jemalloc's, so it handles these extents like any other.
HugePageScope::HugePageScope() {
#ifdef ECS_WITH_JEMALLOC
  extent_hooks_t* current = nullptr;
  if (!SwapArenaHooks(&current, nullptr) || current == nullptr) {
    Log(LogLevel::kWarn, "jemalloc: cannot read the extent hooks; loading on 4 KiB pages");
    return;
  }
  default_hooks = current;
  huge_page_hooks = *current;
  huge_page_hooks.alloc = &AllocHugePages;
  active_ = SwapArenaHooks(nullptr, &huge_page_hooks);
#endif
}

HugePageScope::~HugePageScope() {
#ifdef ECS_WITH_JEMALLOC
  if (active_) SwapArenaHooks(nullptr, default_hooks);
#endif
}

}  // namespace ecs::server
