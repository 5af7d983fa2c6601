// managedInstancesProvider of Create/UpdateCapacityProvider: the member checked as the botocore
// model documents it and read into the settings the simulated fleet uses (the whole member is
// kept as given, to be echoed by DescribeCapacityProviders).
#pragma once

#include <rapidjson/document.h>

#include <optional>

#include "common/json.h"
#include "common/status.h"
#include "model/capacity_provider.h"

namespace ecs::api {

// CreateManagedInstancesProviderConfiguration (or an update merged over the stored member).
Result<model::ManagedInstancesSettings> ReadManagedInstancesProvider(const rapidjson::Value& v);

// UpdateManagedInstancesProviderConfiguration over what `current` echoes: the members given
// replace the stored ones; within instanceLaunchTemplate member by member ("changes apply to new
// instances launched after the update"). The result is read as a Create's member is.
Result<model::ManagedInstancesSettings> MergeManagedInstancesUpdate(
    const model::ManagedInstancesSettings& current, const rapidjson::Value& update);

}  // namespace ecs::api
