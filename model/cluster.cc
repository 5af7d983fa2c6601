#include "model/cluster.h"

namespace ecs::model {

std::string_view ToString(ClusterStatus s) {
  switch (s) {
    case ClusterStatus::kActive:
      return "ACTIVE";
    case ClusterStatus::kInactive:
      return "INACTIVE";
  }
  return "ACTIVE";
}

}  // namespace ecs::model
