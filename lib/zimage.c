/*
 * Zone image file: a header, then the arrays of struct rf_zdb, each
 * 8-byte aligned, in host byte order (an image is a cache for this
 * machine, not an interchange format).
 */
#include "lib/zimage.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/util.h"

#define IMG_MAGIC   "RFZIMG\r\n"
#define IMG_VERSION 1
#define IMG_ENDIAN  0x01020304u

struct img_hdr {
	char magic[8];
	uint32_t version;
	uint32_t endian;
	uint64_t file_size;
	uint64_t strings_off, strings_len;
	uint64_t recs_off, names_off, byname_off, hash_off, zones_off;
	uint64_t zone_ids_off, sources_off;
	uint32_t nrecs, nnames, nzones, nsources;
	uint32_t hash_size;
	uint32_t hdr_hash; /* rf_hash of the header with this field 0 */
};

struct mapping {
	void *base;
	size_t len;
};

static uint64_t
align8(uint64_t v)
{
	return (v + 7) & ~(uint64_t)7;
}

static int
write_all(int fd, const void *p, size_t len)
{
	const char *c = p;

	while (len > 0) {
		ssize_t n = write(fd, c, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		c += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
write_padded(int fd, const void *p, size_t len, uint64_t *pos)
{
	static const char zeros[8];
	uint64_t end = align8(*pos + len);

	if (len > 0 && write_all(fd, p, len) < 0)
		return -1;
	if (end - *pos - len > 0 &&
	    write_all(fd, zeros, (size_t)(end - *pos - len)) < 0)
		return -1;
	*pos = end;
	return 0;
}

/* The header describing db's arrays, laid out one after the other. */
static void
layout(const struct rf_zdb *db, struct img_hdr *h)
{
	uint64_t pos;

	memset(h, 0, sizeof(*h));
	memcpy(h->magic, IMG_MAGIC, 8);
	h->version = IMG_VERSION;
	h->endian = IMG_ENDIAN;
	h->nrecs = db->nrecs;
	h->nnames = db->nnames;
	h->nzones = db->nzones;
	h->nsources = db->nsources;
	h->hash_size = db->hash_mask + 1;
	h->strings_len = db->strings_len;
	pos = align8(sizeof(*h));
	h->strings_off = pos;
	pos = align8(pos + db->strings_len);
	h->recs_off = pos;
	pos = align8(pos + (uint64_t)db->nrecs * sizeof(*db->recs));
	h->names_off = pos;
	pos = align8(pos + (uint64_t)db->nnames * sizeof(*db->names));
	h->byname_off = pos;
	pos = align8(pos + (uint64_t)db->nrecs * sizeof(*db->byname));
	h->hash_off = pos;
	pos = align8(pos + (uint64_t)h->hash_size * sizeof(*db->hash));
	h->zones_off = pos;
	pos = align8(pos + (uint64_t)db->nzones * sizeof(*db->zones));
	h->zone_ids_off = pos;
	pos = align8(pos + (uint64_t)db->nzones * sizeof(*db->zone_ids));
	h->sources_off = pos;
	pos = align8(pos + (uint64_t)db->nsources * sizeof(*db->sources));
	h->file_size = pos;
	h->hdr_hash = rf_hash(h, sizeof(*h));
}

int
rf_zimage_write_fd(const struct rf_zdb *db, int fd)
{
	struct img_hdr h;
	uint64_t pos = 0;

	layout(db, &h);
	if (write_padded(fd, &h, sizeof(h), &pos) < 0 ||
	    write_padded(fd, db->strings, (size_t)db->strings_len, &pos) < 0 ||
	    write_padded(fd, db->recs, db->nrecs * sizeof(*db->recs), &pos) <
	    0 ||
	    write_padded(fd, db->names, db->nnames * sizeof(*db->names),
	    &pos) < 0 ||
	    write_padded(fd, db->byname, db->nrecs * sizeof(*db->byname),
	    &pos) < 0 ||
	    write_padded(fd, db->hash, (size_t)h.hash_size * sizeof(*db->hash),
	    &pos) < 0 ||
	    write_padded(fd, db->zones, db->nzones * sizeof(*db->zones),
	    &pos) < 0 ||
	    write_padded(fd, db->zone_ids, db->nzones * sizeof(*db->zone_ids),
	    &pos) < 0 ||
	    write_padded(fd, db->sources, db->nsources * sizeof(*db->sources),
	    &pos) < 0)
		return -1;
	return 0;
}

int
rf_zimage_write(const struct rf_zdb *db, const char *path,
    struct rf_diag *diag)
{
	char *tmp;
	size_t tlen = strlen(path) + 32;
	int fd;

	tmp = rf_xmalloc(tlen);
	snprintf(tmp, tlen, "%s.tmp.%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		rf_diag_add(diag, tmp, 0, "cannot create: %s", strerror(errno));
		free(tmp);
		return -1;
	}
	if (rf_zimage_write_fd(db, fd) < 0 || fsync(fd) < 0) {
		rf_diag_add(diag, tmp, 0, "cannot write: %s", strerror(errno));
		goto fail;
	}
	if (close(fd) < 0) {
		fd = -1;
		rf_diag_add(diag, tmp, 0, "cannot write: %s", strerror(errno));
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) < 0) {
		rf_diag_add(diag, path, 0, "cannot rename %s into place: %s",
		    tmp, strerror(errno));
		goto fail;
	}
	free(tmp);
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	return -1;
}

static void
release_mapping(struct rf_zdb *db)
{
	struct mapping *m = db->owned;

	munmap(m->base, m->len);
	free(m);
}

static int
in_file(const struct img_hdr *h, uint64_t off, uint64_t count, size_t size)
{
	return off % 8 == 0 && off <= h->file_size &&
	    count <= (h->file_size - off) / (size ? size : 1);
}

/* A string of the image: inside the string area, NUL after it. */
static bool
good_str(const struct rf_zdb *db, uint64_t off, uint64_t len)
{
	return off < db->strings_len && len < db->strings_len - off &&
	    db->strings[off + len] == '\0';
}

/*
 * The tables every start reads first, checked: an image is a file, and a
 * damaged or hand-made one must be refused rather than followed out of
 * the mapping.  The bulk (names, records, their strings: most of the
 * file) is not scanned: that would touch every page of it and make each
 * of the processes pdns starts at once take its share of a 100 MB read
 * (see bench/README.md); the header check, `compile` writing by rename
 * and the hash lookups' own bounds (rf_zdb_find) stand for it.
 * @return NULL, or what is wrong.
 */
static const char *
check_contents(const struct rf_zdb *db)
{
	uint64_t i;

	for (i = 0; i < db->nzones; i++) {
		const struct rf_zzone *z = &db->zones[i];

		if (z->apex >= db->nnames ||
		    db->names[z->apex].text_len > RF_NAME_TEXT_MAX ||
		    !good_str(db, db->names[z->apex].text,
		    db->names[z->apex].text_len) ||
		    z->soa >= db->nrecs || z->first_rec > db->nrecs ||
		    z->nrecs > db->nrecs - z->first_rec ||
		    !good_str(db, z->file, z->file_len) ||
		    db->zone_ids[i] >= db->nzones ||
		    (i > 0 && db->zones[db->zone_ids[i - 1]].id >=
		    db->zones[db->zone_ids[i]].id))
			return "a zone entry";
	}
	for (i = 0; i < db->nsources; i++)
		if (!good_str(db, db->sources[i].path, db->sources[i].path_len))
			return "a source entry";
	return NULL;
}

/* Is the image built for exactly these zones? */
static int
same_zones(const struct rf_zdb *db, const struct rf_zone_conf *zones,
    size_t nzones, char *why, size_t whylen)
{
	size_t i;

	if (db->nzones != nzones) {
		snprintf(why, whylen, "it holds %u zones, the configuration "
		    "%zu", (unsigned)db->nzones, nzones);
		return 0;
	}
	for (i = 0; i < nzones; i++) {
		uint32_t zi = rf_zdb_zone_by_id(db, zones[i].id);
		const struct rf_zzone *z;
		const struct rf_zname *apex;

		if (zi == RF_ZNONE) {
			snprintf(why, whylen, "zone id %d is not in it",
			    (int)zones[i].id);
			return 0;
		}
		z = &db->zones[zi];
		apex = &db->names[z->apex];
		if (apex->text_len != strlen(zones[i].origin) ||
		    memcmp(rf_zdb_name_text(db, apex), zones[i].origin,
		    apex->text_len) != 0 ||
		    z->file_len != strlen(zones[i].file) ||
		    memcmp(db->strings + z->file, zones[i].file, z->file_len) !=
		    0) {
			snprintf(why, whylen, "zone id %d is '%s' from %s "
			    "there", (int)zones[i].id,
			    rf_zdb_name_text(db, apex), db->strings + z->file);
			return 0;
		}
	}
	return 1;
}

/* Has any source file changed since the image was built? */
static int
sources_unchanged(const struct rf_zdb *db, char *why, size_t whylen)
{
	uint32_t i;

	for (i = 0; i < db->nsources; i++) {
		const struct rf_zsource *src = &db->sources[i];
		const char *path = db->strings + src->path;
		struct stat st;

		if (stat(path, &st) < 0) {
			snprintf(why, whylen, "%s: %s", path, strerror(errno));
			return 0;
		}
		if ((uint64_t)st.st_size != src->size ||
		    (int64_t)st.st_mtim.tv_sec != src->mtime_sec ||
		    (int64_t)st.st_mtim.tv_nsec != src->mtime_nsec ||
		    (uint64_t)st.st_ino != src->ino) {
			snprintf(why, whylen, "%s changed since it was built",
			    path);
			return 0;
		}
	}
	return 1;
}

struct rf_zdb *
rf_zimage_open(const char *path, const struct rf_zone_conf *zones,
    size_t nzones, char *why, size_t whylen)
{
	struct rf_zdb *db;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, whylen, "%s", strerror(errno));
		return NULL;
	}
	db = rf_zimage_open_fd(fd, zones, nzones, true, why, whylen);
	close(fd);
	return db;
}

