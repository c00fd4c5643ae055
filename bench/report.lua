-- report.lua — appended to every script: one machine-readable line at the
-- end of a run ("WRK requests rps p50_ms p99_ms non2xx errors").
done = function(summary, latency, requests)
   local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
   io.write(string.format("WRK %d %.1f %.3f %.3f %d %d\n", summary.requests,
      summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
      latency:percentile(99) / 1000, summary.errors.status, errors))
end
