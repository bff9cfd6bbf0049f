-- The Lua benchmark's workload: a mix of what Lua programs spend their time on. N (set
-- by main.c) is the number of rounds; each round runs every part once and folds its
-- results into one 64-bit checksum, which the script returns.
--
-- Every value folded in is an integer or the exact bits of a float computed the same way
-- on every platform; traversals of hash tables (pairs) are folded with a sum, which does
-- not depend on the order.

local N = N

local function mix(h, v)
  h = (h ~ v) * 1099511628211
  return (h << 29) | (h >> 35)
end

-- A linear congruential generator of our own (math.random is seeded from the clock).
local function lcg(seed)
  local s = seed
  return function()
    s = (s * 6364136223846793005 + 1442695040888963407)
    return (s >> 33)
  end
end

-- Tables: fill an array, sort it with a comparator closure, count keys in a hash table.
local function tables(round)
  local rand = lcg(round)
  local a = {}
  for i = 1, 20000 do
    a[i] = rand() % 100000
  end
  table.sort(a, function(x, y) return x > y end)
  local counts = {}
  for i = 1, #a do
    local k = a[i] % 1000
    counts[k] = (counts[k] or 0) + 1
  end
  local h = 0
  for i = 1, #a, 97 do
    h = mix(h, a[i])
  end
  local sum = 0
  for k, v in pairs(counts) do
    sum = sum + k * v
  end
  -- records: tables with string fields, inserted and removed
  local recs = {}
  for i = 1, 5000 do
    recs[#recs + 1] = { id = i, name = "item" .. i, score = (i * 7919) % 1000 }
  end
  local best = 0
  for i = #recs, 1, -1 do
    local r = recs[i]
    if r.score > 900 then
      best = best + r.id
      table.remove(recs, i)
    end
  end
  return mix(mix(h, sum), best + #recs)
end

-- Strings: formatting, concatenation, pattern matching and substitution.
local function strings(round)
  local parts = {}
  for i = 1, 4000 do
    parts[i] = string.format("%d:%s:%05x", i, string.rep("ab", i % 7), (i * round) % 65536)
  end
  local s = table.concat(parts, ",")
  local words = {}
  for w in s:gmatch("[^,]+") do
    words[#words + 1] = w
  end
  local replaced, count = s:gsub("ab", "Z")
  local freq = {}
  for c in replaced:gmatch("%x") do
    freq[c] = (freq[c] or 0) + 1
  end
  local sum = 0
  for c, v in pairs(freq) do
    sum = sum + string.byte(c) * v
  end
  local h = mix(#s, #words)
  h = mix(h, count)
  h = mix(h, sum)
  h = mix(h, #s:upper():reverse())
  return h
end

-- Closures: higher-order functions over a list, and counters kept in upvalues.
local function closures(round)
  local function map(t, f)
    local r = {}
    for i = 1, #t do r[i] = f(t[i]) end
    return r
  end
  local function filter(t, p)
    local r = {}
    for i = 1, #t do
      if p(t[i]) then r[#r + 1] = t[i] end
    end
    return r
  end
  local function fold(t, f, acc)
    for i = 1, #t do acc = f(acc, t[i]) end
    return acc
  end
  local xs = {}
  for i = 1, 20000 do xs[i] = i + round end
  local h = 0
  for k = 1, 5 do
    local ys = map(xs, function(x) return x * k + 1 end)
    local zs = filter(ys, function(y) return y % 3 ~= 0 end)
    h = mix(h, fold(zs, function(a, b) return a + b end, 0))
  end
  local counters = {}
  for i = 1, 200 do
    local c = 0
    counters[i] = function(d) c = c + d; return c end
  end
  local total = 0
  for j = 1, 100 do
    for i = 1, #counters do
      total = total + counters[i](j % 5)
    end
  end
  return mix(h, total)
end

-- Floats: the Sun and four outer planets, as in the nbody kernel.
local function nbody(steps)
  local PI = 3.141592653589793
  local SOLAR_MASS = 4 * PI * PI
  local DAYS = 365.24
  local bodies = {
    { x = 0, y = 0, z = 0, vx = 0, vy = 0, vz = 0, mass = SOLAR_MASS },
    { x = 4.84143144246472090e+00, y = -1.16032004402742839e+00, z = -1.03622044471123109e-01,
      vx = 1.66007664274403694e-03 * DAYS, vy = 7.69901118419740425e-03 * DAYS,
      vz = -6.90460016972063023e-05 * DAYS, mass = 9.54791938424326609e-04 * SOLAR_MASS },
    { x = 8.34336671824457987e+00, y = 4.12479856412430479e+00, z = -4.03523417114321381e-01,
      vx = -2.76742510726862411e-03 * DAYS, vy = 4.99852801234917238e-03 * DAYS,
      vz = 2.30417297573763929e-05 * DAYS, mass = 2.85885980666130812e-04 * SOLAR_MASS },
    { x = 1.28943695621391310e+01, y = -1.51111514016986312e+01, z = -2.23307578892655734e-01,
      vx = 2.96460137564761618e-03 * DAYS, vy = 2.37847173959480950e-03 * DAYS,
      vz = -2.96589568540237556e-05 * DAYS, mass = 4.36624404335156298e-05 * SOLAR_MASS },
    { x = 1.53796971148509165e+01, y = -2.59193146099879641e+01, z = 1.79258772950371181e-01,
      vx = 2.68067772490389322e-03 * DAYS, vy = 1.62824170038242295e-03 * DAYS,
      vz = -9.51592254519715870e-05 * DAYS, mass = 5.15138902046611451e-05 * SOLAR_MASS },
  }
  local nb = #bodies
  local sqrt = math.sqrt
  local dt = 0.01
  for _ = 1, steps do
    for i = 1, nb do
      local bi = bodies[i]
      local bix, biy, biz, bimass = bi.x, bi.y, bi.z, bi.mass
      local bivx, bivy, bivz = bi.vx, bi.vy, bi.vz
      for j = i + 1, nb do
        local bj = bodies[j]
        local dx, dy, dz = bix - bj.x, biy - bj.y, biz - bj.z
        local d2 = dx * dx + dy * dy + dz * dz
        local mag = dt / (d2 * sqrt(d2))
        local bm = bj.mass * mag
        bivx = bivx - dx * bm
        bivy = bivy - dy * bm
        bivz = bivz - dz * bm
        bm = bimass * mag
        bj.vx = bj.vx + dx * bm
        bj.vy = bj.vy + dy * bm
        bj.vz = bj.vz + dz * bm
      end
      bi.vx, bi.vy, bi.vz = bivx, bivy, bivz
      bi.x = bix + dt * bivx
      bi.y = biy + dt * bivy
      bi.z = biz + dt * bivz
    end
  end
  local h = 0
  for i = 1, nb do
    local b = bodies[i]
    h = mix(h, string.unpack("<i8", string.pack("<d", b.x)))
    h = mix(h, string.unpack("<i8", string.pack("<d", b.vy)))
  end
  return h
end

-- Integers and arrays: fannkuch-redux, the maximum number of pancake flips.
local function fannkuch(n)
  local perm, perm1, count = {}, {}, {}
  for i = 0, n - 1 do perm1[i] = i end
  local maxflips, checksum, r, permcount = 0, 0, n, 0
  while true do
    while r ~= 1 do
      count[r - 1] = r
      r = r - 1
    end
    for i = 0, n - 1 do perm[i] = perm1[i] end
    local flips = 0
    local k = perm[0]
    while k ~= 0 do
      local i, j = 0, k
      while i < j do
        perm[i], perm[j] = perm[j], perm[i]
        i, j = i + 1, j - 1
      end
      flips = flips + 1
      k = perm[0]
    end
    if flips > maxflips then maxflips = flips end
    checksum = checksum + (permcount % 2 == 0 and flips or -flips)
    while true do
      if r == n then return mix(maxflips, checksum) end
      local p0 = perm1[0]
      for i = 0, r - 1 do perm1[i] = perm1[i + 1] end
      perm1[r] = p0
      count[r] = count[r] - 1
      if count[r] > 0 then break end
      r = r + 1
    end
    permcount = permcount + 1
  end
end

local h = 0
for round = 1, N do
  h = mix(h, tables(round))
  h = mix(h, strings(round))
  h = mix(h, closures(round))
end
h = mix(h, nbody(N * 2000))
h = mix(h, fannkuch(8))
return h