struct rf_zdb *
rf_zimage_open_fd(int fd, const struct rf_zone_conf *zones, size_t nzones,
    bool check_sources, char *why, size_t whylen)
{
	struct img_hdr h, hcopy;
	struct stat st;
	struct rf_zdb *db;
	struct mapping *m;
	const char *bad;
	void *base;

	if (fstat(fd, &st) < 0 || (size_t)st.st_size < sizeof(h)) {
		snprintf(why, whylen, "not a zone image");
		return NULL;
	}
	base = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	if (base == MAP_FAILED) {
		snprintf(why, whylen, "mmap: %s", strerror(errno));
		return NULL;
	}
	memcpy(&h, base, sizeof(h));
	hcopy = h;
	hcopy.hdr_hash = 0;
	if (memcmp(h.magic, IMG_MAGIC, 8) != 0 ||
	    h.version != IMG_VERSION || h.endian != IMG_ENDIAN ||
	    rf_hash(&hcopy, sizeof(hcopy)) != h.hdr_hash ||
	    h.file_size != (uint64_t)st.st_size ||
	    (h.hash_size & (h.hash_size - 1)) != 0 || h.hash_size == 0 ||
	    !in_file(&h, h.strings_off, h.strings_len, 1) ||
	    !in_file(&h, h.recs_off, h.nrecs, sizeof(struct rf_zrec)) ||
	    !in_file(&h, h.names_off, h.nnames, sizeof(struct rf_zname)) ||
	    !in_file(&h, h.byname_off, h.nrecs, sizeof(uint32_t)) ||
	    !in_file(&h, h.hash_off, h.hash_size, sizeof(uint32_t)) ||
	    !in_file(&h, h.zones_off, h.nzones, sizeof(struct rf_zzone)) ||
	    !in_file(&h, h.zone_ids_off, h.nzones, sizeof(uint32_t)) ||
	    !in_file(&h, h.sources_off, h.nsources,
	    sizeof(struct rf_zsource)) || h.nnames >= h.hash_size) {
		snprintf(why, whylen, "not a zone image of this refract "
		    "version, or damaged");
		munmap(base, (size_t)st.st_size);
		return NULL;
	}
	m = rf_xmalloc(sizeof(*m));
	m->base = base;
	m->len = (size_t)st.st_size;
	db = rf_xcalloc(1, sizeof(*db));
	db->strings = (const char *)base + h.strings_off;
	db->strings_len = h.strings_len;
	db->recs = (const void *)((const char *)base + h.recs_off);
	db->names = (const void *)((const char *)base + h.names_off);
	db->byname = (const void *)((const char *)base + h.byname_off);
	db->hash = (const void *)((const char *)base + h.hash_off);
	db->zones = (const void *)((const char *)base + h.zones_off);
	db->zone_ids = (const void *)((const char *)base + h.zone_ids_off);
	db->sources = (const void *)((const char *)base + h.sources_off);
	db->nrecs = h.nrecs;
	db->nnames = h.nnames;
	db->nzones = h.nzones;
	db->nsources = h.nsources;
	db->hash_mask = h.hash_size - 1;
	db->owned = m;
	db->release = release_mapping;
	if ((bad = check_contents(db)) != NULL) {
		snprintf(why, whylen, "damaged zone image (%s)", bad);
		rf_zdb_free(db);
		return NULL;
	}
	if (!same_zones(db, zones, nzones, why, whylen) ||
	    (check_sources && !sources_unchanged(db, why, whylen))) {
		rf_zdb_free(db);
		return NULL;
	}
	rf_zdb_index_apexes(db);
	/* start reading it in the background; queries need not wait */
	madvise(base, m->len, MADV_WILLNEED);
	return db;
}
