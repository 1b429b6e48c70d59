/*
 * Diagnostic list for config and zone loading.
 */
#include "lib/diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"

void
rf_diag_init(struct rf_diag *d)
{
	memset(d, 0, sizeof(*d));
}

void
rf_diag_fini(struct rf_diag *d)
{
	size_t i;

	for (i = 0; i < d->count; i++)
		free(d->msgs[i]);
	free(d->msgs);
	memset(d, 0, sizeof(*d));
}

void
rf_diag_add(struct rf_diag *d, const char *file, unsigned line,
    const char *fmt, ...)
{
	struct rf_buf b;
	va_list ap;
	size_t max = d->max ? d->max : 1000;

	if (d->count >= max) {
		d->dropped++;
		return;
	}
	rf_buf_init(&b);
	if (file != NULL && line > 0)
		rf_buf_printf(&b, "%s:%u: ", file, line);
	else if (file != NULL)
		rf_buf_printf(&b, "%s: ", file);
	va_start(ap, fmt);
	rf_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	rf_grow(&d->msgs, &d->cap, d->count + 1, sizeof(*d->msgs));
	d->msgs[d->count++] = rf_xstrdup(rf_buf_cstr(&b));
	rf_buf_fini(&b);
}

void
rf_diag_move(struct rf_diag *dst, struct rf_diag *src)
{
	size_t i;

	for (i = 0; i < src->count; i++) {
		rf_grow(&dst->msgs, &dst->cap, dst->count + 1,
		    sizeof(*dst->msgs));
		dst->msgs[dst->count++] = src->msgs[i];
	}
	dst->dropped += src->dropped;
	free(src->msgs);
	src->msgs = NULL;
	src->count = src->cap = src->dropped = 0;
}
