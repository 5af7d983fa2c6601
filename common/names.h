// Name and tag rules shared by several resources.
#pragma once

#include <string_view>

namespace ecs {

// ^[a-zA-Z0-9_-]{1,255}$ : cluster, service, family, container and capacity-provider names.
bool IsValidResourceName(std::string_view s);

}  // namespace ecs
