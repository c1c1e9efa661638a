-- wrk script: Absorb POST /absorb/authenticate, a demo learner's password login, over and over
-- (each success issues a token and revokes the learner's previous one, as Absorb does).
-- Environment: BENCH_API_KEY (x-api-key and privateKey), BENCH_USER, BENCH_PASSWORD.
-- Answers other than 200 show in wrk's "Non-2xx" count, which the report reads.

function init(args)
   wrk.method = "POST"
   wrk.headers["x-api-key"] = os.getenv("BENCH_API_KEY")
   wrk.headers["Content-Type"] = "application/json"
   wrk.body = string.format('{"username":"%s","password":"%s","privateKey":"%s"}',
      os.getenv("BENCH_USER"), os.getenv("BENCH_PASSWORD"), os.getenv("BENCH_API_KEY"))
end
