/*
 * gen.h — deterministic benchmark data, written through the record engine.
 *
 * Two sizes (bench/, docs/benchmarks.md):
 *   county    the demo city (`tongxin demo`) topped up with enterprises to
 *             about 2,000 organisations;
 *   province  a fictional province: 16 cities, ~140 counties, ~1,800
 *             towns, ~70,000 villages and N people (5,000,000 by default)
 *             with memberships, political arrangements, organisations and
 *             the grid's posts.
 * Every record is checked against the model like API input and written
 * with record_insert_raw(), so sensitive fields are sealed and blind-
 * indexed exactly as the application stores them. The same seed gives
 * the same data (apart from the random nonces of the sealed fields).
 */
#ifndef TX_DOMAIN_GEN_H
#define TX_DOMAIN_GEN_H

#include <stdint.h>
#include <stdio.h>

#include "auth/keys.h"
#include "store/store.h"

typedef struct gen_stats {
	int64_t units, cities, counties, towns, villages;
	int64_t users, people, organisations, memberships, arrangements, posts;
	double units_secs;  /* building the unit tree */
	double people_secs; /* people and their records */
	double grid_secs;   /* the grid's posts (province) */
} gen_stats;

/*
 * Progress callback: called after each committed batch with the phase
 * ("units", "people", "grid") and how far it got.
 */
typedef void (*gen_progress)(void *ctx, const char *phase, int64_t done, int64_t total, double secs);

typedef struct gen_opts {
	int64_t people;      /* province: people on record */
	int64_t orgs;        /* county: organisations in all after topping up */
	uint64_t seed;       /* 0: the default seed */
	int64_t batch;       /* rows per transaction (province) */
	gen_progress progress;
	void *progress_ctx;
} gen_opts;

/*
 * Top up the demo city under `root` with enterprises until it holds
 * o->orgs organisations, inside the caller's transaction. TX_ENOTFOUND
 * when the database holds no demo city.
 */
tx_err gen_county(store *db, const keys *k, int64_t root, const gen_opts *o, gen_stats *st);

/*
 * Build the province under the root unit `root` (renamed 海岳省), with
 * the accounts staff (province), city1, county1 (department staff of the
 * first city and county) and town1 (town officer of the first town), each
 * with `password` and no forced change; the sign-ins go to `logins`.
 * Runs its own transactions, committing every o->batch rows: the caller
 * must not be inside one. TX_ECONFLICT when the root already has children.
 */
tx_err gen_province(store *db, const keys *k, int64_t root, const char *password, const gen_opts *o, FILE *logins,
                    gen_stats *st);

#endif
