/*
 * Building and searching the flat zone arrays (see zone.h for the layout).
 *
 * The builder appends records as the zone reader produces them and
 * interns owner names in the final hash table as it goes, so finishing
 * is a few linear passes: SOA first, empty non-terminals, delegation
 * flags, the by-name grouping and the per-name checks.
 */
#include "lib/zone.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/buf.h"
#include "lib/log.h"
#include "lib/name.h"
#include "lib/rrtype.h"
#include "lib/util.h"
#include "lib/zonefile.h"

/* Where a record came from, kept only while building. */
struct src {
	uint32_t file; /* offset into strings */
	uint32_t line;
};

struct rf_zdb_builder {
	struct rf_buf strings;
	struct rf_zrec *recs;
	struct src *srcs;
	size_t nrecs, recs_cap, srcs_cap;
	struct rf_zname *names;
	size_t nnames, names_cap;
	uint32_t *hash;
	size_t hash_size;
	struct rf_zzone *zones;
	size_t nzones, zones_cap;
	uint32_t last_file; /* offset of the most recent file path */
	const char *last_file_ptr;
	struct rf_zsource *sources;
	size_t nsources, sources_cap;
	uint32_t *rec_prev; /* the name's record before this one + 1 */
	size_t rec_prev_cap;
	size_t ndups;       /* duplicate records left out */
	bool errors;
};

/* The allocations behind a finished set. */
struct owned {
	char *strings;
	struct rf_zrec *recs;
	struct rf_zname *names;
	uint32_t *byname;
	uint32_t *hash;
	struct rf_zzone *zones;
	uint32_t *zone_ids;
	struct rf_zsource *sources;
};

static uint32_t
add_string(struct rf_zdb_builder *b, const char *s, size_t len)
{
	uint32_t off = (uint32_t)b->strings.len;

	RF_REQUIRE(b->strings.len + len + 1 < UINT32_MAX);
	rf_buf_add(&b->strings, s, len);
	rf_buf_addc(&b->strings, '\0');
	return off;
}

struct rf_zdb_builder *
rf_zdb_builder_new(void)
{
	struct rf_zdb_builder *b = rf_xcalloc(1, sizeof(*b));

	rf_buf_init(&b->strings);
	/* offset 0 is the empty string, so that the root name has text */
	rf_buf_addc(&b->strings, '\0');
	b->hash_size = 1024;
	b->hash = rf_xcalloc(b->hash_size, sizeof(*b->hash));
	b->last_file = RF_ZNONE;
	return b;
}

void
rf_zdb_builder_free(struct rf_zdb_builder *b)
{
	if (b == NULL)
		return;
	rf_buf_fini(&b->strings);
	free(b->recs);
	free(b->srcs);
	free(b->names);
	free(b->hash);
	free(b->zones);
	free(b->sources);
	free(b->rec_prev);
	free(b);
}

static void
hash_insert(uint32_t *hash, size_t size, uint32_t h, uint32_t idx)
{
	size_t i = h & (size - 1);

	while (hash[i] != 0)
		i = (i + 1) & (size - 1);
	hash[i] = idx + 1;
}

static void
hash_grow(struct rf_zdb_builder *b)
{
	size_t size = b->hash_size * 2, i;
	uint32_t *hash = rf_xcalloc(size, sizeof(*hash));

	for (i = 0; i < b->nnames; i++)
		hash_insert(hash, size, b->names[i].hash, (uint32_t)i);
	free(b->hash);
	b->hash = hash;
	b->hash_size = size;
}

/* Find the name in zone z, or RF_ZNONE. */
static uint32_t
builder_find(const struct rf_zdb_builder *b, const char *text, size_t len,
    uint32_t h, uint32_t z)
{
	size_t i = h & (b->hash_size - 1);

	while (b->hash[i] != 0) {
		const struct rf_zname *n = &b->names[b->hash[i] - 1];

		if (n->hash == h && n->zone == z && n->text_len == len &&
		    memcmp(b->strings.data + n->text, text, len) == 0)
			return b->hash[i] - 1;
		i = (i + 1) & (b->hash_size - 1);
	}
	return RF_ZNONE;
}

