-- DescribeClusters of one seeded cluster by name: the hottest read of every ECS client.
local common = require("common")
common.setup_operation("DescribeClusters")
wrk.body = '{"clusters":["' .. common.env("BENCH_CLUSTER_NAME") .. '"]}'
done = common.done
