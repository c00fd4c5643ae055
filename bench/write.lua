-- write.lua — durable record creation, POST /api/v1/person (case
-- submissions have their own script, case.lua): one new person per
-- request in the unit TX_WUNIT (signed in as TX_WTOKEN), no ID number (so
-- nothing can clash), a phone and the sensitive fields sealed on write.
-- The writes go outside the town whose list is measured, so its list stays
-- the same size for every run.
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TX_WTOKEN")
wrk.headers["Content-Type"] = "application/json"
local unit = os.getenv("TX_WUNIT")
local surnames = {"张", "王", "李", "赵", "刘", "陈", "杨", "黄"}
local given = {"伟", "芳", "娜", "敏", "静", "丽", "强", "磊"}
local n = 0

local function body()
   n = n + 1
   return string.format(
      '{"unit_id":%s,"name":"%s%s","gender":"%d","categories":["03"],' ..
      '"phone":"139%08d","ethnicity":"01","political":"13","religion":"00",' ..
      '"workplace":"基准测试单位","is_representative":false}',
      unit, surnames[math.random(#surnames)], given[math.random(#given)],
      1 + n % 2, math.random(0, 99999999))
end

request = function()
   return wrk.format(nil, nil, nil, body())
end
