// Command-line and environment options, parsed and validated once in main and passed down.
// Nothing deeper in the code reads the environment.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/log.h"
#include "common/sigv4.h"
#include "common/status.h"
#include "control/options.h"

namespace ecs::config {

struct Options {
  std::string host = "127.0.0.1";
  int port = 4599;
  std::string data_dir = "./data";
  bool ephemeral = false;
  std::string region = "us-east-1";
  std::string account_id = "000000000000";
  int threads = 2;
  LogLevel log_level = LogLevel::kInfo;
  LogFormat log_format = LogFormat::kText;
  // --seed / ECS_EMULATOR_SEED: a YAML or JSON file applied at start-up when the state is empty
  // (config/seed.h); "" = none.
  std::string seed_path;
  size_t max_body_bytes = 1 << 20;  // 1 MiB; ECS caps a task definition at 64 KiB
  int read_timeout_seconds = 60;
  int max_connections = 4096;          // beyond it a new connection is answered 503 and closed
  control::LifecycleConfig lifecycle;  // task state delays
  int64_t scheduler_tick_ms = 250;     // how often the service scheduler looks at every service
  int64_t placement_traces = 100;      // placement decisions kept for /_emulator/placement (0: off)
  bool trace_all_placements = false;   // successful placements too, not only failed ones
  // Availability zones of every region: region + suffix. Fleets go round-robin over them.
  std::vector<std::string> az_suffixes = {"a", "b", "c"};
  // --fleet / ECS_EMULATOR_FLEET: capacity created at start-up in the default account and region,
  // each only when its cluster has no ACTIVE container instance yet.
  std::vector<control::FleetInput> fleets;
  // --verify-signatures: ECS operations must carry a SigV4 signature by one of `credentials`
  // (from --credential, --credentials-file and ECS_EMULATOR_CREDENTIALS together).
  bool verify_signatures = false;
  std::vector<Credential> credentials;
};

// Parses one fleet spec: comma-separated key=value pairs, e.g.
// "cluster=default,count=3,type=m5.large" (keys: cluster, count, type, cpu, memory, azs with
// zones separated by ':' or '/'). Returns the reason on error.
Result<control::FleetInput> ParseFleetSpec(const std::string& spec);

struct ParseOutcome {
  std::optional<Options> options;  // set when the server should start
  int exit_code = 0;               // otherwise: 0 after --help/--version, 2 on bad input
  std::string output;              // text to print (help to stdout, an error line to stderr)
};

// Flags win over ECS_EMULATOR_* environment variables, which win over defaults.
ParseOutcome ParseOptions(int argc, char** argv);

}  // namespace ecs::config
