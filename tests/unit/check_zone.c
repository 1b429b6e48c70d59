/*
 * Unit tests for lib/zone.c: building, flags (cuts, glue, ENTs, auth) and
 * lookups, using the builder directly (no zone files).
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "lib/config.h"
#include "lib/rrtype.h"
#include "lib/zimage.h"
#include "lib/zone.h"

static void
add(struct rf_zdb_builder *b, const char *owner, uint16_t type,
    const char *content, struct rf_diag *d)
{
	ck_assert_int_eq(rf_zdb_builder_add(b, owner, strlen(owner), type, 300,
	    content, strlen(content), "t.zone", 1, d), 0);
}

static const char soa[] = "ns.x. h.x. 2024010101 1 2 3 4";

/* example.com with a delegation, glue, a DS, an ENT and a wildcard; and
 * the child zone sub.example.com loaded as well. */
static struct rf_zdb *
build(void)
{
	struct rf_zdb_builder *b = rf_zdb_builder_new();
	struct rf_diag d;
	struct rf_zdb *db;

	rf_diag_init(&d);
	ck_assert_int_eq(rf_zdb_builder_zone(b, "example.com", 1, "t.zone",
	    &d), 0);
	add(b, "www.example.com", RF_T_A, "192.0.2.1", &d);
	add(b, "example.com", RF_T_NS, "ns1.example.com.", &d);
	add(b, "example.com", RF_T_SOA, soa, &d); /* moved first */
	add(b, "sub.example.com", RF_T_NS, "ns.sub.example.com.", &d);
	add(b, "sub.example.com", RF_T_DS, "1 13 2 00", &d);
	add(b, "ns.sub.example.com", RF_T_A, "192.0.2.77", &d);
	add(b, "deep.ns.sub.example.com", RF_T_A, "192.0.2.78", &d);
	add(b, "x.y.z.example.com", RF_T_TXT, "\"hi\"", &d);
	add(b, "*.wild.example.com", RF_T_A, "192.0.2.99", &d);
	ck_assert_int_eq(rf_zdb_builder_zone(b, "sub.example.com", 2,
	    "sub.zone", &d), 0);
	add(b, "sub.example.com", RF_T_SOA, soa, &d);
	add(b, "sub.example.com", RF_T_NS, "ns.sub.example.com.", &d);
	add(b, "ns.sub.example.com", RF_T_A, "192.0.2.77", &d);
	db = rf_zdb_builder_finish(b, &d);
	ck_assert_uint_eq(d.count, 0);
	ck_assert_ptr_nonnull(db);
	rf_diag_fini(&d);
	return db;
}

static const struct rf_zname *
find(const struct rf_zdb *db, const char *name, uint32_t zone)
{
	uint32_t i = rf_zdb_find(db, name, strlen(name), zone);

	return i == RF_ZNONE ? NULL : &db->names[i];
}

static const struct rf_zrec *
rec(const struct rf_zdb *db, const struct rf_zname *n, uint32_t k)
{
	ck_assert_uint_lt(k, n->count);
	return &db->recs[db->byname[n->first + k]];
}

START_TEST(soa_first_and_order)
{
	struct rf_zdb *db = build();
	const struct rf_zzone *z = &db->zones[rf_zdb_zone_by_id(db, 1)];

	ck_assert_uint_eq(z->nrecs, 9);
	ck_assert_uint_eq(db->recs[z->first_rec].type, RF_T_SOA);
	ck_assert_uint_eq(z->soa, z->first_rec);
	/* the rest keeps file order */
	ck_assert_uint_eq(db->recs[z->first_rec + 1].type, RF_T_A);
	ck_assert_uint_eq(db->recs[z->first_rec + 2].type, RF_T_NS);
	ck_assert_uint_eq(z->serial, 2024010101);
	rf_zdb_free(db);
}
END_TEST

/* An RRset holds each record once (RFC 2181 §5): a repeated record is
 * left out, one that differs in type, content or zone is not. */
