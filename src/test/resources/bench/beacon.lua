-- wrk script: keyless Plausible-format beacons from many client addresses (wrk -t1 -c256 -d30s -s beacon.lua http://127.0.0.1:8080/api/event)
wrk.method = "POST"
wrk.headers["Content-Type"] = "text/plain"
wrk.headers["User-Agent"] = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
counter = 0
request = function()
  counter = counter + 1
  wrk.headers["X-Forwarded-For"] = (11 + counter % 200) .. "." .. (counter % 251) .. "." .. (counter % 13) .. ".7"
  local body = '{"n":"pageview","u":"https://localhost/page/' .. (counter % 500) .. '","d":"localhost","r":"https://www.google.com/"}'
  return wrk.format(nil, nil, nil, body)
end
