// Seed files (--seed FILE, ECS_EMULATOR_SEED): the state a CI job starts from, written as the ECS
// requests it would otherwise send from a setup script. YAML or JSON:
//
//   account: "000000000000"          # optional, default --account-id
//   region: us-east-1                # optional, default --region
//   fleets:                          # optional: simulated capacity, as POST /_emulator/fleets
//     - {cluster: demo, count: 3, instanceType: m5.large}
//   requests:                        # ECS requests, applied in order, as the API takes them
//     - CreateCluster: {clusterName: demo}
//     - RegisterTaskDefinition: {family: web, containerDefinitions: [...]}
//     - CreateService: {cluster: demo, serviceName: web, taskDefinition: web, desiredCount: 2}
//
// or a list of such documents (several accounts or regions). This file reads and checks the
// shape; server/seed.h applies it. YAML plain scalars take their YAML 1.2 core-schema type
// (3 is a number, true a boolean); quote a value to keep it a string ("256").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "control/options.h"

namespace ecs::config {

struct SeedRequest {
  std::string operation;  // "CreateCluster"
  std::string body;       // the request, as JSON text
};

struct SeedDocument {
  std::optional<std::string> account;
  std::optional<std::string> region;
  std::vector<control::FleetInput> fleets;
  std::vector<SeedRequest> requests;
};

struct Seed {
  std::string path;
  std::vector<SeedDocument> documents;
};

enum class SeedFormat { kJson, kYaml };

// Reads `path`: JSON when it ends in .json, else YAML (which also reads most JSON). Errors say
// what is wrong and where (document, request index, member).
Result<Seed> LoadSeed(const std::string& path);
Result<Seed> ParseSeed(std::string_view text, SeedFormat format);

}  // namespace ecs::config
