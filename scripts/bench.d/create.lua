-- wrk script: Absorb POST /absorb/users/{u}/enrollments/{c}, each request a (learner, course)
-- pair never used before in the run (pair-walk.lua's numbering, from pair 0).
-- Arguments after `--`: learners file, courses file (one UUID per line), thread count, the
-- path prefix the users route sits under (default /absorb; "" for the raw reference stack),
-- and the first pair number (default 0; scripts/bench --compare's second round starts later).
-- Environment: BENCH_TOKEN (Absorb bearer token), BENCH_API_KEY (x-api-key).

local walk = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "pair-walk.lua")
walk.start(201)

function init(args)
   walk.init(args[1], args[2], args[3], args[5] or 0)
   prefix = args[4] or "/absorb"
   wrk.method = "POST"
   wrk.body = ""  -- sends Content-Length: 0
   wrk.headers["x-api-key"] = os.getenv("BENCH_API_KEY")
   wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
end

function request()
   local learner, course = walk.next()
   return wrk.format(nil, prefix .. "/users/" .. learner .. "/enrollments/" .. course)
end
