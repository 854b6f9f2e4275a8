-- Fluent Bit Lua filter on the central log pipeline: drop any record that holds something
-- shaped like a card number (13-19 digits, spaces or dashes allowed, Luhn-valid) and count it,
-- so the alert on `pan_dropped_total` fires.
--
-- @mitigates #log-pipeline against #card-data-in-logs using #log-pan-scanner -- "drop and alert, before the log store"
-- @flows #shop-api -> #log-pipeline via stdout to Fluent Bit -- "JSON lines, see services/billing/invoices.go"

local dropped = 0

local function luhn_valid(digits)
  local sum, double = 0, false
  for i = #digits, 1, -1 do
    local d = tonumber(digits:sub(i, i))
    if double then
      d = d * 2
      if d > 9 then d = d - 9 end
    end
    sum = sum + d
    double = not double
  end
  return sum % 10 == 0
end

local function holds_pan(text)
  for candidate in text:gmatch("%d[%d %-]+%d") do
    local digits = candidate:gsub("[ %-]", "")
    if #digits >= 13 and #digits <= 19 and luhn_valid(digits) then
      return true
    end
  end
  return false
end

local function scan(value)
  if type(value) == "string" then
    return holds_pan(value)
  elseif type(value) == "table" then
    for _, v in pairs(value) do
      if scan(v) then return true end
    end
  end
  return false
end

-- Called by Fluent Bit for every record: -1 drops it, 0 keeps it unchanged.
function cb_filter(tag, timestamp, record)
  if scan(record) then
    dropped = dropped + 1
    io.stderr:write(string.format('{"metric":"pan_dropped_total","value":%d,"tag":"%s"}\n', dropped, tag))
    return -1, timestamp, record
  end
  return 0, timestamp, record
end
