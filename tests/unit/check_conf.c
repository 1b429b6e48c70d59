/*
 * Unit tests for the config syntax (lib/conf.c) and its meaning
 * (lib/config.c).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/conf.h"
#include "lib/config.h"

static int
parse(const char *text, struct rf_conf_tree *t, struct rf_diag *d)
{
	rf_diag_init(d);
	return rf_conf_parse_mem("test.conf", text, strlen(text), t, d);
}

START_TEST(statements_and_blocks)
{
	struct rf_conf_tree t;
	struct rf_diag d;
	const struct rf_conf_node *z;

	ck_assert_int_eq(parse("# comment\n"
	    "zone a.example a.zone   # trailing comment\n"
	    "zone b.example {\n"
	    "    file \"b zone.txt\"; id 7\n"
	    "    nested x {\n      deep 1 2 3\n    }\n"
	    "}\n", &t, &d), 0);
	ck_assert_uint_eq(d.count, 0);
	ck_assert_uint_eq(t.root.nchildren, 2);
	z = &t.root.children[0];
	ck_assert_str_eq(z->key, "zone");
	ck_assert_uint_eq(z->nargs, 2);
	ck_assert_str_eq(z->args[1], "a.zone");
	ck_assert(!z->block);
	ck_assert_uint_eq(z->line, 2);
	z = &t.root.children[1];
	ck_assert(z->block);
	ck_assert_uint_eq(z->line, 3);
	ck_assert_uint_eq(z->nchildren, 3);
	ck_assert_str_eq(z->children[0].key, "file");
	ck_assert_str_eq(z->children[0].args[0], "b zone.txt");
	ck_assert_str_eq(z->children[1].key, "id");
	ck_assert_uint_eq(z->children[1].line, 4);
	ck_assert_str_eq(z->children[2].children[0].key, "deep");
	ck_assert_uint_eq(z->children[2].children[0].nargs, 3);
	ck_assert_uint_eq(z->children[2].children[0].line, 6);
	rf_conf_tree_fini(&t);
	rf_diag_fini(&d);
}
END_TEST

START_TEST(order_is_kept)
{
	struct rf_conf_tree t;
	struct rf_diag d;
	size_t i;

	ck_assert_int_eq(parse("map {\n m 1\n m 2\n m 3\n m 4\n}\n", &t, &d),
	    0);
	for (i = 0; i < 4; i++) {
		char want[2] = { (char)('1' + i), 0 };

		ck_assert_str_eq(t.root.children[0].children[i].args[0], want);
	}
	rf_conf_tree_fini(&t);
	rf_diag_fini(&d);
}
END_TEST

START_TEST(syntax_errors)
{
	struct rf_conf_tree t;
	struct rf_diag d;

	ck_assert_int_eq(parse("zone a {\n file x\n", &t, &d), -1);
	ck_assert_uint_eq(d.count, 1);
	ck_assert_str_eq(d.msgs[0],
	    "test.conf:1: block opened here is not closed");
	rf_conf_tree_fini(&t);
	rf_diag_fini(&d);

	ck_assert_int_eq(parse("a b\n}\nc \"open\n", &t, &d), -1);
	ck_assert_uint_eq(d.count, 2);
	ck_assert_str_eq(d.msgs[0], "test.conf:2: '}' without an open block");
	ck_assert_str_eq(d.msgs[1], "test.conf:3: unterminated quoted string");
	rf_conf_tree_fini(&t);
	rf_diag_fini(&d);

	ck_assert_int_eq(parse("zone a\n{\n}\n", &t, &d), -1);
	ck_assert_str_eq(d.msgs[0],
	    "test.conf:2: '{' must follow a key on the same line");
	rf_conf_tree_fini(&t);
	rf_diag_fini(&d);
}
END_TEST

START_TEST(value_helpers)
{
	struct rf_conf_tree t;
	struct rf_diag d;
	unsigned long ms;
	long v;
	bool b;

	ck_assert_int_eq(parse("t 500ms 2s 5 3m x\nn 12 99x\nb yes off 2\n",
	    &t, &d), 0);
	ck_assert_int_eq(rf_conf_duration_ms(&t.root.children[0], 0, 1000, &ms,
	    &d), 0);
	ck_assert_uint_eq(ms, 500);
	rf_conf_duration_ms(&t.root.children[0], 1, 1000, &ms, &d);
	ck_assert_uint_eq(ms, 2000);
	rf_conf_duration_ms(&t.root.children[0], 2, 1000, &ms, &d);
	ck_assert_uint_eq(ms, 5000);
	rf_conf_duration_ms(&t.root.children[0], 3, 1000, &ms, &d);
	ck_assert_uint_eq(ms, 180000);
	ck_assert_int_eq(rf_conf_duration_ms(&t.root.children[0], 4, 1000,
	    &ms, &d), -1);
	ck_assert_int_eq(rf_conf_int(&t.root.children[1], 0, 1, 20, &v, &d), 0);
	ck_assert_int_eq(v, 12);
	ck_assert_int_eq(rf_conf_int(&t.root.children[1], 1, 1, 200, &v, &d),
	    -1);
	ck_assert_int_eq(rf_conf_bool(&t.root.children[2], 0, &b, &d), 0);
	ck_assert(b);
	ck_assert_int_eq(rf_conf_bool(&t.root.children[2], 1, &b, &d), 0);
	ck_assert(!b);
	ck_assert_int_eq(rf_conf_bool(&t.root.children[2], 2, &b, &d), -1);
	ck_assert_uint_eq(d.count, 3);
	ck_assert_str_eq(d.msgs[2], "test.conf:3: 'b': '2' is not yes or no");
	rf_conf_tree_fini(&t);
	rf_diag_fini(&d);
}
END_TEST

/* Write text to a temporary config file and load it with extra zones. */
static int
load(const char *text, const char *const *zones, size_t nzones,
    struct rf_config *cfg, struct rf_diag *d, char *path)
{
	struct rf_options o = { .zones = zones, .nzones = nzones };
	FILE *f;
	int fd;

