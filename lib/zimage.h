/*
 * Compiled zone images: the flat zone arrays (zone.h) written to one file
 * that every refract process maps read-only, so that a big zone is
 * answerable right after start and its memory is shared between the
 * processes pdns spawns.
 *
 * An image is built only by an explicit command (`refract compile`, or a
 * reload in the daemon), written to a temporary name and renamed into
 * place, so readers see the old or the new image, never a partial one.
 * At start the image is checked against the configuration (same zones,
 * ids and files) and against every file it was built from (size, mtime,
 * inode); a stale image is not used.
 *
 * The file is trusted to be one refract wrote: its header and array
 * bounds are checked, the records themselves are not (checking them would
 * touch every page at start, which is what the image avoids).
 */
#ifndef RF_ZIMAGE_H
#define RF_ZIMAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/config.h"
#include "lib/diag.h"
#include "lib/zone.h"

/**
 * Write db to path atomically (path.tmp.PID, fsync, rename).
 * @return 0, or -1 with the reason in diag.
 */
int rf_zimage_write(const struct rf_zdb *db, const char *path,
    struct rf_diag *diag);

/** Write db as an image to fd (from its current position). */
int rf_zimage_write_fd(const struct rf_zdb *db, int fd);

/**
 * Map the image at path if it was built for exactly these zones and none
 * of its source files changed since.
 * @param why receives the reason when NULL is returned
 * @return a zone set backed by the mapping (rf_zdb_free unmaps), or NULL.
 */
struct rf_zdb *rf_zimage_open(const char *path,
    const struct rf_zone_conf *zones, size_t nzones, char *why,
    size_t whylen);
/** The same for an image in fd (which the mapping keeps; fd may be
 *  closed afterwards); check_sources false skips the staleness check. */
struct rf_zdb *rf_zimage_open_fd(int fd, const struct rf_zone_conf *zones,
    size_t nzones, bool check_sources, char *why, size_t whylen);

#endif
