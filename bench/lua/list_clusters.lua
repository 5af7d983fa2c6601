-- ListClusters first page (maxResults 100 by default; bench/run seeds 100 clusters, so a full
-- page of ARNs is serialized per request).
local common = require("common")
common.setup_operation("ListClusters")
wrk.body = '{}'
done = common.done
