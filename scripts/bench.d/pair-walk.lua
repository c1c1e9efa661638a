-- Shared by the wrk scripts that enroll a (learner, course) pair per request (create.lua,
-- soap-enroll.lua, tc-invite.lua, lms365-enroll.lua); each loads it with
--   local walk = dofile(<this directory> .. "pair-walk.lua")
-- (wrk's Lua is LuaJIT, Lua 5.1: dofile, no require path set up for scripts).
--
-- Pair numbering: thread t of n sends pair numbers offset+t, offset+t+n, offset+t+2n, …; pair k
-- is learner floor(k / #courses), course k mod #courses, so no pair repeats across threads, and
-- a run started at an offset past the pairs an earlier run used makes new pairs only. Past the
-- last pair (a much faster server) pairs are reused; they then answer an error, visibly.
--
-- walk.start(expected) defines wrk's setup, response and done: each thread counts answers by
-- status and keeps the first one that is not `expected`; done prints the histogram
-- ("statuses: 201=… 409=…") and those first answers, which scripts/bench.d/bench.py reports.

local walk = {}

local threads = {}

local function lines(path)
   local t = {}
   for l in io.lines(path) do
      if l ~= "" then t[#t + 1] = l end
   end
   return t
end

-- Call at the script's top level with the status every request should answer.
function walk.start(expected)
   function setup(thread)
      thread:set("tid", #threads)
      table.insert(threads, thread)
   end

   function response(status, headers, body)
      statuses[status] = (statuses[status] or 0) + 1
      if status ~= expected and first_error == nil then
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
         if e then io.write("first non-" .. expected .. " answer: " .. e .. "\n") end
      end
      local parts = {}
      for code, n in pairs(total) do parts[#parts + 1] = code .. "=" .. n end
      table.sort(parts)
      io.write("statuses: " .. table.concat(parts, " ") .. "\n")
   end
end

-- Call from init: the learners file, the courses file (one id a line), the thread count, and
-- the first pair number.
function walk.init(learners_path, courses_path, nthreads, offset)
   walk.learners = lines(learners_path)
   walk.courses = lines(courses_path)
   walk.nthreads = tonumber(nthreads)
   walk.k = tonumber(offset or 0) + tid
   statuses = {}
   first_error = nil
end

-- The next pair of this thread: learner, course.
function walk.next()
   local n = #walk.courses
   local li = math.floor(walk.k / n)
   local ci = walk.k % n
   walk.k = walk.k + walk.nthreads
   li = li % #walk.learners
   return walk.learners[li + 1], walk.courses[ci + 1]
end

return walk
