/*
 * Unit tests for lib/name.c: canonical form, label arithmetic, wire form.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "lib/name.h"

static const char *
canon(const char *in)
{
	static char out[RF_NAME_TEXT_MAX + 1];
	size_t len;

	if (rf_name_canon(in, strlen(in), out, &len) < 0)
		return NULL;
	ck_assert_uint_eq(len, strlen(out));
	return out;
}

START_TEST(canon_basic)
{
	ck_assert_str_eq(canon("WwW.ExAmple.COM"), "www.example.com");
	ck_assert_str_eq(canon("www.example.com."), "www.example.com");
	ck_assert_str_eq(canon("."), "");
	ck_assert_str_eq(canon(""), "");
	ck_assert_str_eq(canon("*.Wild.example"), "*.wild.example");
}
END_TEST

START_TEST(canon_escapes)
{
	/* \065 is 'A', lowercased; a space is written as pdns writes it */
	ck_assert_str_eq(canon("\\065b.x"), "ab.x");
	ck_assert_str_eq(canon("a\\ b.x"), "a\\032b.x");
	ck_assert_str_eq(canon("a\\032b.x"), "a\\032b.x");
	ck_assert_str_eq(canon("a\\.b.x"), "a\\.b.x");
	ck_assert_str_eq(canon("a\\046b.x"), "a\\.b.x");
	ck_assert_str_eq(canon("a\\\\b.x"), "a\\\\b.x");
	ck_assert_str_eq(canon("\\255.x"), "\\255.x");
	/* an escaped final dot is part of the label, not the root */
	ck_assert_str_eq(canon("a\\."), "a\\.");
}
END_TEST

START_TEST(canon_invalid)
{
	char l63[64], l64[65], big[300];

	memset(l63, 'a', 63);
	l63[63] = '\0';
	memset(l64, 'a', 64);
	l64[64] = '\0';
	ck_assert_ptr_nonnull(canon(l63));
	ck_assert_ptr_null(canon(l64));
	ck_assert_ptr_null(canon("a..b"));
	ck_assert_ptr_null(canon(".a"));
	ck_assert_ptr_null(canon("a.."));
	ck_assert_ptr_null(canon("a\\"));
	ck_assert_ptr_null(canon("a\\25"));
	ck_assert_ptr_null(canon("a\\256"));
	ck_assert_ptr_null(canon("a\\9x"));
	/* 4 labels of 63 = 4*64+1 = 257 wire bytes: too long */
	snprintf(big, sizeof(big), "%s.%s.%s.%s", l63, l63, l63, l63);
	ck_assert_ptr_null(canon(big));
	/* 3 labels of 63 plus one of 61: 3*64 + 62 + 1 = 255: fits */
	snprintf(big, sizeof(big), "%s.%s.%s.%.61s", l63, l63, l63, l63);
	ck_assert_ptr_nonnull(canon(big));
	snprintf(big, sizeof(big), "%s.%s.%s.%.62s", l63, l63, l63, l63);
	ck_assert_ptr_null(canon(big));
}
END_TEST

/* Many short labels: rejected before the text outgrows the buffer (a
 * guard after the output would catch an overflow under ASan). */
START_TEST(canon_many_labels)
{
	static char in[4000];
	struct {
		char out[RF_NAME_TEXT_MAX + 1];
		char guard[64];
	} b;
	size_t i, len;

	memset(b.guard, 'G', sizeof(b.guard));
	/* 2000 one-byte labels: "a.a.a...a" */
	for (i = 0; i < sizeof(in); i++)
		in[i] = (i % 2) ? '.' : 'a';
	ck_assert_int_eq(rf_name_canon(in, sizeof(in) - 1, b.out, &len), -1);
	for (i = 0; i < sizeof(b.guard); i++)
		ck_assert_int_eq(b.guard[i], 'G');
	/* 800 labels of one byte written as 4 text characters each */
	for (i = 0; i < sizeof(in); i += 5)
		memcpy(in + i, "\\255.", 5);
	ck_assert_int_eq(rf_name_canon(in, sizeof(in) - 1, b.out, &len), -1);
	for (i = 0; i < sizeof(b.guard); i++)
		ck_assert_int_eq(b.guard[i], 'G');
}
END_TEST

