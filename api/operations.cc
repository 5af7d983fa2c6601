#include "api/operations.h"

#include <algorithm>
#include <iterator>

namespace ecs::api {

namespace {

// Every operation of the 2014-11-13 model (77), sorted by name (FindOperation searches it). A
// constant, built at compile time: no code runs to make it.
constexpr OperationEntry kTable[] = {
    {"ContinueServiceDeployment", ContinueServiceDeployment},
    {"CreateCapacityProvider", CreateCapacityProvider},
    {"CreateCluster", CreateCluster},
    {"CreateDaemon", CreateDaemon},
    {"CreateExpressGatewayService", CreateExpressGatewayService},
    {"CreateService", CreateService},
    {"CreateTaskSet", CreateTaskSet},
    {"DeleteAccountSetting", DeleteAccountSetting},
    {"DeleteAttributes", DeleteAttributes},
    {"DeleteCapacityProvider", DeleteCapacityProvider},
    {"DeleteCluster", DeleteCluster},
    {"DeleteDaemon", DeleteDaemon},
    {"DeleteDaemonTaskDefinition", DeleteDaemonTaskDefinition},
    {"DeleteExpressGatewayService", DeleteExpressGatewayService},
    {"DeleteService", DeleteService},
    {"DeleteTaskDefinitions", DeleteTaskDefinitions},
    {"DeleteTaskSet", DeleteTaskSet},
    {"DeregisterContainerInstance", DeregisterContainerInstance},
    {"DeregisterTaskDefinition", DeregisterTaskDefinition},
    {"DescribeCapacityProviders", DescribeCapacityProviders},
    {"DescribeClusters", DescribeClusters},
    {"DescribeContainerInstances", DescribeContainerInstances},
    {"DescribeDaemon", DescribeDaemon},
    {"DescribeDaemonDeployments", DescribeDaemonDeployments},
    {"DescribeDaemonRevisions", DescribeDaemonRevisions},
    {"DescribeDaemonTaskDefinition", DescribeDaemonTaskDefinition},
    {"DescribeExpressGatewayService", DescribeExpressGatewayService},
    {"DescribeServiceDeployments", DescribeServiceDeployments},
    {"DescribeServiceRevisions", DescribeServiceRevisions},
    {"DescribeServices", DescribeServices},
    {"DescribeTaskDefinition", DescribeTaskDefinition},
    {"DescribeTaskSets", DescribeTaskSets},
    {"DescribeTasks", DescribeTasks},
    {"DiscoverPollEndpoint", DiscoverPollEndpoint},
    {"ExecuteCommand", ExecuteCommand},
    {"GetTaskProtection", GetTaskProtection},
    {"ListAccountSettings", ListAccountSettings},
    {"ListAttributes", ListAttributes},
    {"ListClusters", ListClusters},
    {"ListContainerInstances", ListContainerInstances},
    {"ListDaemonDeployments", ListDaemonDeployments},
    {"ListDaemonTaskDefinitions", ListDaemonTaskDefinitions},
    {"ListDaemons", ListDaemons},
    {"ListServiceDeployments", ListServiceDeployments},
    {"ListServices", ListServices},
    {"ListServicesByNamespace", ListServicesByNamespace},
    {"ListTagsForResource", ListTagsForResource},
    {"ListTaskDefinitionFamilies", ListTaskDefinitionFamilies},
    {"ListTaskDefinitions", ListTaskDefinitions},
    {"ListTasks", ListTasks},
    {"PutAccountSetting", PutAccountSetting},
    {"PutAccountSettingDefault", PutAccountSettingDefault},
    {"PutAttributes", PutAttributes},
    {"PutClusterCapacityProviders", PutClusterCapacityProviders},
    {"RegisterContainerInstance", RegisterContainerInstance},
    {"RegisterDaemonTaskDefinition", RegisterDaemonTaskDefinition,
     NormalizeDaemonTaskDefinitionRequest},
    {"RegisterTaskDefinition", RegisterTaskDefinition, NormalizeTaskDefinitionRequest},
    {"RunTask", RunTask},
    {"StartTask", StartTask},
    {"StopServiceDeployment", StopServiceDeployment},
    {"StopTask", StopTask},
    {"SubmitAttachmentStateChanges", SubmitAttachmentStateChanges},
    {"SubmitContainerStateChange", SubmitContainerStateChange},
    {"SubmitTaskStateChange", SubmitTaskStateChange},
    {"TagResource", TagResource},
    {"UntagResource", UntagResource},
    {"UpdateCapacityProvider", UpdateCapacityProvider},
    {"UpdateCluster", UpdateCluster},
    {"UpdateClusterSettings", UpdateClusterSettings},
    {"UpdateContainerAgent", UpdateContainerAgent},
    {"UpdateContainerInstancesState", UpdateContainerInstancesState},
    {"UpdateDaemon", UpdateDaemon},
    {"UpdateExpressGatewayService", UpdateExpressGatewayService},
    {"UpdateService", UpdateService},
    {"UpdateServicePrimaryTaskSet", UpdateServicePrimaryTaskSet},
    {"UpdateTaskProtection", UpdateTaskProtection},
    {"UpdateTaskSet", UpdateTaskSet},
};
static_assert(std::size(kTable) == 77);

}  // namespace

std::span<const OperationEntry> OperationTable() { return kTable; }

const OperationEntry* FindOperation(std::string_view name) {
  const auto& table = OperationTable();
  auto it =
      std::lower_bound(table.begin(), table.end(), name,
                       [](const OperationEntry& e, std::string_view n) { return e.name < n; });
  return it != table.end() && it->name == name ? &*it : nullptr;
}

}  // namespace ecs::api
