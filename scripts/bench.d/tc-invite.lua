-- wrk script: TrainerCentral addCourseAttendee.json, an existing learner (by address) into a
-- course, each request a (learner, course) pair never used before in the run. Thread t of n sends pair
-- numbers offset+t, offset+t+n, …; pair k is learner floor(k / #courses), course k mod
-- #courses (create.lua's numbering: an offset past the pairs its run used keeps them apart).
-- Arguments after `--`: learners file (addresses), courses file (TrainerCentral course ids),
-- thread count, offset. Environment: BENCH_TC_TOKEN (a token with TrainerCentral.userapi.CREATE
-- from /trainercentral/oauth/v2/token).

local threads = {}

function setup(thread)
   thread:set("tid", #threads)
   table.insert(threads, thread)
end

local function lines(path)
   local t = {}
   for l in io.lines(path) do
      if l ~= "" then t[#t + 1] = l end
   end
   return t
end

function init(args)
   learners = lines(args[1])
   courses = lines(args[2])
   nthreads = tonumber(args[3])
   k = tonumber(args[4] or "0") + tid
   token = os.getenv("BENCH_TC_TOKEN")
   statuses = {}
   first_error = nil
   wrk.method = "POST"
   wrk.headers["Content-Type"] = "application/json"
end

function request()
   local li = math.floor(k / #courses) + 1
   local ci = (k % #courses) + 1
   k = k + nthreads
   li = ((li - 1) % #learners) + 1
   local body = '{"courseAttendee": {"email": "' .. learners[li] .. '", "firstName": "Bench", ' ..
      '"lastName": "Learner", "courseId": "' .. courses[ci] .. '"}}'
   wrk.headers["Authorization"] = "Zoho-oauthtoken " .. token
   return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
   if status ~= 200 and first_error == nil then
      first_error = status .. " " .. body
   end
end

function done(summary, latency, requests)
   local total = {}
   for _, t in ipairs(threads) do
      local s = t:get("statuses")
      for code, n in pairs(s) do
         total[code] = (total[code] or 0) + n
      end
      local e = t:get("first_error")
      if e then io.write("first non-200 answer: " .. e .. "\n") end
   end
   local parts = {}
   for code, n in pairs(total) do parts[#parts + 1] = code .. "=" .. n end
   table.sort(parts)
   io.write("statuses: " .. table.concat(parts, " ") .. "\n")
end
