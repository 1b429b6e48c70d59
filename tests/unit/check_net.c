/*
 * Unit tests for lib/net.c.
 */
#include <check.h>
#include <string.h>

#include "lib/net.h"

static struct rf_net
net(const char *s)
{
	struct rf_net n;

	ck_assert_int_eq(rf_net_parse(s, strlen(s), &n), 0);
	return n;
}

static struct rf_addr
addr(const char *s)
{
	struct rf_addr a;

	ck_assert_int_eq(rf_addr_parse(s, strlen(s), &a), 0);
	return a;
}

START_TEST(parse_and_match)
{
	struct rf_net n = net("10.0.0.0/8");
	struct rf_addr a = addr("10.200.1.1"), b = addr("11.0.0.1");
	struct rf_addr c;

	ck_assert(rf_net_contains(&n, &a));
	ck_assert(!rf_net_contains(&n, &b));
	n = net("192.0.2.128/25");
	ck_assert(rf_net_contains(&n, &(struct rf_addr){ 0 }) == false);
	c = addr("192.0.2.200");
	ck_assert(rf_net_contains(&n, &c));
	c = addr("192.0.2.127");
	ck_assert(!rf_net_contains(&n, &c));
	n = net("2001:db8::/32");
	c = addr("2001:db8:ffff::1");
	ck_assert(rf_net_contains(&n, &c));
	/* families never match each other */
	ck_assert(!rf_net_contains(&n, &a));
	n = net("0.0.0.0/0");
	ck_assert(rf_net_contains(&n, &a));
	n = net("192.0.2.1");
	ck_assert_uint_eq(n.prefix, 32);
	/* pdns may add %iface to link-local addresses */
	c = addr("fe80::1%eth0");
	ck_assert_uint_eq(c.family, 6);
}
END_TEST

/* a client known by a subnet is in a network only if all of it is */
START_TEST(subnet_in_nets)
{
	struct rf_net nets[2] = { net("10.0.0.0/8"), net("2001:db8::/32") };
	struct rf_addr a = addr("10.0.0.0"), b = addr("2001:db8::");

	ck_assert(rf_nets_contain_subnet(nets, 2, &a, 0));
	ck_assert(rf_nets_contain_subnet(nets, 2, &a, 24));
	ck_assert(rf_nets_contain_subnet(nets, 2, &a, 8));
	ck_assert(!rf_nets_contain_subnet(nets, 2, &a, 7));
	ck_assert(rf_nets_contain_subnet(nets, 2, &b, 48));
	ck_assert(!rf_nets_contain_subnet(nets, 2, &b, 31));
}
END_TEST

START_TEST(bad_input)
{
	struct rf_net n;
	struct rf_addr a;

	ck_assert_int_eq(rf_net_parse("10.0.0.1/8", 10, &n), -1); /* host bits */
	ck_assert_int_eq(rf_net_parse("10.0.0.0/33", 11, &n), -1);
	ck_assert_int_eq(rf_net_parse("10.0.0.0/", 9, &n), -1);
	ck_assert_int_eq(rf_net_parse("nonsense", 8, &n), -1);
	ck_assert_int_eq(rf_addr_parse("", 0, &a), -1);
	ck_assert_int_eq(rf_addr_parse("1.2.3", 5, &a), -1);
	ck_assert(rf_addr_is_any(&(struct rf_addr){ .family = 4 }));
	a = addr("0.0.0.0");
	ck_assert(rf_addr_is_any(&a));
	a = addr("::");
	ck_assert(rf_addr_is_any(&a));
	a = addr("127.0.0.1");
	ck_assert(!rf_addr_is_any(&a));
}
END_TEST

Suite *
net_suite(void)
{
	Suite *s = suite_create("net");
	TCase *tc = tcase_create("net");

	tcase_add_test(tc, parse_and_match);
	tcase_add_test(tc, bad_input);
	tcase_add_test(tc, subnet_in_nets);
	suite_add_tcase(s, tc);
	return s;
}
