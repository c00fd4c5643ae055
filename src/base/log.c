/*
 * log.c — stderr logger (see log.h).
 *
 * Access lines are gathered in one buffer and written together: when it
 * is full, at log_flush() (the server calls it every 200 ms and when it
 * stops) and before any other line, so lines still reach the log in the
 * order they were made. One write() a request was an eighth of a short
 * request's CPU time.
 */
#include "base/log.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"

static volatile log_level log_min = LOG_INFO;

static pthread_mutex_t pending_mu = PTHREAD_MUTEX_INITIALIZER;
static char pending[16384]; /* access lines not yet written */
static size_t pending_len;

void log_set_level(log_level lv)
{
	log_min = lv;
}

/* `2026-11-26T08:00:00Z LEVEL message\n` into line; returns its length. */
static size_t format_line(char *line, size_t cap, log_level lv, const char *fmt, va_list ap)
{
	static const char *names[] = {"DEBUG", "INFO", "WARN", "ERROR"};
	char ts[32];
	util_iso_time(util_now(), ts, sizeof ts);
	int n = snprintf(line, cap, "%s %s ", ts, names[lv]);
	int m = vsnprintf(line + n, cap - (size_t)n - 1, fmt, ap);
	size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
	if (len > cap - 2)
		len = cap - 2;
	/* Control characters from input never reach the terminal raw. */
	for (size_t i = (size_t)n; i < len; i++)
		if ((unsigned char)line[i] < 0x20)
			line[i] = ' ';
	line[len++] = '\n';
	return len;
}

static void write_all(const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(2, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

/* With pending_mu held. */
static void flush_pending(void)
{
	write_all(pending, pending_len);
	pending_len = 0;
}

void log_msg(log_level lv, const char *fmt, ...)
{
	if (lv < log_min)
		return;
	char line[2048];
	va_list ap;
	va_start(ap, fmt);
	size_t len = format_line(line, sizeof line, lv, fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&pending_mu);
	flush_pending();
	write_all(line, len);
	pthread_mutex_unlock(&pending_mu);
}

void log_access(const char *fmt, ...)
{
	if (LOG_INFO < log_min)
		return;
	char line[2048];
	va_list ap;
	va_start(ap, fmt);
	size_t len = format_line(line, sizeof line, LOG_INFO, fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&pending_mu);
	if (pending_len + len > sizeof pending)
		flush_pending();
	memcpy(pending + pending_len, line, len);
	pending_len += len;
	pthread_mutex_unlock(&pending_mu);
}

void log_flush(void)
{
	pthread_mutex_lock(&pending_mu);
	flush_pending();
	pthread_mutex_unlock(&pending_mu);
}
