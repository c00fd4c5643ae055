/*
 * notify.c — notices and the sending interface (see notify.h).
 */
#include "domain/notify.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "base/util.h"

#define MAX_SINKS 4

static notify_sink sinks[MAX_SINKS];
static int nsinks;

int notify_register(const notify_sink *s)
{
	if (nsinks >= MAX_SINKS || !s || !s->name || !s->send)
		return -1;
	sinks[nsinks++] = *s;
	return 0;
}

tx_err notify_user(dctx *c, int64_t user_id, int64_t case_id, const char *kind, const char *title, const char *body)
{
	store_stmt *st;
	tx_err rc = store_prepare(c->db,
	                          "INSERT INTO notice (user_id, case_id, kind, title, body, created_at)"
	                          " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
	                          &st);
	if (rc)
		return rc;
	store_bind_int(st, 1, user_id);
	if (case_id)
		store_bind_int(st, 2, case_id);
	else
		store_bind_null(st, 2);
	store_bind_text(st, 3, kind);
	store_bind_text(st, 4, title);
	store_bind_text(st, 5, body && *body ? body : NULL);
	store_bind_int(st, 6, dctx_now(c));
	int s = store_step(st);
	int64_t id = s == STORE_ROW ? store_col_int(st, 0) : 0;
	store_finalize(st);
	if (s != STORE_ROW)
		return TX_EDB;
	for (int i = 0; i < nsinks; i++) {
		if ((rc = store_prepare(c->db, "INSERT INTO notice_outbox (notice_id, sink) VALUES (?, ?)", &st)))
			return rc;
		store_bind_int(st, 1, id);
		store_bind_text(st, 2, sinks[i].name);
		s = store_step(st);
		store_finalize(st);
		if (s != STORE_DONE)
			return TX_EDB;
	}
	return TX_OK;
}

int notify_deliver(store *db)
{
	int sent = 0;
	for (int i = 0; i < nsinks; i++) {
		store_stmt *st;
		if (store_prepare(db,
		                  "SELECT n.id, n.user_id, u.username, n.title, n.body "
		                  "FROM notice_outbox o"
		                  " JOIN notice n ON n.id = o.notice_id JOIN app_user u ON "
		                  "u.id = n.user_id"
		                  " WHERE o.sink = ? AND o.sent_at IS NULL AND o.error IS "
		                  "NULL ORDER BY n.id LIMIT 100",
		                  &st))
			return sent;
		store_bind_text(st, 1, sinks[i].name);
		while (store_step(st) == STORE_ROW) {
			notice_msg m = {store_col_int(st, 0), store_col_int(st, 1), store_col_text(st, 2),
			                store_col_text(st, 3), store_col_text(st, 4)};
			const char *err = sinks[i].send(&m, sinks[i].ctx);
			store_stmt *up;
			if (store_prepare(db,
			                  "UPDATE notice_outbox SET sent_at = ?, error = ? WHERE "
			                  "notice_id = ? AND sink = ?",
			                  &up) == TX_OK) {
				if (err)
					store_bind_null(up, 1);
				else
					store_bind_int(up, 1, util_now());
				store_bind_text(up, 2, err);
				store_bind_int(up, 3, m.id);
				store_bind_text(up, 4, sinks[i].name);
				if (store_step(up) != STORE_DONE)
					log_error("notice outbox update failed");
				store_finalize(up);
			}
			sent += !err;
		}
		store_finalize(st);
	}
	return sent;
}

static pthread_t sender;
static int sender_running;
static pthread_mutex_t sender_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t sender_wake = PTHREAD_COND_INITIALIZER;
static int sender_stop;

static void *sender_main(void *arg)
{
	store *db = arg;
	pthread_mutex_lock(&sender_lock);
	while (!sender_stop) {
		pthread_mutex_unlock(&sender_lock);
		int n = notify_deliver(db);
		if (n)
			log_info("notices: %d sent", n);
		pthread_mutex_lock(&sender_lock);
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 15;
		if (!sender_stop)
			pthread_cond_timedwait(&sender_wake, &sender_lock, &ts);
	}
	pthread_mutex_unlock(&sender_lock);
	store_close(db);
	return NULL;
}

