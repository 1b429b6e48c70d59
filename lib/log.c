/*
 * stderr logger.  One write(2) per message so that lines from several
 * refract processes sharing pdns's stderr do not interleave mid-line.
 */
#include "lib/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int log_level = RF_LOG_NOTICE;

static const char *const level_names[] = {
	"emerg", "alert", "crit", "error", "warning", "notice", "info", "debug",
};

void
rf_log_set_level(int level)
{
	log_level = level;
}

int
rf_log_get_level(void)
{
	return log_level;
}

int
rf_log_enabled(int level)
{
	return level <= log_level;
}

static void vlog(int level, int errnum, const char *fmt, va_list ap)
    RF_PRINTF(3, 0);

static void
vlog(int level, int errnum, const char *fmt, va_list ap)
{
	char line[2048];
	size_t n;
	int r;

	if (level > log_level)
		return;
	r = snprintf(line, sizeof(line), "refract[%ld]: %s: ", (long)getpid(),
	    level_names[level & 7]);
	n = r > 0 ? (size_t)r : 0;
	r = vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	if (r > 0)
		n += (size_t)r;
	if (n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	if (errnum != 0) {
		r = snprintf(line + n, sizeof(line) - n, ": %s",
		    strerror(errnum));
		if (r > 0)
			n += (size_t)r;
		if (n > sizeof(line) - 2)
			n = sizeof(line) - 2;
	}
	line[n++] = '\n';
	/* A failed log write has nowhere to be reported. */
	if (write(STDERR_FILENO, line, n) < 0)
		return;
}

void
rf_log(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(level, 0, fmt, ap);
	va_end(ap);
}

void
rf_log_errno(int level, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	vlog(level, saved, fmt, ap);
	va_end(ap);
	errno = saved;
}