static uint32_t
intern(struct rf_zdb_builder *b, const char *text, size_t len, uint32_t z,
    uint32_t flags)
{
	uint32_t h = rf_hash(text, len), idx;
	struct rf_zname *n;

	idx = builder_find(b, text, len, h, z);
	if (idx != RF_ZNONE)
		return idx;
	if ((b->nnames + 1) * 2 > b->hash_size)
		hash_grow(b);
	rf_grow(&b->names, &b->names_cap, b->nnames + 1, sizeof(*b->names));
	idx = (uint32_t)b->nnames++;
	n = &b->names[idx];
	memset(n, 0, sizeof(*n));
	n->text = len == 0 ? 0 : add_string(b, text, len);
	n->text_len = (uint32_t)len;
	n->hash = h;
	n->zone = z;
	n->flags = flags;
	hash_insert(b->hash, b->hash_size, h, idx);
	return idx;
}

/* Remember a file the data comes from (once), with its state now. */
static void
note_source(struct rf_zdb_builder *b, const char *path)
{
	struct rf_zsource *src;
	struct stat st;
	size_t i, len = strlen(path);

	for (i = 0; i < b->nsources; i++)
		if (b->sources[i].path_len == len &&
		    memcmp(b->strings.data + b->sources[i].path, path, len) ==
		    0)
			return;
	rf_grow(&b->sources, &b->sources_cap, b->nsources + 1,
	    sizeof(*b->sources));
	src = &b->sources[b->nsources++];
	memset(src, 0, sizeof(*src));
	src->path = add_string(b, path, len);
	src->path_len = (uint32_t)len;
	if (stat(path, &st) == 0) {
		src->size = (uint64_t)st.st_size;
		src->mtime_sec = (int64_t)st.st_mtim.tv_sec;
		src->mtime_nsec = (int64_t)st.st_mtim.tv_nsec;
		src->ino = (uint64_t)st.st_ino;
	}
}

int
rf_zdb_builder_zone(struct rf_zdb_builder *b, const char *origin,
    int32_t id, const char *file, struct rf_diag *diag)
{
	size_t len = strlen(origin), i;
	struct rf_zzone *z;

	for (i = 0; i < b->nzones; i++) {
		const struct rf_zname *apex = &b->names[b->zones[i].apex];

		if (apex->text_len == len &&
		    memcmp(b->strings.data + apex->text, origin, len) == 0) {
			rf_diag_add(diag, file, 0, "zone '%s' is loaded twice",
			    len ? origin : ".");
			b->errors = true;
			return -1;
		}
		if (b->zones[i].id == id) {
			rf_diag_add(diag, file, 0,
			    "zone id %d of '%s' is already used by '%s'",
			    (int)id, len ? origin : ".",
			    apex->text_len ? b->strings.data + apex->text :
			    ".");
			b->errors = true;
			return -1;
		}
	}
	rf_grow(&b->zones, &b->zones_cap, b->nzones + 1, sizeof(*b->zones));
	z = &b->zones[b->nzones];
	memset(z, 0, sizeof(*z));
	z->id = id;
	z->soa = RF_ZNONE;
	z->first_rec = (uint32_t)b->nrecs;
	z->file_len = (uint32_t)strlen(file ? file : "");
	z->file = add_string(b, file ? file : "", z->file_len);
	z->apex = intern(b, origin, len, (uint32_t)b->nzones, RF_ZNAME_APEX);
	b->nzones++;
	return 0;
}

/*
 * Whether the zone has this record already (RFC 2181 §5: an RRset holds
 * each record once; pdns would serve both, and sign them wrongly).  The
 * records of a name so far are chained from the name (while building,
 * its `first` is the newest one + 1) through rec_prev.
 */
static bool
is_duplicate(const struct rf_zdb_builder *b, uint32_t name, uint16_t type,
    const char *content, size_t content_len)
{
	uint32_t k, n = 0;

	/* bounded: a name with thousands of records is already more than
	 * one answer can carry; only its newest 1024 are compared */
	for (k = b->names[name].first; k != 0 && n < 1024;
	    k = b->rec_prev[k - 1], n++) {
		const struct rf_zrec *r = &b->recs[k - 1];

		if (r->type == type && r->content_len == content_len &&
		    memcmp(b->strings.data + r->content, content,
		    content_len) == 0)
			return true;
	}
	return false;
}

