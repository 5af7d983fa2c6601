// The one table of ECS operations: every operation of the model, with the handler that
// implements it or none (answered with UnknownOperationException "<Op> is not implemented").
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "api/api.h"
#include "common/json.h"

namespace ecs::api {

struct OpContext {
  control::ControlPlane& control;
  const control::RequestContext& ctx;
  JsonObjectReader& in;
  const rapidjson::Value& body;  // the whole request, for handlers that read it wholesale
  Precomputed& precomputed;      // what the entry's Precompute made, if it has one
  EncodeCache& cache;
};

// Work on the request alone (no state), run on the connection strand before the handler so the
// state strand, which serializes every operation, does not pay for it.
using Precompute = void (*)(const rapidjson::Value& body, Precomputed& out);

struct OperationEntry {
  std::string_view name;
  Handler handler;  // nullptr: not implemented yet
  Precompute precompute = nullptr;
};

std::span<const OperationEntry> OperationTable();
const OperationEntry* FindOperation(std::string_view name);

// Handlers, one file per resource family.
Result<std::string> CreateCluster(OpContext& op);
Result<std::string> DescribeClusters(OpContext& op);
Result<std::string> ListClusters(OpContext& op);
Result<std::string> DeleteCluster(OpContext& op);
Result<std::string> UpdateCluster(OpContext& op);
Result<std::string> UpdateClusterSettings(OpContext& op);
Result<std::string> TagResource(OpContext& op);
Result<std::string> UntagResource(OpContext& op);
Result<std::string> ListTagsForResource(OpContext& op);
Result<std::string> PutAccountSetting(OpContext& op);
Result<std::string> PutAccountSettingDefault(OpContext& op);
Result<std::string> DeleteAccountSetting(OpContext& op);
Result<std::string> ListAccountSettings(OpContext& op);
Result<std::string> CreateService(OpContext& op);
Result<std::string> UpdateService(OpContext& op);
Result<std::string> DeleteService(OpContext& op);
Result<std::string> DescribeServices(OpContext& op);
Result<std::string> ListServices(OpContext& op);
Result<std::string> ListServicesByNamespace(OpContext& op);
Result<std::string> ListServiceDeployments(OpContext& op);
Result<std::string> DescribeServiceDeployments(OpContext& op);
Result<std::string> DescribeServiceRevisions(OpContext& op);
Result<std::string> StopServiceDeployment(OpContext& op);
Result<std::string> ContinueServiceDeployment(OpContext& op);
Result<std::string> CreateExpressGatewayService(OpContext& op);
Result<std::string> DescribeExpressGatewayService(OpContext& op);
Result<std::string> UpdateExpressGatewayService(OpContext& op);
Result<std::string> DeleteExpressGatewayService(OpContext& op);
Result<std::string> RegisterTaskDefinition(OpContext& op);
void NormalizeTaskDefinitionRequest(const rapidjson::Value& body, Precomputed& out);
Result<std::string> DescribeTaskDefinition(OpContext& op);
Result<std::string> DeregisterTaskDefinition(OpContext& op);
Result<std::string> DeleteTaskDefinitions(OpContext& op);
Result<std::string> ListTaskDefinitions(OpContext& op);
Result<std::string> ListTaskDefinitionFamilies(OpContext& op);
Result<std::string> RegisterDaemonTaskDefinition(OpContext& op);
void NormalizeDaemonTaskDefinitionRequest(const rapidjson::Value& body, Precomputed& out);
Result<std::string> DescribeDaemonTaskDefinition(OpContext& op);
Result<std::string> DeleteDaemonTaskDefinition(OpContext& op);
Result<std::string> ListDaemonTaskDefinitions(OpContext& op);
Result<std::string> CreateDaemon(OpContext& op);
Result<std::string> UpdateDaemon(OpContext& op);
Result<std::string> DeleteDaemon(OpContext& op);
Result<std::string> DescribeDaemon(OpContext& op);
Result<std::string> ListDaemons(OpContext& op);
Result<std::string> DescribeDaemonDeployments(OpContext& op);
Result<std::string> ListDaemonDeployments(OpContext& op);
Result<std::string> DescribeDaemonRevisions(OpContext& op);
Result<std::string> RegisterContainerInstance(OpContext& op);
Result<std::string> DeregisterContainerInstance(OpContext& op);
Result<std::string> DescribeContainerInstances(OpContext& op);
Result<std::string> ListContainerInstances(OpContext& op);
Result<std::string> UpdateContainerInstancesState(OpContext& op);
Result<std::string> UpdateContainerAgent(OpContext& op);
Result<std::string> DiscoverPollEndpoint(OpContext& op);
Result<std::string> PutAttributes(OpContext& op);
Result<std::string> DeleteAttributes(OpContext& op);
Result<std::string> ListAttributes(OpContext& op);
Result<std::string> RunTask(OpContext& op);
Result<std::string> StartTask(OpContext& op);
Result<std::string> StopTask(OpContext& op);
Result<std::string> DescribeTasks(OpContext& op);
Result<std::string> ListTasks(OpContext& op);
Result<std::string> CreateTaskSet(OpContext& op);
Result<std::string> DescribeTaskSets(OpContext& op);
Result<std::string> UpdateTaskSet(OpContext& op);
Result<std::string> UpdateServicePrimaryTaskSet(OpContext& op);
Result<std::string> DeleteTaskSet(OpContext& op);
Result<std::string> UpdateTaskProtection(OpContext& op);
Result<std::string> GetTaskProtection(OpContext& op);
Result<std::string> ExecuteCommand(OpContext& op);
Result<std::string> PutClusterCapacityProviders(OpContext& op);
Result<std::string> CreateCapacityProvider(OpContext& op);
Result<std::string> UpdateCapacityProvider(OpContext& op);
Result<std::string> DeleteCapacityProvider(OpContext& op);
Result<std::string> DescribeCapacityProviders(OpContext& op);
Result<std::string> SubmitTaskStateChange(OpContext& op);
Result<std::string> SubmitContainerStateChange(OpContext& op);
Result<std::string> SubmitAttachmentStateChanges(OpContext& op);

}  // namespace ecs::api
