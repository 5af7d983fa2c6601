// ecs-emulator: wires options, storage, the control plane, the API and the HTTP server, then
// runs until SIGINT/SIGTERM.
#include <boost/asio.hpp>
#include <chrono>
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
#include "config/seed.h"
#include "control/control_plane.h"
#include "server/data_dir_lock.h"
#include "server/group_commit.h"
#include "server/http_server.h"
#include "server/memory.h"
#include "server/reconciler_loop.h"
#include "server/writer_thread.h"
#include "storage/store.h"

namespace {
constexpr const char* kVersion = "0.1.0";
constexpr const char* kDatabaseFile = "ecs-emulator.sqlite3";  // in --data-dir

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
  return storage::Store::Open((std::filesystem::path(opt.data_dir) / kDatabaseFile).string());
}

// The state in the store, a large database's into huge pages (server/memory.h).
ecs::Status Load(const ecs::config::Options& opt, ecs::control::ControlPlane& control) {
  std::optional<ecs::server::HugePageScope> huge_pages;
  if (!opt.ephemeral) {
    std::error_code ec;
    const auto bytes =
        std::filesystem::file_size(std::filesystem::path(opt.data_dir) / kDatabaseFile, ec);
    if (!ec && bytes >= ecs::server::kHugePageLoadBytes) huge_pages.emplace();
  }
  return control.Load();
}