int
rf_zdb_builder_add(struct rf_zdb_builder *b, const char *owner,
    size_t owner_len, uint16_t type, uint32_t ttl, const char *content,
    size_t content_len, const char *file, unsigned line,
    struct rf_diag *diag)
{
	struct rf_zzone *z;
	const struct rf_zname *apex;
	struct rf_zrec *r;
	uint32_t zi, name;

	RF_REQUIRE(b->nzones > 0);
	zi = (uint32_t)b->nzones - 1;
	z = &b->zones[zi];
	apex = &b->names[z->apex];
	if (!rf_name_is_sub(owner, owner_len, b->strings.data + apex->text,
	    apex->text_len)) {
		rf_diag_add(diag, file, line, "'%s' is outside the zone '%s'",
		    owner_len ? owner : ".",
		    apex->text_len ? b->strings.data + apex->text : ".");
		b->errors = true;
		return -1;
	}
	if (type == RF_T_SOA) {
		if (owner_len != apex->text_len) {
			rf_diag_add(diag, file, line,
			    "SOA record not at the zone apex");
			b->errors = true;
			return -1;
		}
		if (z->soa != RF_ZNONE) {
			rf_diag_add(diag, file, line,
			    "second SOA record for the zone");
			b->errors = true;
			return -1;
		}
		z->soa = (uint32_t)b->nrecs;
	}
	if (b->nrecs >= UINT32_MAX - 1) {
		rf_diag_add(diag, file, line, "too many records");
		b->errors = true;
		return -1;
	}
	name = intern(b, owner, owner_len, zi, 0);
	if (is_duplicate(b, name, type, content, content_len)) {
		char tb[16];

		/* the first few by place, then only their number */
		if (++b->ndups <= 10)
			rf_warn("%s:%u: duplicate record left out: %s %s",
			    file ? file : "", line, owner_len ? owner : ".",
			    rf_rrtype_str(type, tb));
		return 0;
	}
	rf_grow(&b->recs, &b->recs_cap, b->nrecs + 1, sizeof(*b->recs));
	rf_grow(&b->srcs, &b->srcs_cap, b->nrecs + 1, sizeof(*b->srcs));
	rf_grow(&b->rec_prev, &b->rec_prev_cap, b->nrecs + 1,
	    sizeof(*b->rec_prev));
	if (b->last_file_ptr != file || b->last_file == RF_ZNONE) {
		b->last_file = add_string(b, file ? file : "",
		    strlen(file ? file : ""));
		b->last_file_ptr = file;
		if (file != NULL)
			note_source(b, file); /* e.g. an $INCLUDEd file */
	}
	b->srcs[b->nrecs].file = b->last_file;
	b->srcs[b->nrecs].line = line;
	r = &b->recs[b->nrecs++];
	r->name = name;
	r->content = add_string(b, content, content_len);
	r->content_len = (uint32_t)content_len;
	r->ttl = ttl;
	r->type = type;
	r->flags = 0;
	z->nrecs++;
	b->rec_prev[b->nrecs - 1] = b->names[name].first;
	b->names[name].first = (uint32_t)b->nrecs;
	return 0;
}

struct load_ctx {
	struct rf_zdb_builder *b;
	struct rf_diag *diag;
};

static int
load_emit(void *arg, const struct rf_zf_rr *rr)
{
	struct load_ctx *ctx = arg;

	rf_zdb_builder_add(ctx->b, rr->owner, rr->owner_len, rr->type,
	    rr->ttl, rr->content, rr->content_len, rr->file, rr->line,
	    ctx->diag);
	return 0;
}

