-- wrk: POST views as the site's views.js sends them (a form post), from a browser, over
-- a few links' tags: what a surge of visitors from a handful of posts looks like.
local path = "/api/views"
local posts = {"launch-day", "wic-numbers.a", "wic-numbers.b", "mothers-day"}

function init(args)
   n = 0
   wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
   wrk.headers["User-Agent"] =
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
end

function request()
   n = n + 1
   local body = "page=%2Fpetitions%2Fpaid-family-leave%2F&variant=&utm_source=facebook" ..
      "&utm_medium=social&utm_content=" .. posts[(n % #posts) + 1]
   return wrk.format("POST", path, nil, body)
end
