/*
 * sqltime.c — time one SQL statement against a SQLite file, without
 * tongxin or HTTP in the way: the references of the stats and write
 * figures.
 *
 *   sqltime [-p PRAGMAS] [-b BUDGET_MS] DB N SQL [PARAM...]
 *
 * Prepares SQL once, then N times: binds the parameters (text), steps to
 * the end, resets. With -b it stops early once BUDGET_MS have passed (after
 * at least one run), for statements that take seconds. Prints "median_ms p99_ms per_sec rows" where rows is
 * the number of result rows of the last run. With an INSERT and
 * -p 'journal_mode=WAL;synchronous=FULL' every run is one durable commit.
 * A parameter "#" is replaced by the run number (unique values).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	const char *pragmas = NULL;
	double budget = 0;
	int a = 1;
	for (;;) {
		if (argc > a + 1 && strcmp(argv[a], "-p") == 0) {
			pragmas = argv[a + 1];
			a += 2;
		} else if (argc > a + 1 && strcmp(argv[a], "-b") == 0) {
			budget = atof(argv[a + 1]);
			a += 2;
		} else {
			break;
		}
	}
	if (argc - a < 3) {
		fprintf(stderr, "usage: sqltime [-p PRAGMAS] [-b BUDGET_MS] DB N SQL [PARAM...]\n");
		return 2;
	}
	const char *path = argv[a], *sql = argv[a + 2];
	int n = atoi(argv[a + 1]);
	if (n < 1)
		n = 1;
	sqlite3 *db;
	if (sqlite3_open(path, &db) != SQLITE_OK) {
		fprintf(stderr, "sqltime: %s: %s\n", path, sqlite3_errmsg(db));
		return 1;
	}
	sqlite3_busy_timeout(db, 10000);
	if (pragmas) {
		char *p = NULL;
		/* Each "a=b" of the list becomes one PRAGMA. */
		char *copy = strdup(pragmas), *save = NULL;
		for (char *t = strtok_r(copy, ";", &save); t; t = strtok_r(NULL, ";", &save)) {
			char q[256];
			snprintf(q, sizeof q, "PRAGMA %s", t);
			if (sqlite3_exec(db, q, NULL, NULL, &p) != SQLITE_OK) {
				fprintf(stderr, "sqltime: %s: %s\n", q, p);
				return 1;
			}
		}
		free(copy);
	}
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "sqltime: %s\n", sqlite3_errmsg(db));
		return 1;
	}
	double *t = malloc(sizeof *t * (size_t)n);
	long rows = 0;
	double t0 = now_ms();
	for (int i = 0; i < n; i++) {
		double s = now_ms();
		for (int k = a + 3; k < argc; k++) {
			if (strcmp(argv[k], "#") == 0)
				sqlite3_bind_int64(st, k - a - 2, i);
			else
				sqlite3_bind_text(st, k - a - 2, argv[k], -1, SQLITE_STATIC);
		}
		int rc;
		rows = 0;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			rows++;
		if (rc != SQLITE_DONE) {
			fprintf(stderr, "sqltime: %s\n", sqlite3_errmsg(db));
			return 1;
		}
		sqlite3_reset(st);
		t[i] = now_ms() - s;
		if (budget > 0 && now_ms() - t0 > budget && i + 1 < n) {
			n = i + 1;
			break;
		}
	}
	double total = now_ms() - t0;
	qsort(t, (size_t)n, sizeof *t, cmp);
	int p99 = (int)(0.99 * (n - 1) + 0.5);
	printf("%.4f %.4f %.1f %ld\n", t[n / 2], t[p99], n / (total / 1e3), rows);
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(t);
	return 0;
}