int
rf_zdb_builder_load(struct rf_zdb_builder *b, const char *origin,
    int32_t id, const char *path, struct rf_diag *diag)
{
	struct rf_zf_opts opts;
	struct load_ctx ctx = { b, diag };
	size_t before = diag->count + diag->dropped;
	int rc;

	if (rf_zdb_builder_zone(b, origin, id, path, diag) < 0)
		return 1;
	/* stat before reading: a change during the read makes it stale */
	note_source(b, path);
	/* file names are told apart by pointer within one load only */
	b->last_file_ptr = NULL;
	b->last_file = RF_ZNONE;
	memset(&opts, 0, sizeof(opts));
	opts.origin = origin;
	rc = rf_zf_load_file(path, &opts, load_emit, &ctx, diag);
	if (rc != 0)
		b->errors = true;
	return (int)(diag->count + diag->dropped - before);
}

/* ---- finishing ----------------------------------------------------------- */

static const char *
src_file(const struct rf_zdb_builder *b, uint32_t rec)
{
	return b->strings.data + b->srcs[rec].file;
}

/* Put the SOA at the front of the zone's records, keeping the rest in
 * file order. */
static void
soa_first(struct rf_zdb_builder *b, struct rf_zzone *z)
{
	struct rf_zrec soa;
	struct src soa_src;
	uint32_t k = z->soa - z->first_rec;

	if (k == 0)
		return;
	soa = b->recs[z->soa];
	soa_src = b->srcs[z->soa];
	memmove(&b->recs[z->first_rec + 1], &b->recs[z->first_rec],
	    k * sizeof(*b->recs));
	memmove(&b->srcs[z->first_rec + 1], &b->srcs[z->first_rec],
	    k * sizeof(*b->srcs));
	b->recs[z->first_rec] = soa;
	b->srcs[z->first_rec] = soa_src;
	z->soa = z->first_rec;
}

/* Parse the serial (third field) out of SOA content. */
static uint32_t
soa_serial(const char *content, size_t len)
{
	size_t i = 0, field = 0, start;
	uint32_t v = 0;

	while (i < len) {
		while (i < len && content[i] == ' ')
			i++;
		start = i;
		while (i < len && content[i] != ' ')
			i++;
		if (field++ == 2) {
			if (rf_parse_u32(content + start, i - start,
			    UINT32_MAX, &v) < 0)
				v = 0;
			return v;
		}
	}
	return 0;
}

/* Add empty non-terminals: every missing ancestor of a name, up to the
 * apex, becomes a name without records (RFC 4592 §2.2.2). */
static void
add_ents(struct rf_zdb_builder *b)
{
	size_t i, orig = b->nnames;

	for (i = 0; i < orig; i++) {
		uint32_t z = b->names[i].zone;
		uint32_t apex_len = b->names[b->zones[z].apex].text_len;
		const char *text;
		size_t len = b->names[i].text_len, off;
		char buf[RF_NAME_TEXT_MAX + 1];

		if (b->names[i].flags & RF_ZNAME_APEX)
			continue;
		/* copy: interning may move the strings buffer */
		memcpy(buf, b->strings.data + b->names[i].text, len);
		text = buf;
		while (rf_name_parent(text, len, &off)) {
			uint32_t h;

			text += off;
			len -= off;
			if (len <= apex_len)
				break;
			h = rf_hash(text, len);
			if (builder_find(b, text, len, h, z) != RF_ZNONE)
				break;
			intern(b, text, len, z, RF_ZNAME_ENT);
		}
	}
}

/* Delegation points and what lies below them. */
static void
mark_cuts(struct rf_zdb_builder *b)
{
	size_t i;

	for (i = 0; i < b->nrecs; i++) {
		struct rf_zname *n = &b->names[b->recs[i].name];

		if (b->recs[i].type == RF_T_NS && !(n->flags & RF_ZNAME_APEX))
			n->flags |= RF_ZNAME_CUT;
	}
	for (i = 0; i < b->nnames; i++) {
		struct rf_zname *n = &b->names[i];
		uint32_t apex_len = b->names[b->zones[n->zone].apex].text_len;
		const char *text = b->strings.data + n->text;
		size_t len = n->text_len, off;

		if (n->flags & RF_ZNAME_APEX)
			continue;
		while (rf_name_parent(text, len, &off)) {
			uint32_t a;

			text += off;
			len -= off;
			if (len <= apex_len)
				break;
			a = builder_find(b, text, len, rf_hash(text, len),
			    n->zone);
			if (a != RF_ZNONE && (b->names[a].flags & RF_ZNAME_CUT)) {
				n->flags |= RF_ZNAME_BELOW;
				break;
			}
		}
	}
	for (i = 0; i < b->nrecs; i++) {
		struct rf_zrec *r = &b->recs[i];
		uint32_t f = b->names[r->name].flags;

		/* RFC 4035 §2.2 / pdns §5.1: the NS set at a cut and glue
		 * below it are not authoritative; the DS at the cut is. */
		if (f & RF_ZNAME_BELOW)
			r->flags &= (uint16_t)~RF_ZREC_AUTH;
		else if ((f & RF_ZNAME_CUT) && r->type != RF_T_DS)
			r->flags &= (uint16_t)~RF_ZREC_AUTH;
		else
			r->flags |= RF_ZREC_AUTH;
	}
}

