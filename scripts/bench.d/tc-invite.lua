-- wrk script: TrainerCentral addCourseAttendee.json, an existing learner (by address) into a
-- course, each request a (learner, course) pair never used before in the run (pair-walk.lua's
-- numbering, from an offset past the pairs the runs before it used).
-- Arguments after `--`: learners file (addresses), courses file (TrainerCentral course ids),
-- thread count, offset. Environment: BENCH_TC_TOKEN (a token with TrainerCentral.userapi.CREATE
-- from /trainercentral/oauth/v2/token).

local walk = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "pair-walk.lua")
walk.start(200)

function init(args)
   walk.init(args[1], args[2], args[3], args[4])
   token = os.getenv("BENCH_TC_TOKEN")
   wrk.method = "POST"
   wrk.headers["Content-Type"] = "application/json"
end

function request()
   local learner, course = walk.next()
   local body = '{"courseAttendee": {"email": "' .. learner .. '", "firstName": "Bench", ' ..
      '"lastName": "Learner", "courseId": "' .. course .. '"}}'
   wrk.headers["Authorization"] = "Zoho-oauthtoken " .. token
   return wrk.format(nil, nil, nil, body)
end
