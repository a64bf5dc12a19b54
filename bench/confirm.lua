-- wrk: POST /confirm/<token> once per token, tokens read from BENCH_TOKENS
-- (one per line); thread i of k takes every k-th token and stops when done.
local file = os.getenv("BENCH_TOKENS")
local counter = 1
local total = 0

function setup(thread)
   thread:set("tid", counter)
   counter = counter + 1
   total = total + 1
end

function init(args)
   tokens = {}
   local k = tonumber(os.getenv("BENCH_THREADS") or "1")
   local i = 0
   for line in io.lines(file) do
      if i % k == tid - 1 then
         table.insert(tokens, line)
      end
      i = i + 1
   end
   n = 0
   wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end

function request()
   n = n + 1
   if n > #tokens then
      wrk.thread:stop()
      n = #tokens
   end
   return wrk.format("POST", "/confirm/" .. tokens[n], nil, "")
end
