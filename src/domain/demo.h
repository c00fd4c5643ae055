/*
 * demo.h — a fictional county-level city for trying the system out.
 */
#ifndef TX_DOMAIN_DEMO_H
#define TX_DOMAIN_DEMO_H

#include <stdint.h>
#include <stdio.h>

#include "auth/keys.h"
#include "store/store.h"

typedef struct demo_stats {
	int units;
	int towns;
	int villages;
	int departments;
	int users;
	int people;
	int organisations;
	int posts;
	int cases;
} demo_stats;

/*
 * Build the demo city under the root unit `root` (renamed 海岳市) inside
 * the caller's transaction, with one account per role, each with
 * `password` and no forced change, `people` people on record with their
 * organisations and the grid's posts (sensitive fields sealed with the
 * keys). Returns TX_ECONFLICT if demo data is
 * already present. The sign-ins are written to `out`, one per line.
 */
int demo_build(store *db, const keys *k, int64_t root, const char *password, int people, int cases, FILE *out,
               demo_stats *st);

/*
 * The demo's cases, walked through their flows by the engine as the demo
 * accounts with the clock set back (called by demo_build), and the
 * leaders' enterprise links and visits.
 */
int demo_cases(store *db, const keys *k, int64_t root, int count, demo_stats *st);

#endif
