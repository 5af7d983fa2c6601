// PutAttributes / DeleteAttributes / ListAttributes. The only target type ECS has is the
// container instance; custom attributes are at most 10 per instance.
#include <algorithm>
#include <cctype>

#include "common/pagination.h"
#include "control/control_plane.h"

namespace ecs::control {

namespace {

constexpr size_t kMaxCustomAttributes = 10;

bool IsBuiltIn(std::string_view name) {
  return name.starts_with("ecs.") || name.starts_with("com.amazonaws.ecs.");
}

bool ValidName(std::string_view s) {
  if (s.empty() || s.size() > 128) return false;
  return std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '_' || c == '/' || c == '\\' || c == '.';
  });
}

bool ValidValue(std::string_view s) {
  if (s.empty() || s.size() > 128 || s.front() == ' ' || s.back() == ' ') return false;
  return std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isalnum(c) ||
           std::string_view("-_.@/\\: ").find(static_cast<char>(c)) != std::string_view::npos;
  });
}

Status CheckBatch(const std::vector<AttributeTarget>& attributes) {
  if (attributes.empty()) return Status::InvalidParameter("attributes can not be empty.");
  if (attributes.size() > 10) {
    return Status::InvalidParameter("attributes can have at most 10 items.");
  }
  for (const auto& a : attributes) {
    if (!a.target_type.empty() && a.target_type != "container-instance") {
      return Status::InvalidParameter("Invalid targetType " + a.target_type +
                                      ". Valid values: container-instance.");
    }
    if (a.target_id.empty()) return Status::InvalidParameter("targetId can not be empty.");
    if (!a.target_id.starts_with("arn:") && a.target_type.empty()) {
      return Status::InvalidParameter("targetType must be specified when targetId is not an ARN.");
    }
  }
  return Status::Ok();
}

// Puts the changed copies in place of the instances, and into the ChangeSet it returns.
storage::ChangeSet ReplaceInstances(State& state, ClusterState& cs,
                                    std::map<std::string, model::ContainerInstance> next) {
  storage::ChangeSet changes = state.NewChanges();
  for (auto& [id, ci] : next) {
    ++ci.version;
    changes.PutContainerInstance(ci);
    state.index.PutInstance(cs, std::move(ci));
  }
  return changes;
}

}  // namespace

Result<std::vector<AttributeTarget>> ControlPlane::PutAttributes(
    const RequestContext& ctx, const std::string& cluster,
    std::vector<AttributeTarget> attributes) {
  ECS_RETURN_IF_ERROR(CheckBatch(attributes));
  auto c = ResolveCluster(ctx, cluster, /*require_active=*/false);
  if (!c.ok()) return c.status();
  ClusterState& cs = *c->state;
  std::map<std::string, model::ContainerInstance> next;  // by id: changed copies
  for (auto& a : attributes) {
    if (!ValidName(a.attribute.name)) {
      return Status::InvalidParameter("Invalid attribute name " + a.attribute.name + ".");
    }
    if (a.attribute.value && !ValidValue(*a.attribute.value)) {
      return Status::InvalidParameter("Invalid attribute value " + *a.attribute.value + ".");
    }
    const model::ContainerInstance* ci = cs.FindInstance(a.target_id);
    if (!ci || ci->is_inactive()) {
      return Status(ErrorCode::kTargetNotFoundException,
                    "Could not find " + a.target_id + ". Verify the target and try again.");
    }
    auto [it, inserted] = next.try_emplace(ci->id, *ci);
    auto& attrs = it->second.attributes;
    auto existing = std::find_if(attrs.begin(), attrs.end(), [&](const model::Attribute& e) {
      return e.name == a.attribute.name;
    });
    if (existing != attrs.end()) {
      existing->value = a.attribute.value;
    } else {
      attrs.push_back(a.attribute);
    }
    size_t custom = std::count_if(attrs.begin(), attrs.end(),
                                  [](const model::Attribute& e) { return !IsBuiltIn(e.name); });
    if (custom > kMaxCustomAttributes) {
      return Status(ErrorCode::kAttributeLimitExceededException,
                    "You can apply up to 10 custom attributes per resource.");
    }
    a.target_type = "container-instance";
    a.target_id = ci->arn;
  }
  ECS_RETURN_IF_ERROR(Commit(ReplaceInstances(state_, cs, std::move(next))));
  return attributes;
}