	strcpy(path, "/tmp/rf-conf-XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	o.config_path = path;
	rf_diag_init(d);
	return rf_config_load(cfg, &o, d);
}

START_TEST(zone_ids_and_paths)
{
	static const char *const zones[] = { "C.example.=/z/c.zone",
		"d.example=d.zone" };
	struct rf_config cfg;
	struct rf_diag d;
	char path[64];

	ck_assert_int_eq(load("zone a.example a.zone\n"
	    "zone b.example {\n file /abs/b.zone\n id 40\n}\n", zones, 2,
	    &cfg, &d, path), 0);
	ck_assert_uint_eq(cfg.nzones, 4);
	ck_assert_str_eq(cfg.zones[0].origin, "a.example");
	ck_assert_int_eq(cfg.zones[0].id, 1);
	/* relative to the config file's directory */
	ck_assert_str_eq(cfg.zones[0].file, "/tmp/a.zone");
	ck_assert_int_eq(cfg.zones[1].id, 40);
	ck_assert_str_eq(cfg.zones[1].file, "/abs/b.zone");
	/* --zone: after the config, origin canonical, path as given */
	ck_assert_str_eq(cfg.zones[2].origin, "c.example");
	ck_assert_int_eq(cfg.zones[2].id, 3);
	ck_assert_str_eq(cfg.zones[3].file, "d.zone");
	ck_assert_int_eq(cfg.zones[3].id, 4);
	rf_config_fini(&cfg);
	rf_diag_fini(&d);
	unlink(path);
}
END_TEST

START_TEST(config_errors)
{
	static const char *const zones[] = { "a.example.=x.zone", "bad" };
	struct rf_config cfg;
	struct rf_diag d;
	char path[64], want[256];

	ck_assert_int_eq(load("zone a.example a.zone\n"
	    "zone b.example {\n file b.zone\n id 1\n colour blue\n}\n"
	    "zone c.example {\n id 9\n}\n"
	    "listen-on-mars yes\n"
	    "zone a..b x\n", zones, 2, &cfg, &d, path), -1);
	ck_assert_uint_eq(d.count, 7);
	snprintf(want, sizeof(want),
	    "%s:5: unknown key 'colour' in a zone block (known: file, id)",
	    path);
	ck_assert_str_eq(d.msgs[0], want);
	snprintf(want, sizeof(want), "%s:7: zone 'c.example' has no file",
	    path);
	ck_assert_str_eq(d.msgs[1], want);
	snprintf(want, sizeof(want),
	    "%s:10: unknown key 'listen-on-mars' at top level (known: zone, "
	    "zone-image, listen, upstream, rule, trusted-resolvers, cache, "
	    "deadline, pdns-caches-off)",
	    path);
	ck_assert_str_eq(d.msgs[2], want);
	snprintf(want, sizeof(want), "%s:11: 'a..b' is not a valid zone name",
	    path);
	ck_assert_str_eq(d.msgs[3], want);
	ck_assert_str_eq(d.msgs[4], "--zone: 'bad' is not ORIGIN=FILE");
	snprintf(want, sizeof(want),
	    "%s:2: zone id 1 is already used by 'a.example'", path);
	ck_assert_str_eq(d.msgs[5], want);
	snprintf(want, sizeof(want),
	    "--zone: zone 'a.example' is already configured at %s:1", path);
	ck_assert_str_eq(d.msgs[6], want);
	rf_config_fini(&cfg);
	rf_diag_fini(&d);
	unlink(path);
}
END_TEST

START_TEST(missing_file)
{
	struct rf_options o = { .config_path = "/nonexistent/refract.conf" };
	struct rf_config cfg;
	struct rf_diag d;

	rf_diag_init(&d);
	ck_assert_int_eq(rf_config_load(&cfg, &o, &d), -1);
	ck_assert_uint_eq(d.count, 1);
	ck_assert_str_eq(d.msgs[0], "/nonexistent/refract.conf: cannot read: "
	    "No such file or directory");
	rf_config_fini(&cfg);
	rf_diag_fini(&d);
}
END_TEST

/* '#' starts a comment only where a word would start, as in the shell. */
START_TEST(hash_inside_a_word)
{
	struct rf_conf_tree t;
	struct rf_diag d;
	const struct rf_conf_node *n;

	ck_assert_int_eq(parse("server 192.0.2.53#5353 # a comment\n"
	    "a b;# after a semicolon\n"
	    "c {# after a brace\n d \"q\"#x\n}#y\n"
	    "#z\ne f#g#\n", &t, &d), 0);
	ck_assert_uint_eq(d.count, 0);
	ck_assert_uint_eq(t.root.nchildren, 4);
	n = &t.root.children[0];
	ck_assert_uint_eq(n->nargs, 1);
	ck_assert_str_eq(n->args[0], "192.0.2.53#5353");
	ck_assert_uint_eq(t.root.children[1].nargs, 1);
	n = &t.root.children[2];
	ck_assert_uint_eq(n->nchildren, 1);
	ck_assert_uint_eq(n->children[0].nargs, 1);
	ck_assert_str_eq(n->children[0].args[0], "q");
	n = &t.root.children[3];
	ck_assert_str_eq(n->key, "e");
	ck_assert_uint_eq(n->line, 7);
	ck_assert_str_eq(n->args[0], "f#g#");
	rf_conf_tree_fini(&t);
	rf_diag_fini(&d);
}
END_TEST

/*
 * A backslash ending a line inside a quoted string is an error that
 * counts the newline (the lines after it keep their numbers), and an
 * escape that does not print is shown as a byte.
 */
START_TEST(backslash_newline_in_string)
{
	struct rf_conf_tree t;
	struct rf_diag d;

	ck_assert_int_eq(parse("listen \"/tmp/a\\\n"
	    "zone a.example a.zone\n"
	    "x \"b\\\r\n"
	    "y \"c\\\td\" \"\\q\"\n"
	    "z 1\n", &t, &d), -1);
	ck_assert_uint_eq(d.count, 4);
	ck_assert_str_eq(d.msgs[0], "test.conf:1: '\\' at the end of a line "
	    "in a quoted string (a string ends on its line)");
	ck_assert_str_eq(d.msgs[1], "test.conf:3: '\\' at the end of a line "
	    "in a quoted string (a string ends on its line)");
	ck_assert_str_eq(d.msgs[2], "test.conf:4: unknown escape in string: "
	    "'\\' followed by byte 0x09");
	ck_assert_str_eq(d.msgs[3], "test.conf:4: unknown escape '\\q' in "
	    "string");
	ck_assert_uint_eq(t.root.nchildren, 5);
	ck_assert_str_eq(t.root.children[1].key, "zone");
	ck_assert_uint_eq(t.root.children[1].line, 2);
	ck_assert_uint_eq(t.root.children[1].nargs, 2);
	ck_assert_str_eq(t.root.children[3].key, "y");
	ck_assert_uint_eq(t.root.children[3].line, 4);
	ck_assert_str_eq(t.root.children[4].key, "z");
	ck_assert_uint_eq(t.root.children[4].line, 5);
	rf_conf_tree_fini(&t);
	rf_diag_fini(&d);
}
END_TEST

/* A config text alone (no --zone) loaded from a temporary file. */
static int
load_cfg(const char *text, struct rf_config *cfg, struct rf_diag *d,
    char *path)
{
	return load(text, NULL, 0, cfg, d, path);
}

static void
done(struct rf_config *cfg, struct rf_diag *d, const char *path)
{
	rf_config_fini(cfg);
	rf_diag_fini(d);
	unlink(path);
}

/* Line n's message (as "path:n: msg") is msgs[i]. */
static void
want_msg(const struct rf_diag *d, size_t i, const char *path, unsigned line,
    const char *msg)
{
	char want[512];

	ck_assert_uint_gt(d->count, i);
	snprintf(want, sizeof(want), "%s:%u: %s", path, line, msg);
	ck_assert_str_eq(d->msgs[i], want);
}

/* Numbers are decimal; a mode is octal whether or not it starts with 0. */
START_TEST(numbers_decimal_mode_octal)
{
	struct rf_config cfg;
	struct rf_diag d;
	char path[64];

	ck_assert_int_eq(load_cfg("zone a.example { file a.zone; id 010 }\n"
	    "listen /tmp/rf.sock { mode 444; max-connections 0100 }\n"
	    "cache { size 0010 }\n", &cfg, &d, path), 0);
	ck_assert_uint_eq(d.count, 0);
	ck_assert_int_eq(cfg.zones[0].id, 10);
	ck_assert_uint_eq(cfg.listen.mode, 0444);
	ck_assert_int_eq(cfg.listen.max_connections, 100);
	ck_assert_uint_eq(cfg.cache.max_entries, 10);
	done(&cfg, &d, path);

	ck_assert_int_eq(load_cfg("listen /tmp/rf.sock { mode 0660 }\n", &cfg, &d,
	    path), 0);
	ck_assert_uint_eq(cfg.listen.mode, 0660);
	done(&cfg, &d, path);

	ck_assert_int_eq(load_cfg("cache { size 0x10 }\n"
	    "zone a.example { file a.zone; id \" 5\" }\n"
	    "zone b.example { file b.zone; id +6 }\n"
	    "listen /tmp/rf.sock {\n mode 0x1ff\n mode 0888\n mode 1777\n"
	    " mode -1\n}\n", &cfg, &d, path), -1);
	ck_assert_uint_eq(d.count, 7);
	want_msg(&d, 0, path, 1,
	    "'size': '0x10' is not a number from 1 to 100000000");
	want_msg(&d, 1, path, 2,
	    "'id': ' 5' is not a number from 1 to 2147483647");
	want_msg(&d, 2, path, 3,
	    "'id': '+6' is not a number from 1 to 2147483647");
	want_msg(&d, 3, path, 5,
	    "'mode': '0x1ff' is not octal permission bits from 0 to 0777");
	want_msg(&d, 4, path, 6,
	    "'mode': '0888' is not octal permission bits from 0 to 0777");
	want_msg(&d, 5, path, 7,
	    "'mode': '1777' is not octal permission bits from 0 to 0777");
	want_msg(&d, 6, path, 8,
	    "'mode': '-1' is not octal permission bits from 0 to 0777");
	done(&cfg, &d, path);
}
END_TEST

/* Servers reach c-ares in the notation ares_set_servers_ports_csv reads. */
START_TEST(server_notation)
{
	static const char *const want[] = { "192.0.2.1", "192.0.2.1:5353",
		"192.0.2.1:65535", "2001:db8::1", "2001:db8::1",
		"[2001:db8::1]:53", "[::ffff:192.0.2.1]:1", "192.0.2.2:53" };
	struct rf_config cfg;
	struct rf_diag d;
	char path[64];
	size_t i;

	ck_assert_int_eq(load_cfg("upstream u {\n"
	    " server 192.0.2.1 192.0.2.1:5353 192.0.2.1:65535\n"
	    " server 2001:db8::1 [2001:db8::1] [2001:db8::1]:53\n"
	    " server [::ffff:192.0.2.1]:1 192.0.2.2:053 # port 53\n}\n",
	    &cfg, &d, path), 0);
	ck_assert_uint_eq(d.count, 0);
	ck_assert_uint_eq(cfg.nupstreams, 1);
	ck_assert_uint_eq(cfg.upstreams[0].nservers, 8);
	for (i = 0; i < 8; i++)
		ck_assert_str_eq(cfg.upstreams[0].servers[i], want[i]);
	done(&cfg, &d, path);
}
END_TEST

/* A listen owner and group are looked up when the config is read. */
START_TEST(listen_owner_group)
{
	struct rf_config cfg;
	struct rf_diag d;
	char path[64];

	ck_assert_int_eq(load_cfg("listen /tmp/rf.sock\n", &cfg, &d, path), 0);
	ck_assert(cfg.listen.uid == (uid_t)-1);
	ck_assert(cfg.listen.gid == (gid_t)-1);
	done(&cfg, &d, path);

	ck_assert_int_eq(load_cfg("listen /tmp/rf.sock { owner root; group 4321 }"
	    "\n", &cfg, &d, path), 0);
	ck_assert(cfg.listen.uid == 0);
	ck_assert(cfg.listen.gid == 4321);
	ck_assert_str_eq(cfg.listen.owner, "root");
	done(&cfg, &d, path);

	ck_assert_int_eq(load_cfg("listen /tmp/rf.sock {\n"
	    " owner refract-no-such-user\n group 12x\n}\n", &cfg, &d, path),
	    -1);
	ck_assert_uint_eq(d.count, 2);
	want_msg(&d, 0, path, 2,
	    "'owner': no user 'refract-no-such-user' (a name or a number)");
	want_msg(&d, 1, path, 3,
	    "'group': no group '12x' (a name or a number)");
	done(&cfg, &d, path);
}
END_TEST

Suite *
conf_suite(void)
{
	Suite *s = suite_create("conf");
	TCase *tc = tcase_create("conf");

	tcase_add_test(tc, statements_and_blocks);
	tcase_add_test(tc, order_is_kept);
	tcase_add_test(tc, syntax_errors);
	tcase_add_test(tc, value_helpers);
	tcase_add_test(tc, zone_ids_and_paths);
	tcase_add_test(tc, config_errors);
	tcase_add_test(tc, missing_file);
	tcase_add_test(tc, hash_inside_a_word);
	tcase_add_test(tc, numbers_decimal_mode_octal);
	tcase_add_test(tc, server_notation);
	tcase_add_test(tc, listen_owner_group);
	tcase_add_test(tc, backslash_newline_in_string);
	suite_add_tcase(s, tc);
	return s;
}
