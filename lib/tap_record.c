// SPDX-License-Identifier: MIT
/* The result record behind the summary screen (see tap_record.h). */
#include <anvil/tap_record.h>

#include <stddef.h>
#include <string.h>

#define TAP_RECORD_GROUP_SEP '/'

void tap_record_init(struct tap_record *r)
{
	memset(r, 0, sizeof(*r));
}

/* Copy at most cap-1 bytes of s[0..len) and terminate; control bytes become ' '. */
static void record_copy(char *dst, size_t cap, const char *s, size_t len)
{
	size_t n = len < cap - 1 ? len : cap - 1;

	for (size_t i = 0; i < n; i++)
		dst[i] = (unsigned char)s[i] < ' ' ? ' ' : s[i];
	dst[n] = '\0';
}

static struct tap_record_group *record_group(struct tap_record *r,
					     const char *name)
{
	const char *sep = strchr(name, TAP_RECORD_GROUP_SEP);
	size_t len = sep ? (size_t)(sep - name) : strlen(name);
	char key[TAP_RECORD_GROUP_MAX];

	record_copy(key, sizeof(key), name, len);
	for (uint32_t i = 0; i < r->group_count; i++)
		if (strcmp(r->groups[i].name, key) == 0)
			return &r->groups[i];
	if (r->group_count >= TAP_RECORD_GROUPS)
		return NULL;
	struct tap_record_group *g = &r->groups[r->group_count++];

	memcpy(g->name, key, sizeof(key));
	return g;
}

static void record_fail(struct tap_record *r, uint32_t number,
			const char *name, const char *reason)
{
	struct tap_record_fail *f;

	if (r->fail_count >= TAP_RECORD_FAILS) {
		r->fails_dropped++;
		return;
	}
	f = &r->fails[r->fail_count++];
	f->number = number;
	record_copy(f->name, sizeof(f->name), name, strlen(name));
	record_copy(f->reason, sizeof(f->reason), reason, strlen(reason));
}

void tap_record_add(struct tap_record *r, uint32_t number, enum tap_outcome o,
		    const char *name, const char *reason)
{
	struct tap_record_group *g;

	if (!r)
		return;
	if (!name)
		name = "";
	if (!reason)
		reason = "";
	r->total++;
	g = record_group(r, name);
	if (!g)
		r->groups_dropped++;
	switch (o) {
	case TAP_PASS:
		r->passed++;
		if (g)
			g->passed++;
		break;
	case TAP_FAIL:
		r->failed++;
		if (g)
			g->failed++;
		record_fail(r, number, name, reason);
		break;
	case TAP_SKIP:
		r->skipped++;
		if (g)
			g->skipped++;
		break;
	case TAP_TODO:
		r->todo++;
		if (g)
			g->todo++;
		break;
	}
}

enum tap_outcome tap_record_group_status(const struct tap_record_group *g)
{
	if (g->failed)
		return TAP_FAIL;
	if (g->passed)
		return TAP_PASS;
	return g->todo ? TAP_TODO : TAP_SKIP;
}
