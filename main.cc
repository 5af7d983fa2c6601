// ecs-emulator: wires options, storage, the control plane, the API and the HTTP server, then
// runs until SIGINT/SIGTERM.
#include <boost/asio.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "api/api.h"
#include "common/log.h"
#include "config/options.h"
#include "control/control_plane.h"
#include "server/data_dir_lock.h"
#include "server/group_commit.h"
#include "server/http_server.h"
#include "server/reconciler_loop.h"
#include "storage/store.h"

namespace {
constexpr const char* kVersion = "0.1.0";
}  // namespace

// Read by jemalloc (linked into the server, see CMakeLists.txt) at start-up; MALLOC_CONF in the
// environment still overrides it. jemalloc returns freed pages to the kernel only when a later
// allocation ticks its decay clock, so an idle server kept for good the ~60 MB that 1,000
// unfinished request bodies had used. A background thread now purges pages unused for a second,
// with MADV_DONTNEED at once (muzzy_decay_ms:0): MADV_FREE'd pages would still count in RSS.
// NOLINTNEXTLINE(cppcoreguidelines-avoid-non-const-global-variables): jemalloc's interface
extern "C" {
const char* malloc_conf = "background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0";
}

namespace {
// The database in --data-dir (created if missing), or none with --ephemeral. The directory is
// locked first: a second server on it would serve too, and each would overwrite what the other
// committed.
ecs::Result<std::unique_ptr<ecs::storage::Store>> OpenStore(
    const ecs::config::Options& opt, std::optional<ecs::server::DataDirLock>* lock) {
  using namespace ecs;
  if (opt.ephemeral) return storage::Store::OpenEphemeral();
  std::error_code ec;
  std::filesystem::create_directories(opt.data_dir, ec);
  if (ec) return Status::Server("cannot create --data-dir " + opt.data_dir + ": " + ec.message());
  auto locked = server::DataDirLock::Acquire(opt.data_dir);
  if (!locked.ok()) return locked.status();
  lock->emplace(std::move(*locked));
  return storage::Store::Open(
      (std::filesystem::path(opt.data_dir) / "ecs-emulator.sqlite3").string());
}

// --fleet: capacity for clusters that have none yet (a restart keeps what is there).
ecs::Status ApplyFleets(ecs::control::ControlPlane& control, const ecs::config::Options& opt) {
  using namespace ecs;
  for (const auto& fleet : opt.fleets) {
    control::RequestContext ctx{{opt.account_id, opt.region}};
    control::ListContainerInstancesInput existing;
    existing.cluster = fleet.cluster;
    existing.status = model::InstanceStatus::kActive;
    existing.page.max_results = 1;
    auto active = control.ListContainerInstances(ctx, existing);
    if (active.ok() && !active->arns.empty()) continue;
    auto made = control.CreateFleet(ctx, fleet);
    if (!made.ok())
      return Status::InvalidParameter("--fleet " + fleet.cluster + ": " + made.status().message());
    Log(LogLevel::kInfo, "fleet: " + std::to_string(made->size()) + " " + fleet.instance_type +
                             " instances in cluster " + fleet.cluster);
  }
  return Status::Ok();
}

// From the start of serving on, writes are group-committed (server/group_commit.h): a writer
// thread commits each batch while the state strand serves the next requests, and WAL
// checkpoints run on a thread of their own. Ephemeral state has nothing to commit.
struct Durability {
  std::optional<boost::asio::thread_pool> writer;
  std::unique_ptr<ecs::server::GroupCommit> group_commit;
};

ecs::Status StartDurability(const ecs::config::Options& opt, ecs::storage::Store& store,
                            ecs::control::ControlPlane& control,
                            boost::asio::strand<boost::asio::io_context::executor_type> state,
                            Durability& out) {
  if (opt.ephemeral) return ecs::Status::Ok();
  store.set_group_commit(true);
  ECS_RETURN_IF_ERROR(store.StartBackgroundCheckpoints());
  out.writer.emplace(1);
  out.group_commit = std::make_unique<ecs::server::GroupCommit>(
      std::move(state), out.writer->get_executor(), &store, &control);
  return ecs::Status::Ok();
}

// Serves until SIGINT/SIGTERM; then every connection finishes and the last writes commit.
int Serve(const ecs::config::Options& opt, ecs::storage::Store& store,
          ecs::control::ControlPlane& control, ecs::SimulatedClock& clock, ecs::Millis started) {
  using namespace ecs;
  api::ApiOptions api_options{{opt.account_id, opt.region}, kVersion, started};
  if (opt.verify_signatures) {
    api_options.verifier = std::make_shared<const SignatureVerifier>(opt.credentials);
  }
  api::Api api(&control, &clock, std::move(api_options));
  boost::asio::io_context ioc(opt.threads);
  auto state_strand = boost::asio::make_strand(ioc);
  Durability durability;
  if (Status s = StartDurability(opt, store, control, state_strand, durability); !s.ok()) {
    std::fprintf(stderr, "ecs-emulator: %s\n", s.message().c_str());
    return 1;
  }
  server::ServerOptions server_options;
  server_options.max_body_bytes = opt.max_body_bytes;
  server_options.read_timeout_seconds = opt.read_timeout_seconds;
  server_options.max_connections = opt.max_connections;
  server_options.keep_headers = opt.verify_signatures;
  server::HttpServer http(ioc, state_strand, &api, server_options, durability.group_commit.get());
  auto port = http.Listen(opt.host, opt.port);
  if (!port.ok()) {
    std::fprintf(stderr, "ecs-emulator: %s\n", port.status().message().c_str());
    return 1;
  }
  http.Start();
  control.set_endpoint_url("http://" + opt.host + ":" + std::to_string(*port) + "/");
  server::ReconcilerLoop reconciler(state_strand, &control, &clock, opt.scheduler_tick_ms,
                                    durability.group_commit.get());
  reconciler.Start();
  boost::asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec) return;
    Log(LogLevel::kInfo, "shutting down");
    http.Shutdown();
    reconciler.Stop();
  });
  std::printf("listening on http://%s:%d\n", opt.host.c_str(), *port);
  std::fflush(stdout);

  std::vector<std::thread> workers;
  for (int i = 1; i < opt.threads; ++i) workers.emplace_back([&ioc] { ioc.run(); });
  ioc.run();
  for (auto& t : workers) t.join();
  // Idle: every write in flight held the io_context until it ended.
  if (durability.writer) durability.writer->join();
  // Every connection has finished. Whatever a last batch still holds is committed (nobody was
  // told it was); the store closes (and checkpoints) when it goes out of scope.
  if (Status s = store.Flush(); !s.ok()) Log(LogLevel::kError, "final commit: " + s.message());
  return 0;
}

