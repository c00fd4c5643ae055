-- detail.lua — one person's detail, GET /api/v1/person/{id}, the id drawn
-- at random from TX_IDS (comma-separated ids inside the signed-in scope).
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TX_TOKEN")
local ids = {}
for id in string.gmatch(os.getenv("TX_IDS"), "%d+") do ids[#ids + 1] = id end

request = function()
   return wrk.format("GET", "/api/v1/person/" .. ids[math.random(#ids)])
end
