'use strict';
// Preloaded with `node -r` when /usr/bin/time is missing: report this process's peak RSS (KiB).
process.on('exit', () => {
  require('node:fs').writeFileSync(process.env.BENCH_RSS_OUT, String(process.resourceUsage().maxRSS));
});
