/*
 * Config syntax parser: a small hand-written lexer feeding a recursive
 * block reader.  It only builds the tree; meaning is given by the
 * consumers, which is what lets later rules add their own blocks without
 * touching this file.
 */
#include "lib/conf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/buf.h"

#define CONF_MAX_DEPTH 16
#define CONF_MAX_SIZE  (16u << 20)

enum tok {
	TOK_EOF,
	TOK_WORD,
	TOK_END,   /* newline or ';' */
	TOK_OPEN,  /* { */
	TOK_CLOSE, /* } */
	TOK_ERROR,
};

struct lexer {
	const char *p, *end;
	const char *file;
	unsigned line;
	unsigned tok_line;
	struct rf_buf word;
	struct rf_diag *diag;
	int errors;
};

static bool
at_eol(const char *p, const char *end)
{
	return p < end && *p == '\n';
}

/* Report \c, with c as a hex byte unless it prints as itself. */
static void
bad_escape(struct lexer *lx, char c)
{
	unsigned char u = (unsigned char)c;

	if (u > ' ' && u < 0x7f)
		rf_diag_add(lx->diag, lx->file, lx->tok_line,
		    "unknown escape '\\%c' in string", c);
	else
		rf_diag_add(lx->diag, lx->file, lx->tok_line,
		    "unknown escape in string: '\\' followed by byte 0x%02x",
		    u);
	lx->errors++;
}

static enum tok
lex(struct lexer *lx)
{
	for (;;) {
		if (lx->p >= lx->end)
			return TOK_EOF;
		if (*lx->p == '#') {
			while (lx->p < lx->end && *lx->p != '\n')
				lx->p++;
			continue;
		}
		if (*lx->p == ' ' || *lx->p == '\t' || *lx->p == '\r') {
			lx->p++;
			continue;
		}
		break;
	}
	lx->tok_line = lx->line;
	switch (*lx->p) {
	case '\n':
		lx->p++;
		lx->line++;
		return TOK_END;
	case ';':
		lx->p++;
		return TOK_END;
	case '{':
		lx->p++;
		return TOK_OPEN;
	case '}':
		lx->p++;
		return TOK_CLOSE;
	default:
		break;
	}
	rf_buf_reset(&lx->word);
	if (*lx->p == '"') {
		lx->p++;
		for (;;) {
			char c;

			if (lx->p >= lx->end || *lx->p == '\n') {
				rf_diag_add(lx->diag, lx->file, lx->tok_line,
				    "unterminated quoted string");
				lx->errors++;
				return TOK_ERROR;
			}
			c = *lx->p++;
			if (c == '"')
				break;
			if (c == '\\' && (at_eol(lx->p, lx->end) ||
			    (lx->p < lx->end && *lx->p == '\r' &&
			    at_eol(lx->p + 1, lx->end)))) {
				/* no continuation lines: the newline is left
				 * for the caller, which counts it */
				rf_diag_add(lx->diag, lx->file, lx->tok_line,
				    "'\\' at the end of a line in a quoted "
				    "string (a string ends on its line)");
				lx->errors++;
				return TOK_ERROR;
			}
			if (c == '\\' && lx->p < lx->end) {
				c = *lx->p++;
				if (c == 'n')
					c = '\n';
				else if (c == 't')
					c = '\t';
				else if (c != '"' && c != '\\')
					bad_escape(lx, c);
			}
			if (c == '\0') {
				rf_diag_add(lx->diag, lx->file, lx->tok_line,
				    "NUL byte in string");
				lx->errors++;
				continue;
			}
			rf_buf_addc(&lx->word, c);
		}
		return TOK_WORD;
	}
	while (lx->p < lx->end) {
		char c = *lx->p;

		/* '#' inside a word is part of it (a comment starts only
		 * where a word would) */
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
		    c == ';' || c == '{' || c == '}' || c == '"')
			break;
		if (c == '\0') {
			rf_diag_add(lx->diag, lx->file, lx->line,
			    "NUL byte in config");
			lx->errors++;
			lx->p++;
			continue;
		}
		rf_buf_addc(&lx->word, c);
		lx->p++;
	}
	return TOK_WORD;
}

static struct rf_conf_node *
add_child(struct rf_conf_node *parent, struct lexer *lx)
{
	struct rf_conf_node *n;

	rf_grow(&parent->children, &parent->cap, parent->nchildren + 1,
	    sizeof(*parent->children));
	n = &parent->children[parent->nchildren++];
	memset(n, 0, sizeof(*n));
	n->key = rf_xstrdup(rf_buf_cstr(&lx->word));
	n->file = lx->file;
	n->line = lx->tok_line;
	return n;
}

