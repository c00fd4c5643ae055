/*
 * notify.h — notices inside the app, and the one interface through which a
 * deployment may send them further (SMS, mail).
 *
 * notify_user() writes a notice for a user in the caller's transaction.
 * Nothing leaves the server unless a sink is registered: a sink is a name
 * and a send function; for each registered sink notify_user() also queues
 * the notice in notice_outbox, and notify_deliver() hands queued notices
 * to their sinks and records the result. No sink is built in.
 */
#ifndef TX_DOMAIN_NOTIFY_H
#define TX_DOMAIN_NOTIFY_H

#include "domain/domain.h"

typedef struct notice_msg {
	int64_t id;
	int64_t user_id;
	const char *username;
	const char *title;
	const char *body;
} notice_msg;

typedef struct notify_sink {
	const char *name; /* "sms", "mail": the outbox column */
	/* 0 when sent; otherwise the reason, written to the outbox (static text). */
	const char *(*send)(const notice_msg *m, void *ctx);
	void *ctx;
} notify_sink;

/* Register a sink before the server starts (at most 4). */
int notify_register(const notify_sink *s);

tx_err notify_user(dctx *c, int64_t user_id, int64_t case_id, const char *kind, const char *title, const char *body);
/* Hand queued notices to the sinks; returns how many were sent. */
int notify_deliver(store *db);
/*
 * When a sink is registered, a thread with its own connection to `db_url`
 * calls notify_deliver() every 15 s until notify_stop(); without sinks
 * nothing starts. The server calls both.
 */
int notify_start(const char *db_url);
void notify_stop(void);

tx_err notice_list(dctx *c, int unread_only, int64_t after, int limit, json_t **items, int64_t *next, int64_t *unread);
tx_err notice_read(dctx *c, int64_t id);
tx_err notice_read_all(dctx *c);

#endif
