/*
 * server.h — the HTTP server: libmicrohttpd with a thread pool, one
 * database connection per worker thread, and the request pipeline.
 */
#ifndef TX_HTTP_SERVER_H
#define TX_HTTP_SERVER_H

#include "auth/keys.h"
#include "base/config.h"
#include "base/err.h"

/*
 * Serve until SIGTERM or SIGINT, then stop accepting, let requests in
 * flight finish (up to 10 s), close the database connections and return
 * TX_OK. Errors starting up (port taken, database unreachable) return an
 * error with *errmsg set (malloc'd).
 */
tx_err server_run(const config *cfg, const keys *k, char **errmsg);

#endif