START_TEST(duplicates_left_out)
{
	struct rf_zdb_builder *b = rf_zdb_builder_new();
	const struct rf_zname *n;
	struct rf_diag d;
	struct rf_zdb *db;
	char owner[32];
	int i;

	rf_diag_init(&d);
	ck_assert_int_eq(rf_zdb_builder_zone(b, "example.com", 1, "t.zone",
	    &d), 0);
	add(b, "example.com", RF_T_SOA, soa, &d);
	add(b, "www.example.com", RF_T_A, "192.0.2.1", &d);
	add(b, "www.example.com", RF_T_A, "192.0.2.1", &d);
	add(b, "www.example.com", RF_T_A, "192.0.2.2", &d);
	add(b, "www.example.com", RF_T_TXT, "192.0.2.1", &d);
	/* enough records to grow the table while it is in use */
	for (i = 0; i < 3000; i++) {
		snprintf(owner, sizeof(owner), "h%d.example.com", i % 1000);
		add(b, owner, RF_T_A, "192.0.2.9", &d);
	}
	add(b, "www.example.com", RF_T_A, "192.0.2.1", &d);
	ck_assert_int_eq(rf_zdb_builder_zone(b, "sub.example.com", 2,
	    "sub.zone", &d), 0);
	add(b, "sub.example.com", RF_T_SOA, soa, &d);
	db = rf_zdb_builder_finish(b, &d);
	ck_assert_uint_eq(d.count, 0);
	ck_assert_ptr_nonnull(db);
	n = find(db, "www.example.com", RF_ZNONE);
	ck_assert_ptr_nonnull(n);
	ck_assert_uint_eq(n->count, 3);
	ck_assert_str_eq(rf_zdb_rec_content(db, rec(db, n, 0)), "192.0.2.1");
	ck_assert_str_eq(rf_zdb_rec_content(db, rec(db, n, 1)), "192.0.2.2");
	ck_assert_uint_eq(rec(db, n, 2)->type, RF_T_TXT);
	n = find(db, "h7.example.com", RF_ZNONE);
	ck_assert_ptr_nonnull(n);
	ck_assert_uint_eq(n->count, 1);
	/* the same SOA text in another zone is that zone's own */
	ck_assert_uint_eq(db->zones[rf_zdb_zone_by_id(db, 2)].nrecs, 1);
	ck_assert_uint_eq(db->zones[rf_zdb_zone_by_id(db, 1)].nrecs, 1004);
	rf_zdb_free(db);
	rf_diag_fini(&d);
}
END_TEST

static void
add_ttl(struct rf_zdb_builder *b, const char *owner, uint16_t type,
    uint32_t ttl, const char *content, struct rf_diag *d)
{
	ck_assert_int_eq(rf_zdb_builder_add(b, owner, strlen(owner), type, ttl,
	    content, strlen(content), "t.zone", 1, d), 0);
}

/* RFC 2181 §5.2: an RRset's records get its lowest TTL; other types and
 * RRSIGs keep theirs. */
START_TEST(rrset_ttls_uniform)
{
	struct rf_zdb_builder *b = rf_zdb_builder_new();
	const struct rf_zname *n;
	struct rf_diag d;
	struct rf_zdb *db;
	uint32_t k;

	rf_diag_init(&d);
	ck_assert_int_eq(rf_zdb_builder_zone(b, "example.com", 1, "t.zone",
	    &d), 0);
	add(b, "example.com", RF_T_SOA, soa, &d);
	add_ttl(b, "www.example.com", RF_T_A, 300, "192.0.2.1", &d);
	add_ttl(b, "www.example.com", RF_T_A, 120, "192.0.2.2", &d);
	add_ttl(b, "www.example.com", RF_T_AAAA, 600, "2001:db8::1", &d);
	add_ttl(b, "www.example.com", RF_T_RRSIG, 300,
	    "A 13 3 300 20300101000000 20200101000000 1 example.com. AA==", &d);
	add_ttl(b, "www.example.com", RF_T_RRSIG, 600,
	    "AAAA 13 3 600 20300101000000 20200101000000 1 example.com. AA==",
	    &d);
	db = rf_zdb_builder_finish(b, &d);
	ck_assert_uint_eq(d.count, 0);
	ck_assert_ptr_nonnull(db);
	n = find(db, "www.example.com", RF_ZNONE);
	ck_assert_ptr_nonnull(n);
	ck_assert_uint_eq(n->count, 5);
	for (k = 0; k < n->count; k++) {
		const struct rf_zrec *r = rec(db, n, k);

		if (r->type == RF_T_A)
			ck_assert_uint_eq(r->ttl, 120);
		else if (r->type == RF_T_AAAA)
			ck_assert_uint_eq(r->ttl, 600);
	}
	ck_assert_uint_eq(rec(db, n, 3)->ttl, 300); /* the RRSIGs as given */
	ck_assert_uint_eq(rec(db, n, 4)->ttl, 600);
	rf_zdb_free(db);
	rf_diag_fini(&d);
}
END_TEST

