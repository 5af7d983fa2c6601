// Row bodies: model structs <-> the JSON stored in resources.body. Storage-internal format (not
// the wire format); every persisted member round-trips. Decoders read through RowReader and
// answer Corrupt, naming the row, for anything they cannot read.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "model/auto_scaling_group.h"
#include "model/capacity_provider.h"
#include "model/cluster.h"
#include "model/container_instance.h"
#include "model/express_gateway.h"
#include "model/service.h"
#include "model/tag.h"
#include "model/task.h"
#include "storage/store.h"

namespace ecs::storage {

std::string EncodeCluster(const model::Cluster& c);
Result<model::Cluster> DecodeCluster(std::string_view key, std::string_view body);
std::string EncodeTags(const model::TagList& tags);
Result<model::TagList> DecodeTags(std::string_view key, std::string_view body);
std::string EncodeContainerInstance(const model::ContainerInstance& ci);
Result<model::ContainerInstance> DecodeContainerInstance(std::string_view key,
                                                         std::string_view body);
std::string EncodeTask(const model::Task& task);
Result<model::Task> DecodeTask(std::string_view key, std::string_view body);
std::string EncodeService(const model::Service& s);
Result<model::Service> DecodeService(std::string_view key, std::string_view body);
std::string EncodeTaskDefinition(const StoredTaskDefinition& td);
Result<StoredTaskDefinition> DecodeTaskDefinition(std::string_view key, int64_t seq,
                                                  std::string_view body);
std::string AccountSettingKey(const Tenant& t, std::string_view principal_arn,
                              std::string_view name);
std::string EncodeAccountSetting(const StoredAccountSetting& s);
Result<StoredAccountSetting> DecodeAccountSetting(std::string_view key, std::string_view body);
std::string EncodeCapacityProvider(const model::CapacityProvider& cp);
Result<model::CapacityProvider> DecodeCapacityProvider(std::string_view key, std::string_view body);
std::string EncodeAutoScalingGroup(const model::AutoScalingGroup& g);
Result<model::AutoScalingGroup> DecodeAutoScalingGroup(std::string_view key, std::string_view body);
// codec_daemons.cc
std::string EncodeDaemonTaskDefinition(const StoredDaemonTaskDefinition& td);
Result<StoredDaemonTaskDefinition> DecodeDaemonTaskDefinition(std::string_view key, int64_t seq,
                                                              std::string_view body);
// codec_daemons.cc
std::string EncodeDaemon(const model::Daemon& d);
Result<model::Daemon> DecodeDaemon(std::string_view key, std::string_view body);
std::string EncodeExpressGatewayService(const model::ExpressGatewayService& e);
Result<model::ExpressGatewayService> DecodeExpressGatewayService(std::string_view key,
                                                                 std::string_view body);
std::string RevisionCounterKey(const Tenant& t, std::string_view family);
// (tenant, family) of a revision counter's key; Corrupt when the key is not one.
Result<std::pair<Tenant, std::string>> DecodeRevisionCounterKey(std::string_view key);

}  // namespace ecs::storage
