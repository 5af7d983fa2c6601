#include "config/options.h"

#include <CLI/CLI.hpp>

#include "common/names.h"

namespace ecs::config {

namespace {
bool IsTwelveDigits(const std::string& s) {
  if (s.size() != 12) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}
}  // namespace

ParseOutcome ParseOptions(int argc, char** argv) {
  Options o;
  std::string log_level = "info";
  CLI::App app{"ecs-emulator: a local emulator of the Amazon ECS control plane (AWS JSON 1.1)."};
  app.set_version_flag("--version", "ecs-emulator 0.1.0");
  app.option_defaults()->always_capture_default();
  app.add_option("--host", o.host, "Address to listen on (0.0.0.0 in containers)")
      ->envname("ECS_EMULATOR_HOST");
  app.add_option("--port", o.port, "TCP port; 0 picks a free port")
      ->envname("ECS_EMULATOR_PORT")
      ->check(CLI::Range(0, 65535));
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
  app.add_option("--log-level", log_level, "debug, info (one line per request), warn, error, off")
      ->envname("ECS_EMULATOR_LOG_LEVEL");

  app.add_option("--task-provisioning-ms", o.lifecycle.provisioning,
                 "Simulated PROVISIONING time of awsvpc/Fargate tasks")
      ->envname("ECS_EMULATOR_TASK_PROVISIONING_MS")
      ->check(CLI::Range(int64_t{0}, int64_t{86'400'000}));
  app.add_option("--task-pending-ms", o.lifecycle.pending,
                 "Simulated PENDING time (image pull) before RUNNING")
      ->envname("ECS_EMULATOR_TASK_PENDING_MS")
      ->check(CLI::Range(int64_t{0}, int64_t{86'400'000}));
  app.add_option("--task-stopping-ms", o.lifecycle.stopping, "Simulated STOPPING time")
      ->envname("ECS_EMULATOR_TASK_STOPPING_MS")
      ->check(CLI::Range(int64_t{0}, int64_t{86'400'000}));
  app.add_option("--task-deprovisioning-ms", o.lifecycle.deprovisioning,
                 "Simulated DEPROVISIONING time of awsvpc/Fargate tasks")
      ->envname("ECS_EMULATOR_TASK_DEPROVISIONING_MS")
      ->check(CLI::Range(int64_t{0}, int64_t{86'400'000}));
  int64_t retention_minutes = 60;
  app.add_option("--stopped-task-retention-minutes", retention_minutes,
                 "How long STOPPED tasks stay describable before they are purged")
      ->envname("ECS_EMULATOR_STOPPED_TASK_RETENTION_MINUTES")
      ->check(CLI::Range(int64_t{1}, int64_t{10'080}));
  app.add_option("--scheduler-tick-ms", o.scheduler_tick_ms,
                 "How often the reconciler wakes when nothing is due")
      ->envname("ECS_EMULATOR_SCHEDULER_TICK_MS")
      ->check(CLI::Range(int64_t{10}, int64_t{60'000}));

  ParseOutcome out;
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
  auto fail = [&](const std::string& msg) {
    out.exit_code = 2;
    out.output = "ecs-emulator: " + msg + " (see --help)\n";
    return out;
  };
  if (!ParseLogLevel(log_level, &o.log_level)) {
    return fail("--log-level must be one of debug, info, warn, error, off; got '" + log_level + "'");
  }
  if (!IsTwelveDigits(o.account_id)) {
    return fail("--account-id must be 12 digits; got '" + o.account_id + "'");
  }
  if (o.region.empty()) return fail("--region must not be empty");
  if (!o.ephemeral && o.data_dir.empty()) return fail("--data-dir must not be empty");
  o.lifecycle.stopped_retention = retention_minutes * 60'000;
  out.options = o;
  return out;
}

}  // namespace ecs::config
