/*
 * Unit tests for the meaning of config values (lib/config.c and the value
 * helpers of lib/conf.c): how numbers, modes, addresses and names are
 * read.  tests/checkconf/ has the whole-file diagnostics.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/conf.h"
#include "lib/config.h"

/* Write text to a temporary config file and load it. */
static int
load(const char *text, struct rf_config *cfg, struct rf_diag *d, char *path)
{
	struct rf_options o = { 0 };
	FILE *f;
	int fd;

	strcpy(path, "/tmp/rf-config-XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	o.config_path = path;
	rf_diag_init(d);
	return rf_config_load(cfg, &o, d);
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

	ck_assert_int_eq(load("zone a.example { file a.zone; id 010 }\n"
	    "listen /tmp/rf.sock { mode 444; max-connections 0100 }\n"
	    "cache { size 0010 }\n", &cfg, &d, path), 0);
	ck_assert_uint_eq(d.count, 0);
	ck_assert_int_eq(cfg.zones[0].id, 10);
	ck_assert_uint_eq(cfg.listen.mode, 0444);
	ck_assert_int_eq(cfg.listen.max_connections, 100);
	ck_assert_uint_eq(cfg.cache.max_entries, 10);
	done(&cfg, &d, path);

	ck_assert_int_eq(load("listen /tmp/rf.sock { mode 0660 }\n", &cfg, &d,
	    path), 0);
	ck_assert_uint_eq(cfg.listen.mode, 0660);
	done(&cfg, &d, path);

	ck_assert_int_eq(load("cache { size 0x10 }\n"
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

	ck_assert_int_eq(load("upstream u {\n"
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

	ck_assert_int_eq(load("listen /tmp/rf.sock\n", &cfg, &d, path), 0);
	ck_assert(cfg.listen.uid == (uid_t)-1);
	ck_assert(cfg.listen.gid == (gid_t)-1);
	done(&cfg, &d, path);

	ck_assert_int_eq(load("listen /tmp/rf.sock { owner root; group 4321 }"
	    "\n", &cfg, &d, path), 0);
	ck_assert(cfg.listen.uid == 0);
	ck_assert(cfg.listen.gid == 4321);
	ck_assert_str_eq(cfg.listen.owner, "root");
	done(&cfg, &d, path);

	ck_assert_int_eq(load("listen /tmp/rf.sock {\n"
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
config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("config");

	tcase_add_test(tc, numbers_decimal_mode_octal);
	tcase_add_test(tc, server_notation);
	tcase_add_test(tc, listen_owner_group);
	suite_add_tcase(s, tc);
	return s;
}
