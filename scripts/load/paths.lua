-- wrk script for scripts/load.sh: each connection cycles through the main read endpoints, and each wrk
-- thread stops after its share of the request budget (LOAD_REQUESTS), so a run is bounded in requests as
-- well as in time (-d).
local paths = {
  "/api/v1/indicators?group=world",
  "/countries/MEX?lang=en",
  "/charts/coverage-matrix.svg?group=lac",
  "/exports/indicators.csv?group=lac",
}
local budget = tonumber(os.getenv("LOAD_REQUESTS_PER_THREAD") or "0")
-- Browsers and download tools ask for gzip; LOAD_ENCODING=identity measures uncompressed answers.
wrk.headers["Accept-Encoding"] = os.getenv("LOAD_ENCODING") or "gzip"
local counter = 0
local answered = 0

request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end

response = function(status, headers, body)
  answered = answered + 1
  if budget > 0 and answered >= budget then
    wrk.thread:stop()
  end
end

done = function(summary, latency, requests)
  local errors = summary.errors
  local failed = errors.connect + errors.read + errors.write + errors.timeout + errors.status
  io.write(string.format("LOAD requests=%d seconds=%.2f throughput=%.1f/s p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f errors=%d (connect %d, read %d, write %d, timeout %d, non-2xx/3xx %d)\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, failed, errors.connect, errors.read, errors.write, errors.timeout, errors.status))
end
