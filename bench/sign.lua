-- wrk: POST valid JSON signatures, each with an email never used before.
-- BENCH_RUN (env) makes emails unique across runs; each thread numbers its own.
local run = os.getenv("BENCH_RUN") or tostring(os.time())
local path = os.getenv("BENCH_PATH") or "/api/petitions/paid-family-leave/signatures"
local threads = {}
local counter = 1

function setup(thread)
   thread:set("tid", counter)
   counter = counter + 1
   table.insert(threads, thread)
end

function init(args)
   n = 0
   wrk.headers["Content-Type"] = "application/json"
end

function request()
   n = n + 1
   local body = string.format(
      '{"first_name":"Bench","last_name":"Signer","email":"b%s.%d.%d@example.org",' ..
      '"street":"350 Fifth Avenue","city":"New York","state":"NY","zip":"10118",' ..
      '"comment":"Synthetic benchmark signature.","email_updates":true}',
      run, tid, n)
   return wrk.format("POST", path, nil, body)
end