START_TEST(lookups)
{
	struct rf_zdb *db = build();
	const struct rf_zname *n;

	n = find(db, "www.example.com", RF_ZNONE);
	ck_assert_ptr_nonnull(n);
	ck_assert_uint_eq(n->count, 1);
	ck_assert_str_eq(rf_zdb_rec_content(db, rec(db, n, 0)), "192.0.2.1");
	ck_assert_ptr_null(find(db, "nope.example.com", RF_ZNONE));
	ck_assert_ptr_null(find(db, "www.example.org", RF_ZNONE));
	/* zone finding: deepest apex at or above the name */
	ck_assert_uint_eq(db->zones[rf_zdb_zone_for(db, "a.b.example.com",
	    15)].id, 1);
	ck_assert_uint_eq(db->zones[rf_zdb_zone_for(db, "x.sub.example.com",
	    17)].id, 2);
	ck_assert_uint_eq(db->zones[rf_zdb_zone_for(db, "sub.example.com",
	    15)].id, 2);
	ck_assert_uint_eq(rf_zdb_zone_for(db, "example.org", 11), RF_ZNONE);
	ck_assert_uint_eq(rf_zdb_zone_by_id(db, 3), RF_ZNONE);
	rf_zdb_free(db);
}
END_TEST

START_TEST(delegation_flags)
{
	struct rf_zdb *db = build();
	uint32_t parent = rf_zdb_zone_by_id(db, 1);
	uint32_t child = rf_zdb_zone_by_id(db, 2);
	const struct rf_zname *n;

	/* in the parent: the cut, NS auth 0, DS auth 1 */
	n = find(db, "sub.example.com", parent);
	ck_assert_ptr_nonnull(n);
	ck_assert(n->flags & RF_ZNAME_CUT);
	ck_assert_uint_eq(rec(db, n, 0)->type, RF_T_NS);
	ck_assert_uint_eq(rec(db, n, 0)->flags & RF_ZREC_AUTH, 0);
	ck_assert_uint_eq(rec(db, n, 1)->type, RF_T_DS);
	ck_assert_uint_eq(rec(db, n, 1)->flags & RF_ZREC_AUTH, RF_ZREC_AUTH);
	/* glue, also two levels below the cut */
	n = find(db, "ns.sub.example.com", parent);
	ck_assert(n->flags & RF_ZNAME_BELOW);
	ck_assert_uint_eq(rec(db, n, 0)->flags & RF_ZREC_AUTH, 0);
	n = find(db, "deep.ns.sub.example.com", parent);
	ck_assert(n->flags & RF_ZNAME_BELOW);
	/* in the child: the apex and ordinary authoritative data */
	n = find(db, "sub.example.com", child);
	ck_assert(n->flags & RF_ZNAME_APEX);
	ck_assert_uint_eq(rec(db, n, 0)->flags & RF_ZREC_AUTH, RF_ZREC_AUTH);
	n = find(db, "ns.sub.example.com", child);
	ck_assert_uint_eq(n->flags & RF_ZNAME_BELOW, 0);
	ck_assert_uint_eq(rec(db, n, 0)->flags & RF_ZREC_AUTH, RF_ZREC_AUTH);
	/* without a zone, the deepest zone's entry is found */
	ck_assert_ptr_eq(find(db, "ns.sub.example.com", RF_ZNONE),
	    find(db, "ns.sub.example.com", child));
	/* the apex NS is authoritative */
	n = find(db, "example.com", parent);
	ck_assert_uint_eq(rec(db, n, 1)->type, RF_T_NS);
	ck_assert_uint_eq(rec(db, n, 1)->flags & RF_ZREC_AUTH, RF_ZREC_AUTH);
	rf_zdb_free(db);
}
END_TEST

