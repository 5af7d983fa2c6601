// libFuzzer target: the cluster query language (scheduler/query_language.h), parse and evaluate.
// Any text is parsed or refused with InvalidParameterException; what parses is evaluated against
// an instance that has the attributes, groups and values the grammar can name.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "scheduler/query_language.h"

namespace {

ecs::scheduler::InstanceView Instance() {
  ecs::scheduler::InstanceView v;
  v.arn = "arn:aws:ecs:us-east-1:123456789012:container-instance/default/abc";
  v.ec2_instance_id = "i-abcd1234";
  v.agent_version = "1.29.0";
  v.registered_at = 1'500'000'000'000;
  v.running_tasks_count = 2;
  v.attributes = {{"ecs.instance-type", "t2.micro"},
                  {"ecs.availability-zone", "us-east-1a"},
                  {"stack", "prod"},
                  {"weight", "10"},
                  {"long", std::string(40, 'a')},
                  {"ecs.capability.privileged-container", std::nullopt}};
  v.task_group_counts = {{"service:web", 1}, {"family:batch", 1}};
  return v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const ecs::scheduler::InstanceView kInstance = Instance();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto expression = ecs::scheduler::ParseQuery(text);
  if (!expression.ok()) {
    if (expression.status().code() != ecs::ErrorCode::kInvalidParameterException) {
      __builtin_trap();
    }
    return 0;
  }
  (void)ecs::scheduler::Matches(*expression, kInstance);
  (void)expression->DebugString();
  return 0;
}
