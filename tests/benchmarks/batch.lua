-- wrk script: Segment /v1/batch requests of 10 events each, for a random visitor per request.
math.randomseed(7)
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Basic am91cm5leS1sb2NhbDo=" -- journey-local:
local names = { "Product Viewed", "Product Viewed", "Product List Viewed", "Product Added", "Cart Viewed" }
request = function()
  local aid = "bench-" .. math.random(1, 200000)
  local items = {}
  for i = 1, 10 do
    items[i] = string.format('{"type":"track","anonymousId":"%s","event":"%s","properties":{"product_id":%d,"price":19.5}}',
      aid, names[math.random(1, #names)], math.random(1, 500))
  end
  return wrk.format(nil, "/v1/batch", nil, '{"batch":[' .. table.concat(items, ",") .. ']}')
end
