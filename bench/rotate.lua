-- wrk script: rotate requests over the paths and session cookies listed (one per line) in the
-- files named by WRK_PATHS and WRK_COOKIES. Any answer other than 200 counts as an error (wrk
-- itself counts 3xx as fine, and a lost session would redirect to the login page).
local paths, cookies, threads = {}, {}, {}
for line in io.lines(os.getenv("WRK_PATHS")) do table.insert(paths, line) end
for line in io.lines(os.getenv("WRK_COOKIES")) do table.insert(cookies, line) end
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  n = id * 7919
  bad = 0
end

function request()
  n = n + 1
  local path = paths[(n % #paths) + 1]
  local cookie = cookies[(math.floor(n / #paths) % #cookies) + 1]
  return wrk.format("GET", path, {["Cookie"] = cookie, ["X-Forwarded-Proto"] = "https"})
end

function response(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("bad") end
  io.write(string.format("NON200 %d\n", total))
end
