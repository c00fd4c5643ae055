-- case.lua — durable case submissions, POST /api/v1/cases: one new
-- suggestion per request (signed in as TX_WTOKEN, the office account),
-- each numbered from its type's sequence, with its first timeline entry,
-- the notices to the office and an audit entry, committed durably.
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TX_WTOKEN")
wrk.headers["Content-Type"] = "application/json"
local topics = {"农村公路", "民营企业融资", "老旧小区加装电梯", "乡村旅游", "智慧停车", "养老服务"}
local n = 0

request = function()
   n = n + 1
   local t = topics[math.random(#topics)]
   return wrk.format(nil, nil, nil, string.format(
      '{"type":"suggestion","title":"关于%s的建议（%d）","content":"现状与问题：……建议：一是……二是……"}', t, n))
end
