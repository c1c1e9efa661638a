-- wrk script: SCORM Cloud POST /scormcloud/api/v2/registrations (createRegistration), an
-- existing learner (by the ledger id, SCORM Cloud's learner.id for a learner without an id of
-- its own there) into a course (by the ledger id, likewise), each request a (learner, course)
-- pair never used before in the run (pair-walk.lua's numbering, from an offset past the pairs
-- the runs before it used) under a new registrationId made of the pair. Every answer should
-- be 204 (no body).
-- Arguments after `--`: learners file, courses file (one UUID per line), thread count, offset.
-- Environment: BENCH_SCORM_AUTH (the Authorization header's value: Basic with the app id and
-- secret key).

local walk = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "pair-walk.lua")
walk.start(204)

function init(args)
   walk.init(args[1], args[2], args[3], args[4])
   wrk.method = "POST"
   wrk.headers["Content-Type"] = "application/json"
   wrk.headers["Authorization"] = os.getenv("BENCH_SCORM_AUTH")
end

function request()
   local learner, course = walk.next()
   local body = '{"courseId": "' .. course .. '", "registrationId": "bench-' .. learner .. '-' ..
      course .. '", "learner": {"id": "' .. learner .. '"}}'
   return wrk.format(nil, "/scormcloud/api/v2/registrations", nil, body)
end