static void
add_arg(struct rf_conf_node *n, struct lexer *lx)
{
	n->args = rf_xreallocarray(n->args, n->nargs + 1, sizeof(*n->args));
	n->args[n->nargs++] = rf_xstrdup(rf_buf_cstr(&lx->word));
}

/*
 * Read statements into parent until '}' (depth > 0) or end of input.
 * Returns the token that ended the block.
 */
static enum tok
read_block(struct lexer *lx, struct rf_conf_node *parent, int depth,
    unsigned open_line)
{
	struct rf_conf_node *cur = NULL;

	for (;;) {
		enum tok t = lex(lx);

		switch (t) {
		case TOK_EOF:
			if (depth > 0) {
				rf_diag_add(lx->diag, lx->file, open_line,
				    "block opened here is not closed");
				lx->errors++;
			}
			return t;
		case TOK_ERROR:
			/* skip the rest of the line */
			while (lx->p < lx->end && *lx->p != '\n')
				lx->p++;
			cur = NULL;
			break;
		case TOK_WORD:
			if (cur == NULL) {
				size_t idx = parent->nchildren;

				add_child(parent, lx);
				cur = &parent->children[idx];
			} else {
				add_arg(cur, lx);
			}
			break;
		case TOK_END:
			cur = NULL;
			break;
		case TOK_OPEN: {
			size_t idx;
			unsigned line = lx->tok_line;

			if (cur == NULL) {
				rf_diag_add(lx->diag, lx->file, line,
				    "'{' must follow a key on the same line");
				lx->errors++;
				rf_buf_reset(&lx->word);
				add_child(parent, lx);
				cur = &parent->children[parent->nchildren - 1];
			}
			if (depth + 1 > CONF_MAX_DEPTH) {
				rf_diag_add(lx->diag, lx->file, line,
				    "blocks nested too deeply");
				lx->errors++;
				return TOK_EOF;
			}
			/* cur may move when parent->children grows inside;
			 * keep its index. */
			idx = (size_t)(cur - parent->children);
			parent->children[idx].block = true;
			if (read_block(lx, &parent->children[idx], depth + 1,
			    line) == TOK_EOF)
				return TOK_EOF;
			cur = NULL;
			break;
		}
		case TOK_CLOSE:
			if (depth == 0) {
				rf_diag_add(lx->diag, lx->file, lx->tok_line,
				    "'}' without an open block");
				lx->errors++;
				cur = NULL;
				break;
			}
			return t;
		}
	}
}

int
rf_conf_parse_mem(const char *name, const char *text, size_t len,
    struct rf_conf_tree *tree, struct rf_diag *diag)
{
	struct lexer lx;

	memset(tree, 0, sizeof(*tree));
	tree->file = rf_xstrdup(name);
	tree->root.key = rf_xstrdup("");
	tree->root.file = tree->file;
	memset(&lx, 0, sizeof(lx));
	lx.p = text;
	lx.end = text + len;
	lx.file = tree->file;
	lx.line = 1;
	lx.diag = diag;
	rf_buf_init(&lx.word);
	read_block(&lx, &tree->root, 0, 0);
	rf_buf_fini(&lx.word);
	return lx.errors ? -1 : 0;
}

int
rf_conf_parse_file(const char *path, struct rf_conf_tree *tree,
    struct rf_diag *diag)
{
	struct rf_buf b;
	struct stat st;
	int fd, rc;

	rf_buf_init(&b);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		rf_diag_add(diag, path, 0, "cannot read: %s", strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode) || (size_t)st.st_size > CONF_MAX_SIZE) {
		rf_diag_add(diag, path, 0, "not a regular file under 16 MiB");
		goto fail;
	}
	for (;;) {
		ssize_t n = read(fd, rf_buf_reserve(&b, 65536), 65536);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rf_diag_add(diag, path, 0, "cannot read: %s",
			    strerror(errno));
			goto fail;
		}
		if (n == 0)
			break;
		b.len += (size_t)n;
		if (b.len > CONF_MAX_SIZE) {
			rf_diag_add(diag, path, 0, "file over 16 MiB");
			goto fail;
		}
	}
	close(fd);
	rc = rf_conf_parse_mem(path, b.data ? b.data : "", b.len, tree, diag);
	rf_buf_fini(&b);
	return rc;