Result<std::vector<AttributeTarget>> ControlPlane::DeleteAttributes(
    const RequestContext& ctx, const std::string& cluster,
    std::vector<AttributeTarget> attributes) {
  ECS_RETURN_IF_ERROR(CheckBatch(attributes));
  auto c = ResolveCluster(ctx, cluster, /*require_active=*/false);
  if (!c.ok()) return c.status();
  ClusterState& cs = *c->state;
  std::map<std::string, model::ContainerInstance> next;
  for (auto& a : attributes) {
    const model::ContainerInstance* ci = cs.FindInstance(a.target_id);
    if (!ci || ci->is_inactive()) {
      return Status(ErrorCode::kTargetNotFoundException,
                    "Could not find " + a.target_id + ". Verify the target and try again.");
    }
    auto [it, inserted] = next.try_emplace(ci->id, *ci);
    std::erase_if(it->second.attributes,
                  [&](const model::Attribute& e) { return e.name == a.attribute.name; });
    a.target_type = "container-instance";
    a.target_id = ci->arn;
  }
  ECS_RETURN_IF_ERROR(Commit(ReplaceInstances(state_, cs, std::move(next))));
  return attributes;
}

Result<std::pair<std::vector<AttributeTarget>, std::optional<std::string>>>
ControlPlane::ListAttributes(const RequestContext& ctx, const ListAttributesInput& in) const {
  const std::string& target_type = in.target_type;
  const std::string& name = in.name;
  const std::string& value = in.value;
  if (target_type != "container-instance") {
    return Status::InvalidParameter("Invalid targetType " + target_type +
                                    ". Valid values: container-instance.");
  }
  if (!value.empty() && name.empty()) {
    return Status::InvalidParameter(
        "attributeValue can only be used together with "
        "attributeName.");
  }
  auto c = FindCluster(ctx, in.cluster, /*require_active=*/false);
  if (!c.ok()) return c.status();
  auto size = ResolvePageSize(in.page.max_results, 100, 100);
  if (!size.ok()) return size.status();
  std::string scope =
      TenantScope(ctx.tenant, "ListAttributes") + "|" + (*c)->name + "|" + name + "|" + value;
  std::string after;
  if (in.page.next_token) {
    auto cursor = DecodePageToken(*in.page.next_token, scope);
    if (!cursor.ok()) return cursor.status();
    after = *cursor;
  }
  // Cursor: "<instance seq>/<attribute index>".
  std::vector<std::pair<std::string, AttributeTarget>> all;
  if (const ClusterState* cs = state_.index.FindCluster(ctx.tenant, (*c)->name)) {
    for (const auto& [id, ci] : cs->instances) {
      if (ci.is_inactive()) continue;
      for (size_t i = 0; i < ci.attributes.size(); ++i) {
        const auto& a = ci.attributes[i];
        if (!name.empty() && a.name != name) continue;
        if (!value.empty() && a.value.value_or("") != value) continue;
        char key[48];
        std::snprintf(key, sizeof key, "%020lld/%06zu", static_cast<long long>(ci.seq), i);
        if (key <= after) continue;
        all.push_back({key, {a, "container-instance", ci.arn}});
      }
    }
  }
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<AttributeTarget> page;
  std::optional<std::string> token;
  for (size_t i = 0; i < all.size(); ++i) {
    if (static_cast<int>(page.size()) == *size) {
      token = EncodePageToken(scope, all[i - 1].first);
      break;
    }
    page.push_back(all[i].second);
  }
  return std::make_pair(std::move(page), std::move(token));
}

}  // namespace ecs::control
