#include "api/operations.h"

#include <algorithm>

namespace ecs::api {

const std::vector<OperationEntry>& OperationTable() {
  // Sorted by name (binary search below). All 77 operations of the 2014-11-13 model.
  static const std::vector<OperationEntry> kTable = {
      {"ContinueServiceDeployment", nullptr},
      {"CreateCapacityProvider", nullptr},
      {"CreateCluster", CreateCluster},
      {"CreateDaemon", nullptr},
      {"CreateExpressGatewayService", nullptr},
      {"CreateService", nullptr},
      {"CreateTaskSet", nullptr},
      {"DeleteAccountSetting", nullptr},
      {"DeleteAttributes", nullptr},
      {"DeleteCapacityProvider", nullptr},
      {"DeleteCluster", DeleteCluster},
      {"DeleteDaemon", nullptr},
      {"DeleteDaemonTaskDefinition", nullptr},
      {"DeleteExpressGatewayService", nullptr},
      {"DeleteService", nullptr},
      {"DeleteTaskDefinitions", nullptr},
      {"DeleteTaskSet", nullptr},
      {"DeregisterContainerInstance", nullptr},
      {"DeregisterTaskDefinition", nullptr},
      {"DescribeCapacityProviders", nullptr},
      {"DescribeClusters", DescribeClusters},
      {"DescribeContainerInstances", nullptr},
      {"DescribeDaemon", nullptr},
      {"DescribeDaemonDeployments", nullptr},
      {"DescribeDaemonRevisions", nullptr},
      {"DescribeDaemonTaskDefinition", nullptr},
      {"DescribeExpressGatewayService", nullptr},
      {"DescribeServiceDeployments", nullptr},
      {"DescribeServiceRevisions", nullptr},
      {"DescribeServices", nullptr},
      {"DescribeTaskDefinition", nullptr},
      {"DescribeTaskSets", nullptr},
      {"DescribeTasks", nullptr},
      {"DiscoverPollEndpoint", nullptr},
      {"ExecuteCommand", nullptr},
      {"GetTaskProtection", nullptr},
      {"ListAccountSettings", nullptr},
      {"ListAttributes", nullptr},
      {"ListClusters", ListClusters},
      {"ListContainerInstances", nullptr},
      {"ListDaemonDeployments", nullptr},
      {"ListDaemonTaskDefinitions", nullptr},
      {"ListDaemons", nullptr},
      {"ListServiceDeployments", nullptr},
      {"ListServices", nullptr},
      {"ListServicesByNamespace", nullptr},
      {"ListTagsForResource", ListTagsForResource},
      {"ListTaskDefinitionFamilies", nullptr},
      {"ListTaskDefinitions", nullptr},
      {"ListTasks", nullptr},
      {"PutAccountSetting", nullptr},
      {"PutAccountSettingDefault", nullptr},
      {"PutAttributes", nullptr},
      {"PutClusterCapacityProviders", nullptr},
      {"RegisterContainerInstance", nullptr},
      {"RegisterDaemonTaskDefinition", nullptr},
      {"RegisterTaskDefinition", nullptr},
      {"RunTask", nullptr},
      {"StartTask", nullptr},
      {"StopServiceDeployment", nullptr},
      {"StopTask", nullptr},
      {"SubmitAttachmentStateChanges", nullptr},
      {"SubmitContainerStateChange", nullptr},
      {"SubmitTaskStateChange", nullptr},
      {"TagResource", TagResource},
      {"UntagResource", UntagResource},
      {"UpdateCapacityProvider", nullptr},
      {"UpdateCluster", UpdateCluster},
      {"UpdateClusterSettings", UpdateClusterSettings},
      {"UpdateContainerAgent", nullptr},
      {"UpdateContainerInstancesState", nullptr},
      {"UpdateDaemon", nullptr},
      {"UpdateExpressGatewayService", nullptr},
      {"UpdateService", nullptr},
      {"UpdateServicePrimaryTaskSet", nullptr},
      {"UpdateTaskProtection", nullptr},
      {"UpdateTaskSet", nullptr},
  };
  return kTable;
}

const OperationEntry* FindOperation(std::string_view name) {
  const auto& table = OperationTable();
  auto it = std::lower_bound(table.begin(), table.end(), name,
                             [](const OperationEntry& e, std::string_view n) { return e.name < n; });
  return it != table.end() && it->name == name ? &*it : nullptr;
}

}  // namespace ecs::api
