-- wrk: GET a random path from the file named after `--` (one path per line, e.g. /K7eA9z).
local paths = {}

function init(args)
  for line in io.lines(args[1]) do
    paths[#paths + 1] = line
  end
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 1000003)
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end
