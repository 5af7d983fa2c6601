#include "config/options.h"

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <fstream>
#include <optional>

#include "common/names.h"
#include "control/instance_types.h"

namespace ecs::config {

namespace {
bool IsTwelveDigits(const std::string& s) {
  if (s.size() != 12) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::vector<std::string> Split(const std::string& s, std::string_view separators) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (separators.find(c) != std::string_view::npos) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

std::optional<int64_t> ParseCount(const std::string& s) {
  if (s.empty() || s.size() > 12) return std::nullopt;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

}  // namespace

Result<control::FleetInput> ParseFleetSpec(const std::string& spec) {
  control::FleetInput f;
  f.create_cluster = true;  // a start-up fleet declares its cluster too
  bool has_count = false;
  for (const std::string& item : Split(spec, ",")) {
    if (item.empty()) continue;
    size_t eq = item.find('=');
    if (eq == std::string::npos) {
      return Status::InvalidParameter("'" + item + "' is not key=value");
    }
    std::string key = item.substr(0, eq), value = item.substr(eq + 1);
    if (key == "cluster") {
      if (!IsValidResourceName(value))
        return Status::InvalidParameter("bad cluster name '" + value + "'");
      f.cluster = value;
    } else if (key == "count") {
      auto n = ParseCount(value);
      if (!n || *n < 1 || *n > 5000) {
        return Status::InvalidParameter("count must be 1..5000, got '" + value + "'");
      }
      f.count = static_cast<int>(*n);
      has_count = true;
    } else if (key == "type" || key == "instanceType") {
      f.instance_type = value;
    } else if (key == "cpu" || key == "memory") {
      auto n = ParseCount(value);
      if (!n || *n < 1) return Status::InvalidParameter(key + " must be a positive integer");
      (key == "cpu" ? f.cpu : f.memory) = n;
    } else if (key == "autoScalingGroup" || key == "asg") {
      f.auto_scaling_group = value;
    } else if (key == "min" || key == "max" || key == "desired") {
      auto n = ParseCount(value);
      if (!n || *n > 5000) return Status::InvalidParameter(key + " must be 0..5000");
      (key == "min" ? f.group_min : key == "max" ? f.group_max : f.group_desired) = n;
    } else if (key == "azs" || key == "zones") {
      for (const auto& z : Split(value, ":/")) {
        if (!z.empty()) f.availability_zones.push_back(z);
      }
    } else {
      return Status::InvalidParameter(
          "unknown key '" + key +
          "' (cluster, count, type, cpu, memory, azs, autoScalingGroup, min, max, desired)");
    }
  }
  if (!f.auto_scaling_group.empty()) {
    if (has_count) return Status::InvalidParameter("an autoScalingGroup takes desired, not count");
    if (!f.group_max) return Status::InvalidParameter("max is required with autoScalingGroup");
  } else if (f.group_min || f.group_max || f.group_desired) {
    return Status::InvalidParameter("min, max and desired need autoScalingGroup");
  } else if (!has_count) {
    return Status::InvalidParameter("count is required");
  }
  if (!control::FindInstanceType(f.instance_type) && (!f.cpu || !f.memory)) {
    return Status::InvalidParameter("unknown instance type '" + f.instance_type +
                                    "': give cpu= and memory=");
  }
  return f;
}

namespace {

// What the command line gives as text, checked and converted after parsing.
struct RawOptions {
  std::string port = "4599";  // checked by hand, for a message that says what is wrong
  std::string log_level = "info";
  std::string log_format = "text";
  int64_t retention_minutes = 60;
  std::vector<std::string> fleet_specs;
  std::string az_suffixes = "a,b,c";
  std::vector<std::string> credentials;
  std::string credentials_file;
  std::string timing = "instant";
  // Given only when set (flag or environment): each overrides the profile's value.
  std::optional<int64_t> provisioning_ms, pending_ms, stopping_ms, deprovisioning_ms;
};

void AddAuthOptions(CLI::App& app, Options& o, RawOptions& raw) {
  app.add_flag("--verify-signatures", o.verify_signatures,
               "Serve ECS operations only when signed (SigV4) with a configured credential")
      ->envname("ECS_EMULATOR_VERIFY_SIGNATURES");
  app.add_option("--credential", raw.credentials,
                 "ACCESS_KEY:SECRET[:ACCOUNT] accepted by --verify-signatures (repeatable)");
  app.add_option("--credentials-file", raw.credentials_file,
                 "File of ACCESS_KEY:SECRET[:ACCOUNT] lines ('#' starts a comment)")
      ->envname("ECS_EMULATOR_CREDENTIALS_FILE");
}

// Credentials from the flags, the file and ECS_EMULATOR_CREDENTIALS (separated by ',' or
// whitespace). The problem, or "" when there is none; messages never quote a secret.
std::string FinishCredentials(const RawOptions& raw, Options& o) {
  std::vector<std::string> specs = raw.credentials;
  if (const char* env = std::getenv("ECS_EMULATOR_CREDENTIALS")) {
    for (const auto& spec : Split(env, ", \t\n")) {
      if (!spec.empty()) specs.push_back(spec);
    }
  }
  if (!raw.credentials_file.empty()) {
    std::ifstream file(raw.credentials_file);
    if (!file) return "--credentials-file: cannot read '" + raw.credentials_file + "'";
    for (std::string line; std::getline(file, line);) {
      line = line.substr(0, line.find('#'));
      for (const auto& spec : Split(line, " \t\r")) {
        if (!spec.empty()) specs.push_back(spec);
      }
    }
  }
  for (const auto& spec : specs) {
    auto credential = ParseCredential(spec);
    if (!credential.ok()) return "--credential: " + credential.status().message();
    o.credentials.push_back(std::move(*credential));
  }
  if (o.verify_signatures && o.credentials.empty()) {
    return "--verify-signatures needs at least one --credential (or --credentials-file, "
           "ECS_EMULATOR_CREDENTIALS)";
  }
  // Credentials that nothing checks would look like protection that is not there.
  if (!o.verify_signatures && !o.credentials.empty()) {
    return "credentials are given but --verify-signatures is not: add it, or remove them";
  }
  return "";
}

void AddServerOptions(CLI::App& app, Options& o, RawOptions& raw) {
  app.add_option("--host", o.host, "Address to listen on (0.0.0.0 in containers)")
      ->envname("ECS_EMULATOR_HOST");
  app.add_option("--port", raw.port, "TCP port; 0 picks a free port")->envname("ECS_EMULATOR_PORT");
  app.add_option("--data-dir", o.data_dir, "Directory for the SQLite database")
      ->envname("ECS_EMULATOR_DATA_DIR");
  app.add_flag("--ephemeral", o.ephemeral, "Keep state in memory only; nothing is written to disk")
      ->envname("ECS_EMULATOR_EPHEMERAL");
  app.add_option("--region", o.region, "Region for requests whose signature names none")
      ->envname("ECS_EMULATOR_REGION");
  app.add_option("--account-id", o.account_id,
                 "Account for requests whose access key is not a 12-digit number")
      ->envname("ECS_EMULATOR_ACCOUNT_ID");
  app.add_option("--threads", o.threads, "I/O threads serving connections")
      ->envname("ECS_EMULATOR_THREADS")
      ->check(CLI::Range(1, 256));
  app.add_option("--max-connections", o.max_connections,
                 "Connections served at once; a new one beyond it is answered 503 and closed")
      ->envname("ECS_EMULATOR_MAX_CONNECTIONS")
      ->check(CLI::Range(1, 1'000'000));
  app.add_option("--log-level", raw.log_level,
                 "debug (adds placements, task state changes and deployment steps), info (one "
                 "line per request), warn, error, off")
      ->envname("ECS_EMULATOR_LOG_LEVEL");
  app.add_option("--log-format", raw.log_format, "text, or json (one JSON object per line)")
      ->envname("ECS_EMULATOR_LOG_FORMAT");
  app.add_option("--seed", o.seed_path,
                 "YAML or JSON file of ECS requests applied at start-up when the state is empty")
      ->envname("ECS_EMULATOR_SEED");
}

void AddSimulationOptions(CLI::App& app, Options& o, RawOptions& raw) {
  const auto delay = CLI::Range(int64_t{0}, int64_t{86'400'000});
  app.add_option("--timing", raw.timing,
                 "instant (every task step at once; waiters succeed on their first poll) or "
                 "realistic (seconds per step, as ECS)")
      ->envname("ECS_EMULATOR_TIMING");
  app.add_option("--task-provisioning-ms", raw.provisioning_ms,
                 "Simulated PROVISIONING time of awsvpc/Fargate tasks (overrides --timing)")
      ->envname("ECS_EMULATOR_TASK_PROVISIONING_MS")
      ->check(delay);
  app.add_option("--task-pending-ms", raw.pending_ms,
                 "Simulated PENDING time (image pull) before RUNNING (overrides --timing)")
      ->envname("ECS_EMULATOR_TASK_PENDING_MS")
      ->check(delay);
  app.add_option("--task-stopping-ms", raw.stopping_ms,
                 "Simulated STOPPING time (overrides --timing)")
      ->envname("ECS_EMULATOR_TASK_STOPPING_MS")
      ->check(delay);
  app.add_option("--task-deprovisioning-ms", raw.deprovisioning_ms,
                 "Simulated DEPROVISIONING time of awsvpc/Fargate tasks (overrides --timing)")
      ->envname("ECS_EMULATOR_TASK_DEPROVISIONING_MS")
      ->check(delay);
  app.add_option("--stopped-task-retention-minutes", raw.retention_minutes,
                 "How long STOPPED tasks stay describable before they are purged")
      ->envname("ECS_EMULATOR_STOPPED_TASK_RETENTION_MINUTES")
      ->check(CLI::Range(int64_t{1}, int64_t{10'080}));
  app.add_option("--scheduler-tick-ms", o.scheduler_tick_ms,
                 "How often the reconciler wakes when nothing is due")
      ->envname("ECS_EMULATOR_SCHEDULER_TICK_MS")
      ->check(CLI::Range(int64_t{10}, int64_t{60'000}));
  app.add_option("--placement-traces", o.placement_traces,
                 "Placement decisions whose trace GET /_emulator/placement/... keeps (each lists "
                 "at most 1,000 instances); 0 turns tracing off")
      ->envname("ECS_EMULATOR_PLACEMENT_TRACES")
      ->check(CLI::Range(int64_t{0}, int64_t{100'000}));
  app.add_flag(
         "--trace-all-placements", o.trace_all_placements,
         "Trace placements that succeeded too, not only failed ones (costs CPU per placement)")
      ->envname("ECS_EMULATOR_TRACE_ALL_PLACEMENTS");
  app.add_option("--fleet", raw.fleet_specs,
                 "Simulated capacity at start-up, repeatable: cluster=NAME,count=N,type=m5.large"
                 "[,cpu=UNITS,memory=MIB,azs=us-east-1a:us-east-1b]; skipped when the cluster "
                 "already has ACTIVE instances (ECS_EMULATOR_FLEET: specs separated by ';')");
  app.add_option("--az-suffixes", raw.az_suffixes,
                 "Availability zones of every region, as suffixes of the region name")
      ->envname("ECS_EMULATOR_AZ_SUFFIXES");
}

// The timing profile, then each --task-*-ms given on top of it; the problem, or "".
std::string FinishTiming(const RawOptions& raw, Options& o) {
  if (raw.timing == "instant") {
    o.lifecycle = control::InstantTiming();
  } else if (raw.timing == "realistic") {
    o.lifecycle = control::RealisticTiming();
  } else {
    return "--timing must be instant or realistic; got '" + raw.timing + "'";
  }
  if (raw.provisioning_ms) o.lifecycle.provisioning = *raw.provisioning_ms;
  if (raw.pending_ms) o.lifecycle.pending = *raw.pending_ms;
  if (raw.stopping_ms) o.lifecycle.stopping = *raw.stopping_ms;
  if (raw.deprovisioning_ms) o.lifecycle.deprovisioning = *raw.deprovisioning_ms;
  return "";
}

// The checks and conversions CLI11 cannot make; the problem, or "" when there is none.
std::string Finish(RawOptions raw, Options& o) {
  auto port = ParseCount(raw.port);
  if (!port || *port > 65535) {
    return "invalid port '" + raw.port + "': --port must be a number from 0 to 65535 (0 picks a " +
           "free one)";
  }
  o.port = static_cast<int>(*port);
  if (!ParseLogLevel(raw.log_level, &o.log_level)) {
    return "--log-level must be one of debug, info, warn, error, off; got '" + raw.log_level + "'";
  }
  if (!ParseLogFormat(raw.log_format, &o.log_format)) {
    return "--log-format must be text or json; got '" + raw.log_format + "'";
  }
  if (!IsTwelveDigits(o.account_id))
    return "--account-id must be 12 digits; got '" + o.account_id + "'";
  if (o.region.empty()) return "--region must not be empty";
  if (!o.ephemeral && o.data_dir.empty()) return "--data-dir must not be empty";
  if (std::string problem = FinishTiming(raw, o); !problem.empty()) return problem;
  o.lifecycle.stopped_retention = raw.retention_minutes * 60'000;
  // Flags win over the environment: the variable only applies when no --fleet is given.
  const char* fleet_env = std::getenv("ECS_EMULATOR_FLEET");
  if (raw.fleet_specs.empty() && fleet_env) {
    for (const auto& spec : Split(fleet_env, ";")) {
      if (!spec.empty()) raw.fleet_specs.push_back(spec);
    }
  }
  for (const auto& spec : raw.fleet_specs) {
    auto fleet = ParseFleetSpec(spec);
    if (!fleet.ok()) return "--fleet '" + spec + "': " + fleet.status().message();
    o.fleets.push_back(std::move(*fleet));
  }
  if (std::string problem = FinishCredentials(raw, o); !problem.empty()) return problem;
  o.az_suffixes.clear();
  for (const auto& s : Split(raw.az_suffixes, ",")) {
    if (s.empty() || s.size() > 4) return "--az-suffixes must look like a,b,c";
    o.az_suffixes.push_back(s);
  }
  return "";
}

// CLI11 keeps the last of a repeated option, or complains in its own words; a server started
// with `--port 1 --port 2` should say plainly which flag was given twice. --fleet repeats.
std::string RepeatedOption(const CLI::App& app, int argc, char** argv) {
  for (const CLI::Option* option : app.get_options()) {
    for (const std::string& name : option->get_lnames()) {
      if (name == "fleet") continue;
      const std::string flag = "--" + name;
      int seen = 0;
      for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--") break;
        if (arg == flag || arg.starts_with(flag + "=")) ++seen;
      }
      if (seen > 1) return flag + " was given " + std::to_string(seen) + " times; give it once";
    }
  }
  return "";
}

}  // namespace

ParseOutcome ParseOptions(int argc, char** argv) {
  Options o;
  RawOptions raw;
  CLI::App app{"ecs-emulator: a local emulator of the Amazon ECS control plane (AWS JSON 1.1)."};
  app.set_version_flag("--version", "ecs-emulator 0.1.0");
  app.option_defaults()->always_capture_default();
  AddServerOptions(app, o, raw);
  AddAuthOptions(app, o, raw);
  AddSimulationOptions(app, o, raw);
  ParseOutcome out;
  if (std::string repeated = RepeatedOption(app, argc, argv); !repeated.empty()) {
    out.exit_code = 2;
    out.output = "ecs-emulator: " + repeated + " (see --help)\n";
    return out;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    out.output = app.help();
    return out;
  } catch (const CLI::CallForVersion&) {
    out.output = "ecs-emulator 0.1.0\n";
    return out;
  } catch (const CLI::ParseError& e) {
    out.exit_code = 2;
    out.output = std::string("ecs-emulator: ") + e.what() + " (see --help)\n";
    return out;
  }
  if (std::string problem = Finish(std::move(raw), o); !problem.empty()) {
    out.exit_code = 2;
    out.output = "ecs-emulator: " + problem + " (see --help)\n";
    return out;
  }
  out.options = o;
  return out;
}

}  // namespace ecs::config
