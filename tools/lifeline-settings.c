/* tools/lifeline-settings.c - show or patch the settings block embedded in
 * a lifeline image (build/lifeline.pxe or any file holding one), found by
 * its LLSETTINGS magic, without rebuilding:
 *   lifeline-settings IMAGE               print the settings, one per line
 *   lifeline-settings IMAGE key=value...  merge (key= removes a key)
 *   lifeline-settings IMAGE --clear       empty the block */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "attach/settings.h"
#include "lib/err.h"

#define MAX_PAIRS 64

struct pair { char key[SETTINGS_KEY_MAX]; char val[SETTINGS_PATH_MAX]; };
struct pairs { struct pair p[MAX_PAIRS]; int n; };

static unsigned char *load(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1)) &&
	    fread(buf, 1, (size_t)n, f) == (size_t)n) {
		*len = (size_t)n;
		fclose(f);
		return buf;
	}
	free(buf);
	fclose(f);
	return NULL;
}

/* Offset of the one valid block; -1 none, -2 more than one. */
static long find_block(const unsigned char *img, size_t len)
{
	long found = -1;

	for (size_t off = 0; off + SETTINGS_BLOCK_SIZE <= len; off++) {
		if (img[off] != 'L' || memcmp(img + off, "LLSETTINGS", 10))
			continue;
		if (settings_block_check(img + off, len - off) < 0)
			continue;
		if (found >= 0)
			return -2;
		found = (long)off;
	}
	return found;
}

static int pair_put(struct pairs *ps, const char *k, size_t kl, const char *v,
		    size_t vl)
{
	int i;

	if (kl >= SETTINGS_KEY_MAX || vl >= SETTINGS_PATH_MAX)
		return -1;
	for (i = 0; i < ps->n; i++)
		if (strlen(ps->p[i].key) == kl && !strncmp(ps->p[i].key, k, kl))
			break;
	if (i == ps->n) {
		if (ps->n == MAX_PAIRS)
			return -1;
		ps->n++;
	}
	memcpy(ps->p[i].key, k, kl);
	ps->p[i].key[kl] = 0;
	memcpy(ps->p[i].val, v, vl);
	ps->p[i].val[vl] = 0;
	return 0;
}

/* Split existing block text (already validated) into pairs. */
static void split_text(const char *t, size_t len, struct pairs *ps)
{
	size_t i = 0;

	while (i < len) {
		while (i < len && strchr(" \t\r\n", t[i]))
			i++;
		if (i >= len)
			break;
		size_t k = i;
		while (i < len && t[i] != '=')
			i++;
		size_t kl = i - k, v;
		char q = 0;
		i++;
		if (i < len && (t[i] == '"' || t[i] == '\''))
			q = t[i++];
		v = i;
		while (i < len && (q ? t[i] != q : !strchr(" \t\r\n", t[i])))
			i++;
		pair_put(ps, t + k, kl, t + v, i - v);
		if (q)
			i++;
	}
}

/* Serialize; values with spaces get the quote they do not contain. */
static int join(const struct pairs *ps, char *out, size_t cap)
{
	size_t n = 0;

	for (int i = 0; i < ps->n; i++) {
		const char *v = ps->p[i].val;
		const char *q = strpbrk(v, " \t") ? (strchr(v, '"') ? "'" : "\"") : "";
		if (!*v)
			continue;
		if (*q && strchr(v, '"') && strchr(v, '\''))
			return -1;
		int w = snprintf(out + n, cap - n, "%s%s=%s%s%s", n ? " " : "",
				 ps->p[i].key, q, v, q);
		if (w < 0 || (size_t)w >= cap - n)
			return -2;
		n += (size_t)w;
	}
	return (int)n;
}

static void print_block(const struct settings_block *b)
{
	struct pairs ps = { .n = 0 };

	split_text(b->sb_text, b->sb_length, &ps);
	for (int i = 0; i < ps.n; i++)
		printf("%s=%s\n", ps.p[i].key, ps.p[i].val);
	if (!ps.n)
		printf("(no settings)\n");
}

static int apply_args(struct settings_block *b, int argc, char **argv)
{
	static struct pairs ps;
	char text[SETTINGS_BLOCK_SIZE * 2];
	struct settings s;
	struct settings_err e;
	int n;

	ps.n = 0;
	if (!(argc == 1 && !strcmp(argv[0], "--clear")))
		split_text(b->sb_text, b->sb_length, &ps);
	for (int i = 0; i < argc && strcmp(argv[0], "--clear"); i++) {
		const char *eq = strchr(argv[i], '=');
		if (!eq || eq == argv[i] ||
		    pair_put(&ps, argv[i], (size_t)(eq - argv[i]), eq + 1,
			     strlen(eq + 1))) {
			fprintf(stderr, "lifeline-settings: bad or too long: %s\n", argv[i]);
			return 2;
		}
	}
	n = join(&ps, text, sizeof(text));
	if (n < 0 || n > SETTINGS_TEXT_MAX) {
		fprintf(stderr, "lifeline-settings: settings too long for the "
			"block (%d bytes max) or unquotable\n", SETTINGS_TEXT_MAX);
		return 2;
	}
	settings_init(&s);
	if (settings_parse_kv(&s, text, (size_t)n, 0, &e) < 0) {
		fprintf(stderr, "lifeline-settings: E%d %s: %s\n", -LL_ESETTING,
			ll_strerror(LL_ESETTING), e.key);
		return 2;
	}
	return settings_block_write(b, text, (size_t)n) < 0 ? 2 : 0;
}

static int save(const char *path, const unsigned char *img, size_t len)
{
	FILE *f = fopen(path, "r+b");
	int ok = f && fwrite(img, 1, len, f) == len;

	if (f && fclose(f))
		ok = 0;
	return ok ? 0 : -1;
}

int main(int argc, char **argv)
{
	unsigned char *img;
	size_t len = 0;
	long off;
	int rc;

	if (argc < 2) {
		fprintf(stderr, "usage: lifeline-settings IMAGE [key=value...|--clear]\n");
		return 2;
	}
	img = load(argv[1], &len);
	if (!img) {
		fprintf(stderr, "lifeline-settings: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	off = find_block(img, len);
	if (off < 0) {
		fprintf(stderr, "lifeline-settings: %s: %s\n", argv[1], off == -1 ?
			"no valid settings block (LLSETTINGS)" : "more than one settings block");
		free(img);
		return 1;
	}
	struct settings_block *b = (struct settings_block *)(img + off);
	if (argc == 2) {
		print_block(b);
		free(img);
		return 0;
	}
	rc = apply_args(b, argc - 2, argv + 2);
	if (!rc && save(argv[1], img, len) < 0) {
		fprintf(stderr, "lifeline-settings: %s: write failed\n", argv[1]);
		rc = 1;
	}
	free(img);
	return rc;
}