/*
 * RFC 2181 §5.2: the records of an RRset share one TTL; a client given
 * different ones takes the lowest, so the zone's records get it here
 * (with a warning), and pdns signs what it serves.  RRSIGs are left as
 * they are (each covers its own type).  A name with more records than an
 * answer can carry is not compared.
 */
static void
uniform_ttls(struct rf_zdb_builder *b, const uint32_t *byname)
{
	size_t i, k, j, nfixed = 0;

	for (i = 0; i < b->nnames; i++) {
		const struct rf_zname *n = &b->names[i];

		if (n->count < 2 || n->count > 1024)
			continue;
		for (k = 0; k < n->count; k++) {
			struct rf_zrec *r = &b->recs[byname[n->first + k]];
			uint32_t low = r->ttl;

			if (r->type == RF_T_RRSIG)
				continue;
			for (j = 0; j < n->count; j++) {
				const struct rf_zrec *o =
				    &b->recs[byname[n->first + j]];

				if (o->type == r->type && o->ttl < low)
					low = o->ttl;
			}
			if (low == r->ttl)
				continue;
			if (++nfixed <= 10) {
				char tb[16];
				uint32_t ri = byname[n->first + k];

				rf_warn("%s:%u: %s %s: TTL %u lowered to %u, the "
				    "RRset's lowest (RFC 2181 §5.2)",
				    src_file(b, ri), b->srcs[ri].line,
				    n->text_len ? b->strings.data + n->text :
				    ".", rf_rrtype_str(r->type, tb),
				    (unsigned)r->ttl, (unsigned)low);
			}
			r->ttl = low;
		}
	}
	if (nfixed > 10)
		rf_warn("%zu record TTLs lowered to their RRset's lowest in "
		    "all", nfixed);
}

/* CNAME must stand alone at its name (RFC 1034 §3.6.2, RFC 2181 §10.1),
 * DNSSEC records aside. */
static void
check_cnames(struct rf_zdb_builder *b, const uint32_t *byname,
    struct rf_diag *diag)
{
	size_t i, k;

	for (i = 0; i < b->nnames; i++) {
		const struct rf_zname *n = &b->names[i];
		uint32_t cname = RF_ZNONE, other = RF_ZNONE, ncname = 0;

		for (k = 0; k < n->count; k++) {
			uint32_t r = byname[n->first + k];
			uint16_t t = b->recs[r].type;

			if (t == RF_T_CNAME) {
				ncname++;
				if (cname == RF_ZNONE || ncname == 2)
					cname = r;
			} else if (t != RF_T_RRSIG && t != RF_T_NSEC) {
				other = r;
			}
		}
		if (ncname > 1) {
			rf_diag_add(diag, src_file(b, cname),
			    b->srcs[cname].line,
			    "more than one CNAME at '%s'",
			    b->strings.data + n->text);
			b->errors = true;
		} else if (cname != RF_ZNONE && other != RF_ZNONE) {
			char tb[16];

			rf_diag_add(diag, src_file(b, cname),
			    b->srcs[cname].line,
			    "CNAME at '%s' next to other data (%s)",
			    n->text_len ? b->strings.data + n->text : ".",
			    rf_rrtype_str(b->recs[other].type, tb));
			b->errors = true;
		}
	}
}

