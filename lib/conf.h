/*
 * The config file syntax: statements and nested blocks.
 *
 *   # comment to the end of the line
 *   key arg arg ...            one statement; ends at a newline or ';'
 *   key arg ... {              a block: statements, in order, up to '}'
 *       key arg
 *   }
 *
 * Words are bare (anything but whitespace and the characters {};") or
 * double-quoted with \" \\ \n \t escapes.  As in the shell, '#' starts
 * a comment only where a word would start: "192.0.2.1#53" is one word.
 * A '{' opens the block of the statement on its own line.  The parser
 * knows no keys: it produces an ordered tree, and each consumer
 * (lib/config.c, each rule) checks its own keys and reports unknown ones
 * with the node's file and line.
 */
#ifndef RF_CONF_H
#define RF_CONF_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/diag.h"

struct rf_conf_node {
	char *key;                     /* owned; "" only for the root */
	char **args;                   /* owned words after the key */
	size_t nargs;
	struct rf_conf_node *children; /* owned, in file order */
	size_t nchildren;
	size_t cap;
	bool block;                    /* written with { } */
	const char *file;              /* borrowed from the tree */
	unsigned line;
};

struct rf_conf_tree {
	struct rf_conf_node root;      /* key "", children = top statements */
	char *file;                    /* owned path, used by every node */
};

/**
 * Parse the file at path into tree.  Every syntax error goes to diag as
 * "path:line: message".
 * @return 0, or -1 if there were errors (the tree holds what parsed).
 */
int rf_conf_parse_file(const char *path, struct rf_conf_tree *tree,
    struct rf_diag *diag);
/** Same for text in memory; name is used as the file name. */
int rf_conf_parse_mem(const char *name, const char *text, size_t len,
    struct rf_conf_tree *tree, struct rf_diag *diag);
void rf_conf_tree_fini(struct rf_conf_tree *tree);

/*
 * Helpers for consumers.  Each reports a problem to diag with the node's
 * position and returns -1.
 */

/** Require between min and max arguments (max < 0: no limit). */
int rf_conf_nargs(const struct rf_conf_node *n, size_t min, long max,
    struct rf_diag *diag);
/**
 * Require that the statement has no { block }: a key that takes none
 * reports one as "'key' does not take a block".
 */
int rf_conf_noblock(const struct rf_conf_node *n, struct rf_diag *diag);
/** Report the node as an unknown key in context ("in zone block"). */
void rf_conf_unknown(const struct rf_conf_node *n, const char *context,
    struct rf_diag *diag);
/** Parse argument i as a decimal integer in [min, max] ("010" is 10). */
int rf_conf_int(const struct rf_conf_node *n, size_t i, long min, long max,
    long *out, struct rf_diag *diag);
/** Parse argument i as yes/no/on/off/true/false. */
int rf_conf_bool(const struct rf_conf_node *n, size_t i, bool *out,
    struct rf_diag *diag);
/**
 * Parse argument i as a duration: a number with an optional unit ms, s,
 * m, h (default unit: unit_ms milliseconds).
 */
int rf_conf_duration_ms(const struct rf_conf_node *n, size_t i,
    unsigned long unit_ms, unsigned long *out, struct rf_diag *diag);

#endif
