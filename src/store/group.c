/*
 * group.c — group commit: many requests' writes, one durable commit.
 *
 * A durable commit on SQLite costs an fsync of the WAL, and SQLite has one
 * writer a file, so one commit a request caps the writes a second near the
 * disk's fsyncs a second whatever the CPU (bench/NOTES.md, "Writes"). Here
 * the requests that write take turns on one connection. Each runs its work
 * in a savepoint of the transaction that is open (it begins one if none
 * is): work that fails is rolled back to its savepoint alone. The last
 * request in line when its work ends commits the transaction; every
 * request whose work is in it answers only after that commit, with its
 * own result or the commit's failure. Under load the line is never empty
 * for long and a commit carries several requests; a request alone commits
 * at once, as before.
 *
 * What a request sees is what it would see alone: the work before it in
 * the transaction is the work committed before it in the log, since the
 * transactions commit in order and none answers early.
 */
#include "store/store_impl.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "base/log.h"
#include "base/mem.h"

/* At most this many requests' work in one transaction: bounds what a failed commit takes down. */
#define GROUP_MAX 64

/* For /metrics: work run and commits made by every group of the process. */
static atomic_ullong n_work, n_commits;

void store_group_counts(unsigned long long *work, unsigned long long *commits)
{
	*work = atomic_load_explicit(&n_work, memory_order_relaxed);
	*commits = atomic_load_explicit(&n_commits, memory_order_relaxed);
}

struct member {
	tx_err rc;
	int done;
	struct member *next;
};

struct store_group {
	store *db;
	pthread_mutex_t mu;
	pthread_cond_t turn; /* the connection is free */
	pthread_cond_t done; /* a transaction ended */
	int busy; /* a thread is using db: running its work or committing */
	int queued; /* threads waiting for their turn */
	int members; /* work in the open transaction */
	struct member *batch; /* its requests, waiting for the commit */
};

tx_err store_group_open(const char *url, store_group **out, char **errmsg)
{
	store *db;
	tx_err rc = store_open(url, &db, errmsg);
	if (rc)
		return rc;
	store_group *g = xcalloc(1, sizeof *g);
	g->db = db;
	pthread_mutex_init(&g->mu, NULL);
	pthread_cond_init(&g->turn, NULL);
	pthread_cond_init(&g->done, NULL);
	*out = g;
	return TX_OK;
}

void store_group_close(store_group *g)
{
	if (!g)
		return;
	store_close(g->db); /* rolls back nothing: every run ends with its commit */
	pthread_cond_destroy(&g->done);
	pthread_cond_destroy(&g->turn);
	pthread_mutex_destroy(&g->mu);
	free(g);
}

/* End the open transaction's members with rc (caller holds mu). */
static void finish(store_group *g, struct member *b, tx_err rc)
{
	for (struct member *m = b; m; m = m->next) {
		if (m->rc == TX_OK)
			m->rc = rc;
		m->done = 1;
	}
	pthread_cond_broadcast(&g->done);
}

/*
 * The transaction was lost under the members' feet (SQLite rolls a whole
 * transaction back on some errors, such as a full disk): every member so
 * far fails, and the next run begins a new one.
 */
static void lost(store_group *g)
{
	log_error("group commit: the transaction was rolled back: %s", store_errmsg(g->db));
	store_rollback(g->db);
	pthread_mutex_lock(&g->mu);
	finish(g, g->batch, TX_EDB);
	g->batch = NULL;
	g->members = 0;
	pthread_mutex_unlock(&g->mu);
}

/* One request's work in a savepoint; the caller has the connection to itself. */
static tx_err run_one(store_group *g, store_work fn, void *arg, int *joined)
{
	store *db = g->db;
	tx_err rc;
	*joined = 0;
	if (!db->in_tx && (rc = store_begin(db)))
		return rc;
	if ((rc = db->drv->exec(db, "SAVEPOINT work"))) {
		lost(g);
		return rc;
	}
	rc = fn(db, arg);
	int kept = rc == TX_OK ? db->drv->exec(db, "RELEASE work") == TX_OK
	                       : db->drv->exec(db, "ROLLBACK TO work") == TX_OK &&
	                                 db->drv->exec(db, "RELEASE work") == TX_OK;
	if (!kept) {
		lost(g);
		return rc ? rc : TX_EDB;
	}
	*joined = 1;
	return rc;
}

tx_err store_group_run(store_group *g, store_work fn, void *arg)
{
	struct member me = {TX_OK, 0, NULL};
	pthread_mutex_lock(&g->mu);
	g->queued++;
	while (g->busy)
		pthread_cond_wait(&g->turn, &g->mu);
	g->queued--;
	g->busy = 1;
	pthread_mutex_unlock(&g->mu);

	int joined;
	me.rc = run_one(g, fn, arg, &joined);

	pthread_mutex_lock(&g->mu);
	if (!joined) {
		/* The begin failed, or the transaction was lost: nothing is open and
		 * nothing of ours waits for a commit. */
		g->busy = 0;
		pthread_cond_signal(&g->turn);
		pthread_mutex_unlock(&g->mu);
		return me.rc;
	}
	atomic_fetch_add_explicit(&n_work, 1, memory_order_relaxed);
	me.next = g->batch;
	g->batch = &me;
	if (g->queued > 0 && ++g->members < GROUP_MAX) {
		/* Someone is in line: let them add their work, and wait for the commit. */
		g->busy = 0;
		pthread_cond_signal(&g->turn);
		while (!me.done)
			pthread_cond_wait(&g->done, &g->mu);
		pthread_mutex_unlock(&g->mu);
		return me.rc;
	}
	/* Last in line: commit for everyone. The connection stays ours meanwhile. */
	struct member *b = g->batch;
	g->batch = NULL;
	g->members = 0;
	pthread_mutex_unlock(&g->mu);
	atomic_fetch_add_explicit(&n_commits, 1, memory_order_relaxed);
	tx_err crc = store_commit(g->db);
	if (crc)
		log_error("group commit failed: %s", store_errmsg(g->db));
	pthread_mutex_lock(&g->mu);
	finish(g, b, crc);
	g->busy = 0;
	pthread_cond_signal(&g->turn);
	pthread_mutex_unlock(&g->mu);
	return me.rc;
}