static void
release_owned(struct rf_zdb *db)
{
	struct owned *o = db->owned;

	free(o->strings);
	free(o->recs);
	free(o->names);
	free(o->byname);
	free(o->hash);
	free(o->zones);
	free(o->zone_ids);
	free(o->sources);
	free(o);
}

/* qsort has no context argument; finishing is not re-entrant anyway. */
static const struct rf_zzone *sort_zones;

static int
cmp_zone_id(const void *a, const void *b)
{
	int32_t x = sort_zones[*(const uint32_t *)a].id;
	int32_t y = sort_zones[*(const uint32_t *)b].id;

	return x < y ? -1 : x > y;
}

struct rf_zdb *
rf_zdb_builder_finish(struct rf_zdb_builder *b, struct rf_diag *diag)
{
	struct rf_zdb *db = NULL;
	struct owned *o;
	uint32_t *byname = NULL, *fill = NULL;
	size_t i;

	for (i = 0; i < b->nzones; i++) {
		struct rf_zzone *z = &b->zones[i];
		const struct rf_zname *apex = &b->names[z->apex];

		if (z->soa == RF_ZNONE) {
			rf_diag_add(diag, b->strings.data + z->file, 0,
			    "zone '%s' has no SOA record",
			    apex->text_len ? b->strings.data + apex->text :
			    ".");
			b->errors = true;
			continue;
		}
		soa_first(b, z);
		z->serial = soa_serial(b->strings.data + b->recs[z->soa].content,
		    b->recs[z->soa].content_len);
	}
	if (b->ndups > 10)
		rf_warn("%zu duplicate records left out in all", b->ndups);
	add_ents(b);
	mark_cuts(b);

	/* group record indices by name (counting sort keeps file order) */
	for (i = 0; i < b->nnames; i++)
		b->names[i].count = 0;
	for (i = 0; i < b->nrecs; i++)
		b->names[b->recs[i].name].count++;
	{
		uint32_t pos = 0;

		for (i = 0; i < b->nnames; i++) {
			b->names[i].first = pos;
			pos += b->names[i].count;
		}
	}
	byname = rf_xmalloc((b->nrecs ? b->nrecs : 1) * sizeof(*byname));
	fill = rf_xcalloc(b->nnames ? b->nnames : 1, sizeof(*fill));
	for (i = 0; i < b->nrecs; i++) {
		uint32_t n = b->recs[i].name;

		byname[b->names[n].first + fill[n]++] = (uint32_t)i;
	}
	free(fill);
	check_cnames(b, byname, diag);
	uniform_ttls(b, byname);
	if (b->errors) {
		free(byname);
		rf_zdb_builder_free(b);
		return NULL;
	}

	o = rf_xcalloc(1, sizeof(*o));
	db = rf_xcalloc(1, sizeof(*db));
	rf_buf_compact(&b->strings);
	o->strings = b->strings.data;
	db->strings_len = b->strings.len;
	b->strings.data = NULL;
	o->recs = b->recs;
	o->names = b->names;
	o->byname = byname;
	o->hash = b->hash;
	o->zones = b->zones;
	o->zone_ids = rf_xmalloc((b->nzones ? b->nzones : 1) *
	    sizeof(*o->zone_ids));
	for (i = 0; i < b->nzones; i++)
		o->zone_ids[i] = (uint32_t)i;
	sort_zones = b->zones;
	qsort(o->zone_ids, b->nzones, sizeof(*o->zone_ids), cmp_zone_id);
	sort_zones = NULL;

	db->strings = o->strings;
	db->recs = o->recs;
	db->names = o->names;
	db->byname = o->byname;
	db->hash = o->hash;
	db->zones = o->zones;
	db->zone_ids = o->zone_ids;
	o->sources = b->sources;
	db->sources = o->sources;
	db->nsources = (uint32_t)b->nsources;
	b->sources = NULL;
	db->nrecs = (uint32_t)b->nrecs;
	db->nnames = (uint32_t)b->nnames;
	db->nzones = (uint32_t)b->nzones;
	db->hash_mask = (uint32_t)b->hash_size - 1;
	db->owned = o;
	db->release = release_owned;
	rf_zdb_index_apexes(db);

	b->recs = NULL;
	b->names = NULL;
	b->hash = NULL;
	b->zones = NULL;
	rf_zdb_builder_free(b);
	return db;
}

