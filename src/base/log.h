/*
 * log.h — one-line logs on stderr.
 *
 * Format: `2026-11-26T08:00:00Z LEVEL message`. Thread-safe (one write()
 * per line). Never log a secret: passwords, tokens, keys and sensitive
 * personal fields stay out of every log line.
 */
#ifndef TX_BASE_LOG_H
#define TX_BASE_LOG_H

typedef enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR } log_level;

void log_set_level(log_level lv);
void log_msg(log_level lv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

#endif