START_TEST(empty_non_terminals)
{
	struct rf_zdb *db = build();
	const struct rf_zname *n;

	n = find(db, "y.z.example.com", RF_ZNONE);
	ck_assert_ptr_nonnull(n);
	ck_assert(n->flags & RF_ZNAME_ENT);
	ck_assert_uint_eq(n->count, 0);
	ck_assert(find(db, "z.example.com", RF_ZNONE)->flags & RF_ZNAME_ENT);
	ck_assert(find(db, "wild.example.com", RF_ZNONE)->flags &
	    RF_ZNAME_ENT);
	ck_assert_uint_eq(find(db, "x.y.z.example.com", RF_ZNONE)->flags &
	    RF_ZNAME_ENT, 0);
	rf_zdb_free(db);
}
END_TEST

START_TEST(errors)
{
	struct rf_zdb_builder *b = rf_zdb_builder_new();
	struct rf_diag d;

	rf_diag_init(&d);
	ck_assert_int_eq(rf_zdb_builder_zone(b, "a.test", 1, "a.zone", &d), 0);
	ck_assert_int_eq(rf_zdb_builder_add(b, "www.b.test", 10, RF_T_A, 1,
	    "1.2.3.4", 7, "a.zone", 3, &d), -1);
	ck_assert_int_eq(rf_zdb_builder_add(b, "x.a.test", 8, RF_T_SOA, 1,
	    soa, strlen(soa), "a.zone", 4, &d), -1);
	ck_assert_int_eq(rf_zdb_builder_add(b, "c.a.test", 8, RF_T_CNAME, 1,
	    "x.", 2, "a.zone", 5, &d), 0);
	ck_assert_int_eq(rf_zdb_builder_add(b, "c.a.test", 8, RF_T_TXT, 1,
	    "\"x\"", 3, "a.zone", 6, &d), 0);
	ck_assert_int_eq(rf_zdb_builder_zone(b, "a.test", 2, "b.zone", &d),
	    -1);
	ck_assert_int_eq(rf_zdb_builder_zone(b, "b.test", 1, "b.zone", &d),
	    -1);
	ck_assert_ptr_null(rf_zdb_builder_finish(b, &d));
	ck_assert_uint_eq(d.count, 6);
	ck_assert_str_eq(d.msgs[0],
	    "a.zone:3: 'www.b.test' is outside the zone 'a.test'");
	ck_assert_str_eq(d.msgs[1], "a.zone:4: SOA record not at the zone apex");
	ck_assert_str_eq(d.msgs[2], "b.zone: zone 'a.test' is loaded twice");
	ck_assert_str_eq(d.msgs[3],
	    "b.zone: zone id 1 of 'b.test' is already used by 'a.test'");
	ck_assert_str_eq(d.msgs[4], "a.zone: zone 'a.test' has no SOA record");
	ck_assert_str_eq(d.msgs[5],
	    "a.zone:5: CNAME at 'c.a.test' next to other data (TXT)");
	rf_diag_fini(&d);
}
END_TEST