fail:
	if (fd >= 0)
		close(fd);
	rf_buf_fini(&b);
	rf_conf_parse_mem(path, "", 0, tree, diag);
	return -1;
}

static void
node_fini(struct rf_conf_node *n)
{
	size_t i;

	for (i = 0; i < n->nargs; i++)
		free(n->args[i]);
	free(n->args);
	for (i = 0; i < n->nchildren; i++)
		node_fini(&n->children[i]);
	free(n->children);
	free(n->key);
}

void
rf_conf_tree_fini(struct rf_conf_tree *tree)
{
	node_fini(&tree->root);
	free(tree->file);
	memset(tree, 0, sizeof(*tree));
}

int
rf_conf_nargs(const struct rf_conf_node *n, size_t min, long max,
    struct rf_diag *diag)
{
	if (n->nargs < min || (max >= 0 && n->nargs > (size_t)max)) {
		if (max == (long)min)
			rf_diag_add(diag, n->file, n->line,
			    "'%s' takes %zu argument%s", n->key, min,
			    min == 1 ? "" : "s");
		else if (max < 0)
			rf_diag_add(diag, n->file, n->line,
			    "'%s' takes at least %zu argument%s", n->key, min,
			    min == 1 ? "" : "s");
		else
			rf_diag_add(diag, n->file, n->line,
			    "'%s' takes %zu to %ld arguments", n->key, min,
			    max);
		return -1;
	}
	return 0;
}

int
rf_conf_noblock(const struct rf_conf_node *n, struct rf_diag *diag)
{
	if (!n->block)
		return 0;
	rf_diag_add(diag, n->file, n->line, "'%s' does not take a block",
	    n->key);
	return -1;
}

void
rf_conf_unknown(const struct rf_conf_node *n, const char *context,
    struct rf_diag *diag)
{
	rf_diag_add(diag, n->file, n->line, "unknown key '%s' %s", n->key,
	    context);
}

int
rf_conf_int(const struct rf_conf_node *n, size_t i, long min, long max,
    long *out, struct rf_diag *diag)
{
	const char *s = n->args[i];
	const char *digits = s[0] == '-' ? s + 1 : s;
	char *end;
	long v;

	/* decimal only: "010" is ten and "0x10" a typo, as people read
	 * them; and no '+' or blanks, which strtol would skip */
	errno = 0;
	v = strtol(s, &end, 10);
	if (*digits < '0' || *digits > '9' || *end != '\0' || errno != 0 ||
	    v < min || v > max) {
		rf_diag_add(diag, n->file, n->line,
		    "'%s': '%s' is not a number from %ld to %ld", n->key, s,
		    min, max);
		return -1;
	}
	*out = v;
	return 0;
}

int
rf_conf_bool(const struct rf_conf_node *n, size_t i, bool *out,
    struct rf_diag *diag)
{
	const char *s = n->args[i];

	if (strcasecmp(s, "yes") == 0 || strcasecmp(s, "on") == 0 ||
	    strcasecmp(s, "true") == 0) {
		*out = true;
		return 0;
	}
	if (strcasecmp(s, "no") == 0 || strcasecmp(s, "off") == 0 ||
	    strcasecmp(s, "false") == 0) {
		*out = false;
		return 0;
	}
	rf_diag_add(diag, n->file, n->line, "'%s': '%s' is not yes or no",
	    n->key, s);
	return -1;
}

int
rf_conf_duration_ms(const struct rf_conf_node *n, size_t i,
    unsigned long unit_ms, unsigned long *out, struct rf_diag *diag)
{
	const char *s = n->args[i];
	char *end;
	unsigned long v, mul = unit_ms;

	errno = 0;
	if (*s < '0' || *s > '9')
		goto bad;
	v = strtoul(s, &end, 10);
	if (errno != 0)
		goto bad;
	if (strcmp(end, "ms") == 0)
		mul = 1;
	else if (strcmp(end, "s") == 0)
		mul = 1000;
	else if (strcmp(end, "m") == 0)
		mul = 60000;
	else if (strcmp(end, "h") == 0)
		mul = 3600000;
	else if (*end != '\0')
		goto bad;
	if (v > 86400000UL / mul)
		goto bad;
	*out = v * mul;
	return 0;
bad:
	rf_diag_add(diag, n->file, n->line,
	    "'%s': '%s' is not a duration (e.g. 500ms, 2s, 5m)", n->key, s);
	return -1;
}
