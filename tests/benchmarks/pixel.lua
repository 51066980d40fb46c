-- wrk script: tracking-pixel hits from many visitors (a random anonymous id per request).
math.randomseed(42)
request = function()
  local aid = "bench-" .. math.random(1, 200000)
  local path = "/i?k=journey-local&e=Product%20Viewed&aid=" .. aid .. "&p_product_id=" .. math.random(1, 500)
  return wrk.format("GET", path)
end