START_TEST(root_zone)
{
	struct rf_zdb_builder *b = rf_zdb_builder_new();
	struct rf_diag d;
	struct rf_zdb *db;

	rf_diag_init(&d);
	ck_assert_int_eq(rf_zdb_builder_zone(b, "", 5, "root.zone", &d), 0);
	add(b, "", RF_T_SOA, soa, &d);
	add(b, "com", RF_T_NS, "a.gtld.", &d);
	db = rf_zdb_builder_finish(b, &d);
	ck_assert_ptr_nonnull(db);
	ck_assert_uint_eq(rf_zdb_zone_for(db, "www.example.com", 15), 0);
	ck_assert(find(db, "com", RF_ZNONE)->flags & RF_ZNAME_CUT);
	ck_assert(find(db, "", RF_ZNONE)->flags & RF_ZNAME_APEX);
	rf_zdb_free(db);
	rf_diag_fini(&d);
}
END_TEST

START_TEST(many_names)
{
	struct rf_zdb_builder *b = rf_zdb_builder_new();
	struct rf_diag d;
	struct rf_zdb *db;
	char name[64];
	int i;

	rf_diag_init(&d);
	rf_zdb_builder_zone(b, "big.test", 1, "big.zone", &d);
	add(b, "big.test", RF_T_SOA, soa, &d);
	for (i = 0; i < 50000; i++) {
		snprintf(name, sizeof(name), "h%d.big.test", i);
		add(b, name, RF_T_A, "192.0.2.1", &d);
		add(b, name, RF_T_AAAA, "2001:db8::1", &d);
	}
	db = rf_zdb_builder_finish(b, &d);
	ck_assert_ptr_nonnull(db);
	for (i = 0; i < 50000; i += 997) {
		const struct rf_zname *n;

		snprintf(name, sizeof(name), "h%d.big.test", i);
		n = find(db, name, RF_ZNONE);
		ck_assert_ptr_nonnull(n);
		ck_assert_uint_eq(n->count, 2);
	}
	ck_assert_ptr_null(find(db, "h50000.big.test", RF_ZNONE));
	rf_zdb_free(db);
	rf_diag_fini(&d);
}
END_TEST

/* The id of the zone rf_zdb_zone_for finds for name, or -1. */
static int
zone_for_id(const struct rf_zdb *db, const char *name)
{
	uint32_t zi = rf_zdb_zone_for(db, name, strlen(name));

	return zi == RF_ZNONE ? -1 : (int)db->zones[zi].id;
}

START_TEST(image_zone_for)
{
	struct rf_zdb *db = build(), *img;
	char o1[] = "example.com", f1[] = "t.zone";
	char o2[] = "sub.example.com", f2[] = "sub.zone";
	struct rf_zone_conf zones[2] = {
		{ .origin = o1, .file = f1, .id = 1 },
		{ .origin = o2, .file = f2, .id = 2 },
	};
	FILE *f = tmpfile();
	char why[256];

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(rf_zimage_write_fd(db, fileno(f)), 0);
	rf_zdb_free(db);
	img = rf_zimage_open_fd(fileno(f), zones, 2, false, why, sizeof(why));
	fclose(f);
	ck_assert_msg(img != NULL, "%s", why);
	/* the apex lengths are indexed for a mapped image too */
	ck_assert_int_eq(zone_for_id(img, "a.b.example.com"), 1);
	ck_assert_int_eq(zone_for_id(img, "x.sub.example.com"), 2);
	ck_assert_int_eq(zone_for_id(img, "example.com"), 1);
	/* ancestors as long as an apex (15, 11) that are none */
	ck_assert_int_eq(zone_for_id(img, "www.example.org"), -1);
	ck_assert_int_eq(zone_for_id(img, "x.www.example.org"), -1);
	rf_zdb_free(img);
}
END_TEST

Suite *
zone_suite(void)
{
	Suite *s = suite_create("zone");
	TCase *tc = tcase_create("zone");

	tcase_add_test(tc, soa_first_and_order);
	tcase_add_test(tc, lookups);
	tcase_add_test(tc, duplicates_left_out);
	tcase_add_test(tc, rrset_ttls_uniform);
	tcase_add_test(tc, delegation_flags);
	tcase_add_test(tc, empty_non_terminals);
	tcase_add_test(tc, errors);
	tcase_add_test(tc, root_zone);
	tcase_add_test(tc, image_zone_for);
	tcase_add_test(tc, many_names);
	suite_add_tcase(s, tc);
	return s;
}
