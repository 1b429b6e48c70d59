/*
 * Logging to stderr (pdns inherits our stderr and owns stdout).
 *
 * Levels follow syslog.  The default threshold is RF_LOG_NOTICE; each -v
 * on the command line raises it by one.  Per-query lines are debug only.
 */
#ifndef RF_LOG_H
#define RF_LOG_H

#include "lib/util.h"

enum rf_log_level {
	RF_LOG_ERR = 3,
	RF_LOG_WARNING = 4,
	RF_LOG_NOTICE = 5,
	RF_LOG_INFO = 6,
	RF_LOG_DEBUG = 7,
};

/** Set the highest level that is printed. */
void rf_log_set_level(int level);
int rf_log_get_level(void);
/** True when messages at this level would be printed. */
int rf_log_enabled(int level);
void rf_log(int level, const char *fmt, ...) RF_PRINTF(2, 3);
/** As rf_log, with ": strerror(errno)" appended. */
void rf_log_errno(int level, const char *fmt, ...) RF_PRINTF(2, 3);

#define rf_err(...)    rf_log(RF_LOG_ERR, __VA_ARGS__)
#define rf_warn(...)   rf_log(RF_LOG_WARNING, __VA_ARGS__)
#define rf_notice(...) rf_log(RF_LOG_NOTICE, __VA_ARGS__)
#define rf_info(...)   rf_log(RF_LOG_INFO, __VA_ARGS__)
#define rf_debug(...)                                                   \
	do {                                                            \
		if (rf_log_enabled(RF_LOG_DEBUG))                       \
			rf_log(RF_LOG_DEBUG, __VA_ARGS__);              \
	} while (0)

#endif
