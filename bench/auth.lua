-- auth.lua — a signed-in GET: the session token comes from TX_TOKEN
-- (bench/run.sh signs in with curl first). Used for lists and stats.
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TX_TOKEN")