// --fleet: capacity for clusters that have none yet (a restart keeps what is there).
ecs::Status ApplyFleets(ecs::control::ControlPlane& control, const ecs::config::Options& opt) {
  using namespace ecs;
  for (const auto& fleet : opt.fleets) {
    control::RequestContext ctx{{opt.account_id, opt.region}};
    // A group is declared once: a restart finds it (and whatever size managed scaling left it).
    if (!fleet.auto_scaling_group.empty() &&
        control.FindAutoScalingGroup(ctx.tenant,
                                     model::AutoScalingGroupName(fleet.auto_scaling_group))) {
      continue;
    }
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

// --seed: applied once, to an empty state (a restart finds the state and skips it). Each
// document's fleets go in as soon as their cluster exists (a request may create it), the rest
// after the last request; the first failure stops start-up naming the request.
ecs::Status ApplySeedDocument(const ecs::config::SeedDocument& doc, size_t index,
                              const ecs::config::Options& opt, ecs::control::ControlPlane& control,
                              ecs::api::Api& api) {
  using namespace ecs;
  const Tenant tenant{doc.account.value_or(opt.account_id), doc.region.value_or(opt.region)};
  const control::RequestContext ctx{tenant};
  std::vector<control::FleetInput> waiting = doc.fleets;
  auto place_fleets = [&](bool last) -> Status {
    for (auto it = waiting.begin(); it != waiting.end();) {
      if (!last && !control.FindCluster(ctx, it->cluster, true).ok()) {
        ++it;
        continue;
      }
      auto made = control.CreateFleet(ctx, *it);
      if (!made.ok()) {
        return Status::InvalidParameter("document " + std::to_string(index) + ", fleet for " +
                                        it->cluster + ": " + made.status().message());
      }
      it = waiting.erase(it);
    }
    return Status::Ok();
  };
  for (size_t i = 0; i < doc.requests.size(); ++i) {
    ECS_RETURN_IF_ERROR(place_fleets(false));
    const auto& request = doc.requests[i];
    api::HttpReply reply = api.Invoke(request.operation, request.body, tenant);
    if (reply.status != 200) {
      return Status::InvalidParameter("document " + std::to_string(index) + ", request " +
                                      std::to_string(i) + " (" + request.operation +
                                      "): " + reply.error_type + ": " + reply.error_message);
    }
  }
  return place_fleets(true);
}

ecs::Status ApplySeed(const ecs::config::Options& opt, ecs::control::ControlPlane& control,
                      ecs::api::Api& api) {
  using namespace ecs;
  if (opt.seed_path.empty()) return Status::Ok();
  // Read (and checked) on every start, so a broken file is noticed before it matters.
  auto seed = config::LoadSeed(opt.seed_path);
  if (!seed.ok()) return seed.status();
  if (!control.Empty()) {
    Log(LogLevel::kInfo, "seed: " + opt.seed_path + " not applied: the state is not empty");
    return Status::Ok();
  }
  for (size_t i = 0; i < seed->documents.size(); ++i) {
    if (Status s = ApplySeedDocument(seed->documents[i], i, opt, control, api); !s.ok()) {
      return Status::InvalidParameter("seed " + opt.seed_path + ": " + s.message());
    }
  }
  Log(LogLevel::kInfo, "seed: applied " + opt.seed_path);
  return Status::Ok();
}

// From the start of serving on, writes are group-committed (server/group_commit.h): a writer
// thread commits each batch while the state strand serves the next requests, and WAL
// checkpoints run on a thread of their own. Ephemeral state has nothing to commit.
struct Durability {
  std::optional<ecs::server::WriterThread> writer;
  std::unique_ptr<ecs::server::GroupCommit> group_commit;
};

ecs::Status StartDurability(const ecs::config::Options& opt, ecs::storage::Store& store,
                            ecs::control::ControlPlane& control,
                            boost::asio::strand<boost::asio::io_context::executor_type> state,
                            Durability& out) {
  if (opt.ephemeral) return ecs::Status::Ok();
  store.set_group_commit(true);
  store.StartBackgroundCheckpoints();
  auto& writer = out.writer.emplace();
  out.group_commit = std::make_unique<ecs::server::GroupCommit>(
      std::move(state), writer.executor(), &store, &control, [&writer] { writer.Start(); });
  return ecs::Status::Ok();
}

// The start-up line (stderr, like every log line); `listening on` alone goes to stdout, for
// scripts that wait for it.
void AnnounceStart(const ecs::config::Options& opt, int port) {
  using namespace ecs;
  LogEvent(LogLevel::kInfo, "start")
      .Str("version", kVersion)
      .Str("mode", opt.ephemeral ? "ephemeral" : "persistent")
      .Str("data_dir", opt.ephemeral ? "-" : opt.data_dir)
      .Str("address", opt.host + ":" + std::to_string(port))
      .Str("account", opt.account_id)
      .Str("region", opt.region)
      .Write();
  std::printf("listening on http://%s:%d\n", opt.host.c_str(), port);
  std::fflush(stdout);
}

// The I/O threads besides main's. They start once the first reply is out (or a second after
// start-up if no request came): they serve concurrent connections, and creating them before
// the first answer made it wait ~0.8 ms longer (bench/startup.py).
class IoThreads {
 public:
  IoThreads(boost::asio::io_context& ioc, int total) : ioc_(ioc), total_(total) {}
  // Until the threads exist only main runs `ioc`, so every call before that comes from main;
  // later ones see started_ set before the threads were created.
  void Start() {
    if (std::exchange(started_, true)) return;
    for (int i = 1; i < total_; ++i) threads_.emplace_back([this] { ioc_.run(); });
  }
  void Join() {
    for (auto& t : threads_) t.join();
  }

 private:
  boost::asio::io_context& ioc_;
  const int total_;
  bool started_ = false;
  std::vector<std::thread> threads_;
};

// Serves until SIGINT/SIGTERM; then every connection finishes and the last writes commit.
int Serve(const ecs::config::Options& opt, ecs::storage::Store& store,
          ecs::control::ControlPlane& control, ecs::SimulatedClock& clock, ecs::Millis started) {
  using namespace ecs;
  server::ServerMetrics metrics;
  api::ApiOptions api_options{{opt.account_id, opt.region}, kVersion, started};
  api_options.server_metrics = [&metrics] { return metrics.Render(); };
  api_options.mode = opt.ephemeral ? "ephemeral" : "persistent";
  if (opt.verify_signatures) {
    api_options.verifier = std::make_shared<const SignatureVerifier>(opt.credentials);
  }
  api::Api api(&control, &clock, std::move(api_options));
  boost::asio::io_context ioc(opt.threads);
  auto state_strand = boost::asio::make_strand(ioc);
  // Before group commit starts: the seed's writes commit one by one, before anyone is served.
  if (Status s = ApplySeed(opt, control, api); !s.ok()) {
    std::fprintf(stderr, "ecs-emulator: %s\n", s.message().c_str());
    return 1;
  }
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
  http.set_metrics(&metrics);
  server::ReconcilerLoop reconciler(state_strand, &control, &clock, opt.scheduler_tick_ms,
                                    durability.group_commit.get());
  reconciler.set_metrics(&metrics);
  http.set_after_execute([&reconciler] { reconciler.Settle(); });
  IoThreads workers(ioc, opt.threads);
  http.set_after_first_reply([&workers] { workers.Start(); });
  if (durability.group_commit) durability.group_commit->set_metrics(&metrics);
  auto port = http.Listen(opt.host, opt.port);
  if (!port.ok()) {
    std::fprintf(stderr, "ecs-emulator: %s\n", port.status().message().c_str());
    return 1;
  }
  http.Start();
  control.set_endpoint_url("http://" + opt.host + ":" + std::to_string(*port) + "/");
  reconciler.Start();
  // A second after start-up: jemalloc's purging thread (server/memory.h), and the I/O threads
  // if no request has started them.
  boost::asio::steady_timer memory_return(ioc, std::chrono::seconds(1));
  memory_return.async_wait([&workers](const boost::system::error_code& ec) {
    if (ec) return;
    server::StartMemoryReturn();
    workers.Start();
  });
  boost::asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec) return;
    Log(LogLevel::kInfo, "shutting down");
    memory_return.cancel();
    http.Shutdown();
    reconciler.Stop();
  });
  AnnounceStart(opt, *port);

  ioc.run();
  workers.Join();
  // Idle: every write in flight held the io_context until it ended.
  if (durability.writer) durability.writer->Join();
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
  SetLogFormat(opt.log_format);
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
  control_options.placement_traces = static_cast<size_t>(opt.placement_traces);
  control_options.trace_all_placements = opt.trace_all_placements;
  control_options.az_suffixes = opt.az_suffixes;
  control::ControlPlane control(store->get(), &clock, IdGenerator::FromEntropy(), control_options);
  // A row that cannot be read stops the start with one line naming its kind and key.
  if (Status s = Load(opt, control); !s.ok()) {
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
