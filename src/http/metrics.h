/*
 * metrics.h — request counters and a latency histogram, rendered in the
 * Prometheus text format at /metrics. Counters are atomics: the only
 * state request threads share.
 */
#ifndef TX_HTTP_METRICS_H
#define TX_HTTP_METRICS_H

#include <stdint.h>

#include "base/buf.h"

/* route: index into routes[], or -1 for static files, -2 for no route. */
void metrics_observe(int route, int status, int64_t micros);
void metrics_render(buf *out);

#endif
