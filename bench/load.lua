-- wrk script: replay recorded Alexa requests (bench/conversations.py), one per line as
-- "<Signature-256 or empty>\t<body>", each wrk thread its own block of users turn by turn.
-- Arguments: <requests file> <SignatureCertChainUrl> <threads>
local requests = {}
local index = 0
local thread_number = 0

function setup(thread)
  thread:set("thread_number", thread_number)
  thread_number = thread_number + 1
end

function init(args)
  local lines = {}
  for line in io.lines(args[1]) do
    lines[#lines + 1] = line
  end
  local threads = tonumber(args[3])
  local block = math.floor(#lines / threads)
  local first = thread_number * block
  for i = first + 1, first + block do
    local signature, body = lines[i]:match("^([^\t]*)\t(.*)$")
    local headers = { ["Content-Type"] = "application/json" }
    if signature ~= "" then
      headers["Signature-256"] = signature
      headers["SignatureCertChainUrl"] = args[2]
    end
    requests[#requests + 1] = wrk.format("POST", "/alexa", headers, body)
  end
end

function request()
  index = index + 1
  if index > #requests then
    index = 1
  end
  return requests[index]
end

function done(summary, latency, requests)
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "non_2xx": %d, "socket_errors": %d,'
      .. ' "p50_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), latency.max
  ))
end
