-- wrk script: LMS365 POST /lms365/odata/v2/Courses({Id})/Enroll with {"userLoginName"}, an
-- existing learner (by address) into a course, each request a (learner, course) pair never used
-- before in the run (pair-walk.lua's numbering, from an offset past the pairs the runs before
-- it used). Every answer should be 201 with the new enrollment.
-- Arguments after `--`: learners file (addresses), courses file (LMS365 course numbers), thread
-- count, offset. Environment: BENCH_LMS365_KEY (a full-control LMS365 API key).

local walk = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "pair-walk.lua")
walk.start(201)

-- RFC 4648 base64, for the Basic credentials (LuaJIT has no library for it).
local function base64(s)
   local abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
   local out = {}
   for i = 1, #s, 3 do
      local a, b, c = s:byte(i, i + 2)
      local n = a * 65536 + (b or 0) * 256 + (c or 0)
      local idx = { math.floor(n / 262144) % 64, math.floor(n / 4096) % 64,
                    math.floor(n / 64) % 64, n % 64 }
      for j = 1, 4 do
         if (j == 3 and not b) or (j == 4 and not c) then
            out[#out + 1] = "="
         else
            out[#out + 1] = abc:sub(idx[j] + 1, idx[j] + 1)
         end
      end
   end
   return table.concat(out)
end

function init(args)
   walk.init(args[1], args[2], args[3], args[4])
   wrk.method = "POST"
   wrk.headers["Content-Type"] = "application/json"
   wrk.headers["Authorization"] = "Basic " .. base64("api:" .. os.getenv("BENCH_LMS365_KEY"))
end

function request()
   local learner, course = walk.next()
   return wrk.format(nil, "/lms365/odata/v2/Courses(" .. course .. ")/Enroll", nil,
      '{"userLoginName": "' .. learner .. '"}')
end
