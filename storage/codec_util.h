// Helpers shared by the row codecs (storage-internal): JSON writing of small typed members and
// reading them back through a RowReader.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/json.h"
#include "model/launch.h"
#include "model/tag.h"
#include "storage/row_reader.h"

namespace ecs::storage {

// Members that rows keep as JSON text inside a string member (the format of the first releases,
// kept so older databases load): "" when unset.
std::string StrategyText(const model::CapacityProviderStrategy& strategy);
model::CapacityProviderStrategy ReadStrategyText(RowReader& r, const char* member);
std::string NetworkText(const std::optional<model::NetworkConfiguration>& network);
std::optional<model::NetworkConfiguration> ReadNetworkText(RowReader& r, const char* member);

void WriteTagArray(JsonWriter& w, const model::TagList& tags);
model::TagList ReadTagArray(RowReader& r, const rapidjson::Value& array);

// placementConstraints / placementStrategy as [type, expression|field] pairs. Read: the members
// must be there when `required`, else a missing member reads as none.
void WritePlacementItems(JsonWriter& w, const std::vector<model::PlacementConstraintItem>& c,
                         const std::vector<model::PlacementStrategyItem>& s);
void ReadPlacementItems(RowReader& r, std::vector<model::PlacementConstraintItem>& c,
                        std::vector<model::PlacementStrategyItem>& s, bool required = true);

std::vector<std::string> ReadStrings(RowReader& r, const rapidjson::Value& array, const char* what);

// The required object member "body" of `row` (the text `r` reads) as JSON text. Encoders write it
// last and raw (`w.Key("body").Raw(text).EndObject()`), so its text is the row's tail: taking that
// keeps it byte for byte and saves serializing the parsed object again (a twentieth of a restart
// that loads 20,000 task-definition revisions). A row laid out otherwise is serialized.
std::string ReadBodyText(RowReader& r, std::string_view row);

}  // namespace ecs::storage
