-- wrk script: Absorb POST /absorb/users/{u}/enrollments/{c}, each request a (learner, course)
-- pair never used before in the run. Thread t of n sends pair numbers t, t+n, t+2n, …; pair k is
-- learner floor(k / #courses), course k mod #courses, so no pair repeats across threads.
-- Arguments after `--`: learners file, courses file (one UUID per line), thread count, and the
-- path prefix the users route sits under (default /absorb; "" for the raw reference stack).
-- Environment: BENCH_TOKEN (Absorb bearer token), BENCH_API_KEY (x-api-key).

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
   prefix = args[4] or "/absorb"
   k = tid
   statuses = {}
   first_error = nil
   wrk.method = "POST"
   wrk.body = ""  -- sends Content-Length: 0
   wrk.headers["x-api-key"] = os.getenv("BENCH_API_KEY")
   wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
end

function request()
   local li = math.floor(k / #courses) + 1
   local ci = (k % #courses) + 1
   k = k + nthreads
   -- Past the last pair (a much faster server): reuse pairs; they then answer 4xx, visibly.
   li = ((li - 1) % #learners) + 1
   return wrk.format(nil, prefix .. "/users/" .. learners[li] .. "/enrollments/" .. courses[ci])
end

function response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
   if status ~= 201 and first_error == nil then
      first_error = status .. " " .. body
   end
end

-- Status histogram and the first unexpected answer, so a run with errors says why.
function done(summary, latency, requests)
   local total = {}
   for _, t in ipairs(threads) do
      local s = t:get("statuses")
      for code, n in pairs(s) do
         total[code] = (total[code] or 0) + n
      end
      local e = t:get("first_error")
      if e then io.write("first non-201 answer: " .. e .. "\n") end
   end
   local parts = {}
   for code, n in pairs(total) do parts[#parts + 1] = code .. "=" .. n end
   table.sort(parts)
   io.write("statuses: " .. table.concat(parts, " ") .. "\n")
end
