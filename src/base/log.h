/*
 * log.h — one-line logs on stderr.
 *
 * Format: `2026-11-26T08:00:00Z LEVEL message`. Thread-safe (one write()
 * per line). Never log a secret: passwords, tokens, keys and sensitive
 * personal fields stay out of every log line.
 *
 * log_access() writes an INFO line later, with others: when its buffer
 * (16 KiB) is full, at log_flush() and before the next log_msg() line.
 * A process that uses it calls log_flush() now and then and before it
 * exits (the server: every 200 ms).
 */
#ifndef TX_BASE_LOG_H
#define TX_BASE_LOG_H

typedef enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR } log_level;

void log_set_level(log_level lv);
void log_msg(log_level lv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_access(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_flush(void);

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

#endif