int Run(int argc, char** argv) {
  using namespace ecs;
  config::ParseOutcome parsed = config::ParseOptions(argc, argv);
  if (!parsed.options) {
    std::fputs(parsed.output.c_str(), parsed.exit_code == 0 ? stdout : stderr);
    return parsed.exit_code;
  }
  const config::Options& opt = *parsed.options;
  SetLogLevel(opt.log_level);
  const Millis started = SystemNowMillis();

  std::optional<server::DataDirLock> data_dir_lock;  // held until exit; --ephemeral takes none
  auto store = OpenStore(opt, &data_dir_lock);
  if (!store.ok()) {
    std::fprintf(stderr, "ecs-emulator: %s\n", store.status().message().c_str());
    return 1;
  }
  SimulatedClock clock;
  control::ControlOptions control_options;
  control_options.endpoint_url = "http://" + opt.host + ":" + std::to_string(opt.port) + "/";
  control_options.lifecycle = opt.lifecycle;
  control_options.az_suffixes = opt.az_suffixes;
  control::ControlPlane control(store->get(), &clock, IdGenerator::FromEntropy(), control_options);
  // A row that cannot be read stops the start with one line naming its kind and key.
  if (Status s = control.Load(); !s.ok()) {
    std::fprintf(stderr, "ecs-emulator: loading state: %s\n", s.message().c_str());
    return 1;
  }
  if (Status s = ApplyFleets(control, opt); !s.ok()) {
    std::fprintf(stderr, "ecs-emulator: %s\n", s.message().c_str());
    return 1;
  }
  return Serve(opt, **store, control, clock, started);
}
}  // namespace

int main(int argc, char** argv) {
  try {
    return Run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ecs-emulator: fatal: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "ecs-emulator: fatal: unknown exception\n");
  }
  return 1;
}
