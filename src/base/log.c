/*
 * log.c — stderr logger (see log.h).
 */
#include "base/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "base/util.h"

static volatile log_level log_min = LOG_INFO;

void log_set_level(log_level lv)
{
	log_min = lv;
}

void log_msg(log_level lv, const char *fmt, ...)
{
	static const char *names[] = {"DEBUG", "INFO", "WARN", "ERROR"};
	if (lv < log_min)
		return;
	char line[2048];
	char ts[32];
	util_iso_time(util_now(), ts, sizeof ts);
	int n = snprintf(line, sizeof line, "%s %s ", ts, names[lv]);
	va_list ap;
	va_start(ap, fmt);
	int m = vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
	va_end(ap);
	size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
	if (len > sizeof line - 2)
		len = sizeof line - 2;
	/* Control characters from input never reach the terminal raw. */
	for (size_t i = (size_t)n; i < len; i++)
		if ((unsigned char)line[i] < 0x20)
			line[i] = ' ';
	line[len++] = '\n';
	ssize_t w = write(2, line, len);
	(void)w;
}
