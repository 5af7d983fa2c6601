// Row bodies: model structs <-> the JSON stored in resources.body. Storage-internal format
// (not the wire format); every member a struct has must round-trip.
#pragma once

#include <rapidjson/document.h>

#include <string>

#include "common/status.h"
#include "model/cluster.h"
#include "model/container_instance.h"
#include "model/service.h"
#include "model/tag.h"
#include "model/task.h"

namespace ecs::storage {

std::string EncodeCluster(const model::Cluster& c);
Result<model::Cluster> DecodeCluster(const std::string& body);
std::string EncodeTags(const model::TagList& tags);
Result<model::TagList> DecodeTags(const std::string& body);
// The same, from an already parsed array (a task definition's row carries its tags inline).
Result<model::TagList> DecodeTags(const rapidjson::Value& array);
std::string EncodeContainerInstance(const model::ContainerInstance& ci);
Result<model::ContainerInstance> DecodeContainerInstance(const std::string& body);
std::string EncodeTask(const model::Task& task);
Result<model::Task> DecodeTask(const std::string& body);
std::string EncodeService(const model::Service& s);
Result<model::Service> DecodeService(const std::string& body);

}  // namespace ecs::storage
