-- wrk: POST /url.json (awe.sm Create API) with the form body given after `--`.
function init(args)
  wrk.method = "POST"
  wrk.body = args[1]
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end
