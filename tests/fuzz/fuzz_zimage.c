/*
 * libFuzzer harness for the compiled zone image (lib/zimage.c): a good
 * image of two small zones is damaged by the input and then opened.  The
 * damage goes where refract checks an image (the zone table, the zone id
 * index, the source list) or bounds its own walks (the name hash table);
 * opening must refuse the image or give a set whose lookups stay inside
 * the mapping and end (ASan and the timeout report anything else).  The
 * bulk of an image (names, records, strings) is trusted as `compile`
 * wrote it, not scanned at every start (lib/zimage.c, check_contents).
 *
 * The input is a list of patches, 8 bytes each: a little-endian u32
 * position (taken modulo the size of those tables together) and the u32
 * written there.  An opened set is then walked the way lookups walk it.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lib/config.h"
#include "lib/diag.h"
#include "lib/rrtype.h"
#include "lib/zimage.h"
#include "lib/zone.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* where the tables are: fields of struct img_hdr in lib/zimage.c */
#define HDR_HASH_OFF 64
#define HDR_ZONES_OFF 72
#define HDR_ZONE_IDS_OFF 80
#define HDR_SOURCES_OFF 88
#define HDR_NZONES 104
#define HDR_NSOURCES 108
#define HDR_HASH_SIZE 112

static struct {
	size_t off, len;
} regions[4];
static size_t regions_len;

static unsigned char *good;
static size_t good_len;
static int fd = -1;
static struct rf_zone_conf zones[2];
static char origin_a[] = "example.com", file_a[] = "a.zone";
static char origin_b[] = "example.net", file_b[] = "b.zone";
static size_t sink; /* keeps the walk from being optimised away */

static void
add(struct rf_zdb_builder *b, const char *owner, uint16_t type,
    const char *content, struct rf_diag *d)
{
	rf_zdb_builder_add(b, owner, strlen(owner), type, 60, content,
	    strlen(content), "fuzz", 1, d);
}

static uint64_t
u64(size_t off)
{
	uint64_t v;

	memcpy(&v, good + off, 8);
	return v;
}

static uint32_t
u32(size_t off)
{
	uint32_t v;

	memcpy(&v, good + off, 4);
	return v;
}

static void
setup(void)
{
	struct rf_zdb_builder *b = rf_zdb_builder_new();
	struct rf_diag d;
	struct rf_zdb *db;
	int tmp;

	rf_diag_init(&d);
	rf_zdb_builder_zone(b, "example.com", 1, "a.zone", &d);
	add(b, "example.com", RF_T_SOA, "ns. h. 1 2 3 4 5", &d);
	add(b, "example.com", RF_T_NS, "ns.example.com.", &d);
	add(b, "www.example.com", RF_T_A, "192.0.2.1", &d);
	add(b, "sub.example.com", RF_T_NS, "ns.sub.example.com.", &d);
	add(b, "ns.sub.example.com", RF_T_A, "192.0.2.2", &d);
	add(b, "a.b.c.example.com", RF_T_TXT, "\"x\"", &d);
	rf_zdb_builder_zone(b, "example.net", 7, "b.zone", &d);
	add(b, "example.net", RF_T_SOA, "ns. h. 1 2 3 4 5", &d);
	add(b, "mail.example.net", RF_T_MX, "10 mx.example.net.", &d);
	db = rf_zdb_builder_finish(b, &d);
	if (db == NULL)
		abort();
	tmp = memfd_create("fuzz-zimage-good", 0);
	if (tmp < 0 || rf_zimage_write_fd(db, tmp) < 0)
		abort();
	good_len = (size_t)lseek(tmp, 0, SEEK_END);
	good = malloc(good_len);
	if (good == NULL || good_len < 128 ||
	    pread(tmp, good, good_len, 0) != (ssize_t)good_len)
		abort();
	regions[0].off = u64(HDR_ZONES_OFF);
	regions[0].len = u32(HDR_NZONES) * sizeof(struct rf_zzone);
	regions[1].off = u64(HDR_ZONE_IDS_OFF);
	regions[1].len = u32(HDR_NZONES) * sizeof(uint32_t);
	regions[2].off = u64(HDR_SOURCES_OFF);
	regions[2].len = u32(HDR_NSOURCES) * sizeof(struct rf_zsource);
	regions[3].off = u64(HDR_HASH_OFF);
	regions[3].len = u32(HDR_HASH_SIZE) * sizeof(uint32_t);
	for (size_t i = 0; i < 4; i++) {
		if (regions[i].len < 4 ||
		    regions[i].off + regions[i].len > good_len)
			abort(); /* the layout above is out of date */
		regions_len += regions[i].len - 3;
	}
	close(tmp);
	rf_zdb_free(db);
	rf_diag_fini(&d);
	zones[0] = (struct rf_zone_conf){ .origin = origin_a, .file = file_a,
	    .id = 1 };
	zones[1] = (struct rf_zone_conf){ .origin = origin_b, .file = file_b,
	    .id = 7 };
	fd = memfd_create("fuzz-zimage", 0);
	if (fd < 0)
		abort();
}

/* Walk everything the lookups and listings would. */
static size_t
walk(const struct rf_zdb *db)
{
	static const char *const names[] = { "www.example.com",
	    "nope.example.com", "x.sub.example.com", "example.net",
	    "a.b.c.example.com", "org" };
	size_t sum = 0, i, k;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t len = strlen(names[i]);
		uint32_t n = rf_zdb_find(db, names[i], len, RF_ZNONE);

		sum += rf_zdb_zone_for(db, names[i], len);
		if (n == RF_ZNONE)
			continue;
		for (k = 0; k < db->names[n].count; k++) {
			const struct rf_zrec *r =
			    &db->recs[db->byname[db->names[n].first + k]];

			sum += strlen(rf_zdb_rec_content(db, r));
		}
	}
	for (i = 0; i < db->nzones; i++) {
		const struct rf_zzone *z = &db->zones[db->zone_ids[i]];

		sum += rf_zdb_zone_by_id(db, z->id);
		sum += strlen(rf_zdb_name_text(db, &db->names[z->apex]));
		sum += strlen(rf_zdb_rec_content(db, &db->recs[z->soa]));
		for (k = 0; k < z->nrecs; k++) {
			const struct rf_zrec *r = &db->recs[z->first_rec + k];

			sum += strlen(rf_zdb_name_text(db,
			    &db->names[r->name]));
			sum += strlen(rf_zdb_rec_content(db, r));
		}
	}
	return sum;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *img;
	struct rf_zdb *db;
	char why[256];
	size_t i;

	if (fd < 0)
		setup();
	img = malloc(good_len);
	if (img == NULL)
		abort();
	memcpy(img, good, good_len);
	for (i = 0; i + 8 <= size; i += 8) {
		uint32_t pos, val;
		size_t k = 0;

		memcpy(&pos, data + i, 4);
		memcpy(&val, data + i + 4, 4);
		pos %= (uint32_t)regions_len;
		while (pos >= regions[k].len - 3)
			pos -= (uint32_t)(regions[k++].len - 3);
		memcpy(img + regions[k].off + pos, &val, 4);
	}
	if (ftruncate(fd, 0) < 0 ||
	    pwrite(fd, img, good_len, 0) != (ssize_t)good_len)
		abort();
	free(img);
	db = rf_zimage_open_fd(fd, zones, 2, false, why, sizeof(why));
	if (db != NULL) {
		sink += walk(db);
		rf_zdb_free(db);
	}
	return 0;
}
