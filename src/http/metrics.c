/*
 * metrics.c — Prometheus counters (see metrics.h).
 */
#include "http/metrics.h"

#include <stdatomic.h>

#include "http/routes.h"
#include "store/store.h"

#define MAX_ROUTES 128

static const int status_codes[] = {200, 201, 204, 304, 400, 401, 403, 404, 405, 409, 412, 413, 415, 429, 500, 503};
#define NSTATUS (sizeof status_codes / sizeof status_codes[0])
static const double buckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};
#define NBUCKETS (sizeof buckets / sizeof buckets[0])

/* [route + 2][status index]; row 0: no route, row 1: static files. */
static atomic_ullong counts[MAX_ROUTES + 2][NSTATUS + 1];
static atomic_ullong hist[NBUCKETS + 1];
static atomic_ullong hist_sum_us;
static atomic_ullong hist_count;

void metrics_observe(int route, int status, int64_t micros)
{
	int row = route + 2;
	if (row < 0 || row >= MAX_ROUTES + 2)
		row = 0;
	size_t si = NSTATUS;
	for (size_t i = 0; i < NSTATUS; i++)
		if (status_codes[i] == status) {
			si = i;
			break;
		}
	atomic_fetch_add_explicit(&counts[row][si], 1, memory_order_relaxed);
	double s = (double)micros / 1e6;
	size_t b = NBUCKETS;
	for (size_t i = 0; i < NBUCKETS; i++)
		if (s <= buckets[i]) {
			b = i;
			break;
		}
	atomic_fetch_add_explicit(&hist[b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&hist_sum_us, (unsigned long long)(micros > 0 ? micros : 0), memory_order_relaxed);
	atomic_fetch_add_explicit(&hist_count, 1, memory_order_relaxed);
}

void metrics_render(buf *out)
{
	buf_puts(out, "# HELP tongxin_http_requests_total HTTP requests by route and status.\n"
	              "# TYPE tongxin_http_requests_total counter\n");
	for (int row = 0; row < MAX_ROUTES + 2; row++) {
		const char *method = "", *pattern;
		if (row == 0)
			pattern = "unmatched";
		else if (row == 1)
			pattern = "static";
		else if ((size_t)(row - 2) < routes_count) {
			method = routes[row - 2].method;
			pattern = routes[row - 2].pattern;
		} else
			break;
		for (size_t si = 0; si <= NSTATUS; si++) {
			unsigned long long n = atomic_load_explicit(&counts[row][si], memory_order_relaxed);
			if (!n)
				continue;
			if (si < NSTATUS)
				buf_printf(out, "tongxin_http_requests_total{route=\"%s%s%s\",status=\"%d\"} %llu\n", method,
				           *method ? " " : "", pattern, status_codes[si], n);
			else
				buf_printf(out, "tongxin_http_requests_total{route=\"%s%s%s\",status=\"other\"} %llu\n", method,
				           *method ? " " : "", pattern, n);
		}
	}
	buf_puts(out, "# HELP tongxin_http_request_duration_seconds Time from request to response.\n"
	              "# TYPE tongxin_http_request_duration_seconds histogram\n");
	unsigned long long cum = 0;
	for (size_t i = 0; i < NBUCKETS; i++) {
		cum += atomic_load_explicit(&hist[i], memory_order_relaxed);
		buf_printf(out, "tongxin_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n", buckets[i], cum);
	}
	cum += atomic_load_explicit(&hist[NBUCKETS], memory_order_relaxed);
	buf_printf(out, "tongxin_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n", cum);
	buf_printf(out, "tongxin_http_request_duration_seconds_sum %.6f\n",
	           (double)atomic_load_explicit(&hist_sum_us, memory_order_relaxed) / 1e6);
	buf_printf(out, "tongxin_http_request_duration_seconds_count %llu\n",
	           atomic_load_explicit(&hist_count, memory_order_relaxed));
	unsigned long long work, commits;
	store_group_counts(&work, &commits);
	buf_printf(out,
	           "# HELP tongxin_sqlite_group_work_total Writes run through SQLite group commit.\n"
	           "# TYPE tongxin_sqlite_group_work_total counter\n"
	           "tongxin_sqlite_group_work_total %llu\n"
	           "# HELP tongxin_sqlite_group_commits_total Durable commits that carried them.\n"
	           "# TYPE tongxin_sqlite_group_commits_total counter\n"
	           "tongxin_sqlite_group_commits_total %llu\n",
	           work, commits);
}
