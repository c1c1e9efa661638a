-- wrk script: iSpring SOAP enrollLearnersInCourses with one course and one learner, each
-- request a (learner, course) pair never used before in the run (pair-walk.lua's numbering,
-- from an offset past the pairs the create run used).
-- Arguments after `--`: learners file, courses file (one UUID per line), thread count, offset.
-- Environment: BENCH_ISPRING_TOKEN (a token from /ispring/api/v3/token).

local walk = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "pair-walk.lua")
walk.start(200)

function init(args)
   walk.init(args[1], args[2], args[3], args[4])
   token = os.getenv("BENCH_ISPRING_TOKEN")
   wrk.method = "POST"
   wrk.headers["Content-Type"] = "text/xml; charset=utf-8"
end

function request()
   local learner, course = walk.next()
   local body = '<?xml version="1.0" encoding="utf-8"?>' ..
      '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" ' ..
      'xmlns="https://ispringlearn.com/go/services/api/soap"><SOAP-ENV:Body>' ..
      '<EnrollLearnersInCoursesRequest><credentials><token>' .. token .. '</token></credentials>' ..
      '<courseIds><id>' .. course .. '</id></courseIds>' ..
      '<learnerIds><id>' .. learner .. '</id></learnerIds>' ..
      '<dueDateType>unlimited</dueDateType></EnrollLearnersInCoursesRequest>' ..
      '</SOAP-ENV:Body></SOAP-ENV:Envelope>'
   return wrk.format(nil, "/ispring/soap", nil, body)
end