void
rf_zdb_free(struct rf_zdb *db)
{
	if (db == NULL)
		return;
	if (db->release != NULL)
		db->release(db);
	free(db);
}

/* ---- lookups ------------------------------------------------------------ */

uint32_t
rf_zdb_find(const struct rf_zdb *db, const char *name, size_t len,
    uint32_t zone)
{
	uint32_t h = rf_hash(name, len), i = h & db->hash_mask;
	uint32_t best = RF_ZNONE, best_depth = 0, probes = 0;

	/* bounded, and every entry checked before use: a mapped image's
	 * table may be damaged (lib/zimage.c) */
	while (db->hash[i] != 0 && probes++ <= db->hash_mask) {
		uint32_t idx = db->hash[i] - 1;
		const struct rf_zname *n = &db->names[idx];

		if (idx >= db->nnames)
			break;
		if (n->hash == h && n->text_len == len &&
		    n->zone < db->nzones && n->text < db->strings_len &&
		    len < db->strings_len - n->text &&
		    memcmp(db->strings + n->text, name, len) == 0) {
			uint32_t depth;

			if (zone != RF_ZNONE) {
				if (n->zone == zone)
					return idx;
			} else {
				/* both apexes are ancestors of the name, so
				 * the longer one is the deeper zone */
				depth = db->names[db->zones[n->zone].apex]
				    .text_len + 1;
				if (best == RF_ZNONE || depth > best_depth) {
					best = idx;
					best_depth = depth;
				}
			}
		}
		i = (i + 1) & db->hash_mask;
	}
	return best;
}

/* The zone whose apex is exactly this name, or RF_ZNONE. */
static uint32_t
apex_zone(const struct rf_zdb *db, const char *name, size_t len)
{
	uint32_t h = rf_hash(name, len), i = h & db->hash_mask, probes = 0;

	while (db->hash[i] != 0 && probes++ <= db->hash_mask) {
		const struct rf_zname *n;

		if (db->hash[i] > db->nnames)
			break; /* a damaged image (rf_zdb_find) */
		n = &db->names[db->hash[i] - 1];
		if ((n->flags & RF_ZNAME_APEX) && n->hash == h &&
		    n->text_len == len && n->zone < db->nzones &&
		    n->text < db->strings_len &&
		    len < db->strings_len - n->text &&
		    memcmp(db->strings + n->text, name, len) == 0)
			return n->zone;
		i = (i + 1) & db->hash_mask;
	}
	return RF_ZNONE;
}

void
rf_zdb_index_apexes(struct rf_zdb *db)
{
	uint32_t i;

	memset(db->apex_lens, 0, sizeof(db->apex_lens));
	for (i = 0; i < db->nzones; i++) {
		uint32_t len = db->names[db->zones[i].apex].text_len;

		if (len <= RF_NAME_TEXT_MAX)
			db->apex_lens[len >> 3] |= (uint8_t)(1u << (len & 7));
	}
}

uint32_t
rf_zdb_zone_for(const struct rf_zdb *db, const char *name, size_t len)
{
	size_t off;

	for (;;) {
		/* most ancestors are no apex: without a zone of their length
		 * they cost no probe of the big name table (a cache miss
		 * each) */
		if (len <= RF_NAME_TEXT_MAX &&
		    (db->apex_lens[len >> 3] & (1u << (len & 7)))) {
			uint32_t z = apex_zone(db, name, len);

			if (z != RF_ZNONE)
				return z;
		}
		if (!rf_name_parent(name, len, &off))
			return RF_ZNONE;
		name += off;
		len -= off;
	}
}

uint32_t
rf_zdb_zone_by_id(const struct rf_zdb *db, int32_t id)
{
	size_t lo = 0, hi = db->nzones;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int32_t v = db->zones[db->zone_ids[mid]].id;

		if (v == id)
			return db->zone_ids[mid];
		if (v < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return RF_ZNONE;
}