START_TEST(labels_and_parents)
{
	size_t off;

	ck_assert_uint_eq(rf_name_labels("a.b.c", 5), 3);
	ck_assert_uint_eq(rf_name_labels("", 0), 0);
	ck_assert_uint_eq(rf_name_labels("a\\.b.c", 6), 2);
	ck_assert(rf_name_parent("a\\.b.c", 6, &off));
	ck_assert_uint_eq(off, 5);
	ck_assert(rf_name_parent("c", 1, &off));
	ck_assert_uint_eq(off, 1);
	ck_assert(!rf_name_parent("", 0, &off));
	ck_assert_uint_eq(rf_name_first_label_len("\\032x.y", 7), 5);
}
END_TEST

START_TEST(is_sub)
{
	ck_assert(rf_name_is_sub("www.example.com", 15, "example.com", 11));
	ck_assert(rf_name_is_sub("example.com", 11, "example.com", 11));
	ck_assert(rf_name_is_sub("example.com", 11, "", 0));
	ck_assert(!rf_name_is_sub("wwwexample.com", 14, "example.com", 11));
	ck_assert(!rf_name_is_sub("example.com", 11, "www.example.com", 15));
	/* an escaped dot does not end a label */
	ck_assert(!rf_name_is_sub("a\\.example.com", 14, "example.com", 11));
	ck_assert(rf_name_is_sub("x.a\\.example.com", 16, "a\\.example.com",
	    14));
	/* an escaped backslash before a dot leaves the dot a separator */
	ck_assert(rf_name_is_sub("a\\\\.example.com", 15, "example.com", 11));
	ck_assert(!rf_name_is_sub("a\\\\\\.example.com", 16, "example.com",
	    11));
	ck_assert(!rf_name_is_sub("xample.com", 10, "example.com", 11));
	ck_assert(!rf_name_is_sub("wexample.com", 12, "example.com", 11));
}
END_TEST

START_TEST(final_dot)
{
	ck_assert(rf_name_has_final_dot("a.", 2));
	ck_assert(!rf_name_has_final_dot("a\\.", 3));
	ck_assert(rf_name_has_final_dot("a\\\\.", 4));
	ck_assert(!rf_name_has_final_dot("a", 1));
}
END_TEST

START_TEST(wire)
{
	uint8_t w[RF_NAME_WIRE_MAX];
	char text[RF_NAME_TEXT_MAX + 2];
	int n;

	n = rf_name_to_wire("Www.Example.com.", 16, w);
	ck_assert_int_eq(n, 17);
	ck_assert_mem_eq(w, "\3www\7example\3com\0", 17);
	n = rf_name_to_wire(".", 1, w);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(w[0], 0);
	n = rf_name_to_wire("a\\.b\\032.c", 10, w);
	ck_assert_int_eq(n, 8);
	ck_assert_mem_eq(w, "\4a.b \1c\0", 8);
	ck_assert_int_eq(rf_name_to_wire("a..b", 4, w), -1);
	/* back to text keeps case and escapes odd bytes */
	ck_assert_uint_eq(rf_name_wire_to_text(
	    (const uint8_t *)"\3WwW\4a.b \0", text), 13);
	ck_assert_str_eq(text, "WwW.a\\.b\\032.");
	ck_assert_uint_eq(rf_name_wire_to_text((const uint8_t *)"\0", text),
	    1);
	ck_assert_str_eq(text, ".");
}
END_TEST

Suite *
name_suite(void)
{
	Suite *s = suite_create("name");
	TCase *tc = tcase_create("name");

	tcase_add_test(tc, canon_basic);
	tcase_add_test(tc, canon_escapes);
	tcase_add_test(tc, canon_invalid);
	tcase_add_test(tc, canon_many_labels);
	tcase_add_test(tc, labels_and_parents);
	tcase_add_test(tc, is_sub);
	tcase_add_test(tc, final_dot);
	tcase_add_test(tc, wire);
	suite_add_tcase(s, tc);
	return s;
}