int notify_start(const char *db_url)
{
	if (nsinks == 0 || sender_running)
		return 0;
	store *db;
	char *err = NULL;
	if (store_open(db_url, &db, &err)) {
		log_error("notices: cannot open the database for sending: %s", err ? err : "?");
		free(err);
		return -1;
	}
	sender_stop = 0;
	if (pthread_create(&sender, NULL, sender_main, db)) {
		store_close(db);
		return -1;
	}
	sender_running = 1;
	return 0;
}

void notify_stop(void)
{
	if (!sender_running)
		return;
	pthread_mutex_lock(&sender_lock);
	sender_stop = 1;
	pthread_cond_signal(&sender_wake);
	pthread_mutex_unlock(&sender_lock);
	pthread_join(sender, NULL);
	sender_running = 0;
}

tx_err notice_list(dctx *c, int unread_only, int64_t after, int limit, json_t **items, int64_t *next, int64_t *unread)
{
	store_stmt *st;
	tx_err rc = store_prepare(c->db,
	                          "SELECT id, case_id, kind, title, body, created_at, read_at FROM notice"
	                          " WHERE user_id = ? AND (? = 0 OR read_at IS NULL) AND (? = 0 OR id < ?)"
	                          " ORDER BY id DESC LIMIT ?",
	                          &st);
	if (rc)
		return rc;
	store_bind_int(st, 1, c->a->user_id);
	store_bind_int(st, 2, unread_only);
	store_bind_int(st, 3, after);
	store_bind_int(st, 4, after);
	store_bind_int(st, 5, limit + 1);
	*items = json_array();
	*next = 0;
	int n = 0, s;
	while ((s = store_step(st)) == STORE_ROW) {
		if (n++ == limit) {
			*next = json_integer_value(json_object_get(json_array_get(*items, (size_t)limit - 1), "id"));
			break;
		}
		json_array_append_new(*items, json_pack("{s:I, s:o, s:s, s:s, s:s?, s:I, s:o}", "id",
		                                        (json_int_t)store_col_int(st, 0), "case_id",
		                                        store_col_is_null(st, 1) ? json_null()
		                                                                 : json_integer(store_col_int(st, 1)),
		                                        "kind", store_col_text(st, 2), "title", store_col_text(st, 3),
		                                        "body", store_col_text(st, 4), "created_at",
		                                        (json_int_t)store_col_int(st, 5), "read_at",
		                                        store_col_is_null(st, 6) ? json_null()
		                                                                 : json_integer(store_col_int(st, 6))));
	}
	store_finalize(st);
	if (s != STORE_ROW && s != STORE_DONE) {
		json_decref(*items);
		*items = NULL;
		return TX_EDB;
	}
	if ((rc = store_prepare(c->db, "SELECT COUNT(*) FROM notice WHERE user_id = ? AND read_at IS NULL", &st))) {
		json_decref(*items);
		*items = NULL;
		return rc;
	}
	store_bind_int(st, 1, c->a->user_id);
	*unread = store_step(st) == STORE_ROW ? store_col_int(st, 0) : 0;
	store_finalize(st);
	return TX_OK;
}

tx_err notice_read(dctx *c, int64_t id)
{
	store_stmt *st;
	tx_err rc = store_prepare(c->db,
	                          "UPDATE notice SET read_at = COALESCE(read_at, ?) "
	                          "WHERE id = ? AND user_id = ?",
	                          &st);
	if (rc)
		return rc;
	store_bind_int(st, 1, dctx_now(c));
	store_bind_int(st, 2, id);
	store_bind_int(st, 3, c->a->user_id);
	rc = store_step(st) == STORE_DONE ? TX_OK : TX_EDB;
	store_finalize(st);
	if (!rc && store_changes(c->db) == 0)
		return dctx_fail(c, TX_ENOTFOUND, "not_found", "通知不存在", "no such notice");
	return rc;
}

tx_err notice_read_all(dctx *c)
{
	store_stmt *st;
	tx_err rc = store_prepare(c->db, "UPDATE notice SET read_at = ? WHERE user_id = ? AND read_at IS NULL", &st);
	if (rc)
		return rc;
	store_bind_int(st, 1, dctx_now(c));
	store_bind_int(st, 2, c->a->user_id);
	rc = store_step(st) == STORE_DONE ? TX_OK : TX_EDB;
	store_finalize(st);
	return rc;
}
