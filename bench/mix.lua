-- mix.lua — 90% reads (the town's list of people, 20 a page, as in the
-- list figure: TX_TOKEN, TX_UNIT) and 10% writes (POST /api/v1/person as
-- in write.lua: TX_WTOKEN, TX_WUNIT, outside the town).
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TX_TOKEN")
local unit = os.getenv("TX_WUNIT")
local list = "/api/v1/person?unit=" .. os.getenv("TX_UNIT") .. "&limit=20"
local post_headers = {["Authorization"] = "Bearer " .. os.getenv("TX_WTOKEN"),
                      ["Content-Type"] = "application/json"}
local surnames = {"孙", "马", "朱", "胡", "郭", "何", "高", "林"}
local given = {"杰", "娟", "涛", "明", "超", "霞", "平", "刚"}
local n = 0

request = function()
   if math.random(10) == 1 then
      n = n + 1
      local b = string.format(
         '{"unit_id":%s,"name":"%s%s","gender":"%d","categories":["06"],' ..
         '"phone":"138%08d","ethnicity":"01","political":"13","religion":"00"}',
         unit, surnames[math.random(#surnames)], given[math.random(#given)], 1 + n % 2, math.random(0, 99999999))
      -- wrk.format uses the headers given instead of wrk.headers: pass them all.
      return wrk.format("POST", "/api/v1/person", post_headers, b)
   end
   return wrk.format("GET", list)
end
