/* tests/unit/test_layering.c - the include graph keeps the layers of
 * docs/architecture.md, for every folder of the tree: each folder may
 * include only the folders its rule names (drivers see net/ only through
 * netdev.h and pcidev.h). Reads the sources, so it runs from the
 * repository root (as tests/run.sh does). */
#include "tests/lib/check.h"
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* A folder and the top-level folders its files may include ("self" is
 * implied). net_only: the net/ headers allowed when net is not listed. */
struct rule {
	const char *dir;
	const char *may[12];
	const char *net_only[3];
};

static const struct rule rules[] = {
	{ "lib",      { 0 }, { 0 } },
	{ "platform", { "lib" }, { 0 } },
	{ "net",      { "lib" }, { 0 } },
	{ "block",    { "lib" }, { 0 } },
	{ "drivers",  { "lib", "platform" }, { "netdev.h", "pcidev.h" } },
	{ "iscsi",    { "lib", "net", "block" }, { 0 } },
	{ "attach",   { "lib", "net", "block", "drivers", "iscsi" }, { 0 } },
	{ "boot",     { "lib", "platform", "net", "block", "drivers", "iscsi",
			"attach" }, { 0 } },
	{ "dump",     { "lib", "net", "block", "drivers", "iscsi", "attach" },
		{ 0 } },
	{ "arch",     { "lib", "platform", "net", "block", "drivers", "iscsi",
			"attach", "boot", "dump" }, { 0 } },
	{ "tools",    { "lib", "platform", "net", "block", "drivers", "iscsi",
			"attach", "boot", "dump" }, { 0 } },
	{ "tests",    { "lib", "platform", "net", "block", "drivers", "iscsi",
			"attach", "boot", "dump", "arch", "tools" }, { 0 } },
};

static int listed(const char *const *l, size_t n, const char *s, size_t len)
{
	for (size_t i = 0; i < n && l[i]; i++)
		if (strlen(l[i]) == len && !strncmp(l[i], s, len))
			return 1;
	return 0;
}

/* Is `#include "inc"` allowed in a file under r->dir? */
static int allowed(const struct rule *r, const char *inc)
{
	const char *slash = strchr(inc, '/');
	size_t top = slash ? (size_t)(slash - inc) : strlen(inc);

	if (!slash)               /* same-folder include: name the folder */
		return 0;
	if (strlen(r->dir) == top && !strncmp(inc, r->dir, top))
		return 1;
	if (listed(r->may, 12, inc, top))
		return 1;
	return top == 3 && !strncmp(inc, "net", 3) &&
	       listed(r->net_only, 3, slash + 1, strlen(slash + 1) - 1);
}

static int is_source(const char *name)
{
	size_t n = strlen(name);
	return n > 2 && name[n - 2] == '.' &&
	       (name[n - 1] == 'c' || name[n - 1] == 'h' || name[n - 1] == 'S');
}

static int check_file(const struct rule *r, const char *path)
{
	char line[512];
	int hits = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char inc[256];
		if (sscanf(line, " #include \"%255[^\"]\"", inc) != 1)
			continue;
		size_t n = strlen(inc);
		inc[n] = '"';     /* net_only compares up to the quote */
		inc[n + 1] = 0;
		if (!allowed(r, inc)) {
			inc[n] = 0;
			printf("  %s includes \"%s\" (not allowed under %s/)\n",
			       path, inc, r->dir);
			hits++;
		}
	}
	fclose(f);
	return hits;
}

/* Offending includes under dir (recursively); *files counts the sources. */
static int check_dir(const struct rule *r, const char *dir, int *files)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int hits = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char path[512];
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode))
			hits += check_dir(r, path, files);
		else if (is_source(e->d_name)) {
			(*files)++;
			hits += check_file(r, path);
		}
	}
	closedir(d);
	return hits;
}

static void test_every_folder_keeps_its_layer(void)
{
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		int files = 0;
		int hits = check_dir(&rules[i], rules[i].dir, &files);

		CHECK(files > 0 || !strcmp(rules[i].dir, "platform") ||
		      !strcmp(rules[i].dir, "block"));
		CHECK_EQ(hits, 0);
	}
}

/* Every top-level source folder has a rule (a new folder must get one). */
static void test_every_folder_has_a_rule(void)
{
	DIR *d = opendir(".");
	struct dirent *e;

	CHECK(d != NULL);
	while (d && (e = readdir(d))) {
		struct stat st;
		int found = 0, files = 0;

		if (e->d_name[0] == '.' || !strcmp(e->d_name, "build") ||
		    !strcmp(e->d_name, "docs") || stat(e->d_name, &st) < 0 ||
		    !S_ISDIR(st.st_mode))
			continue;
		for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
			found |= !strcmp(rules[i].dir, e->d_name);
		if (!found) {
			struct rule none = { e->d_name, { 0 }, { 0 } };
			check_dir(&none, e->d_name, &files);
			if (files)
				printf("  %s/: sources but no layering rule\n",
				       e->d_name);
			CHECK_EQ(files, 0);
		}
	}
	if (d)
		closedir(d);
}

static const struct rule *rule_for(const char *dir)
{
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (!strcmp(rules[i].dir, dir))
			return &rules[i];
	return NULL;
}

/* The rule itself: what the old tree did is refused. */
static void test_rules_refuse_upward_includes(void)
{
	const struct rule *boot = rule_for("boot"), *drivers = rule_for("drivers");
	const struct rule *tools = rule_for("tools"), *net = rule_for("net");
	const struct rule *dump = rule_for("dump"), *block = rule_for("block");

	CHECK(!allowed(boot, "arch/x86/realmode.h\""));   /* boot */
	CHECK(!allowed(drivers, "arch/x86/realmode.h\""));   /* drivers */
	CHECK(!allowed(drivers, "net/dhcp.h\""));            /* drivers */
	CHECK(allowed(drivers, "net/netdev.h\""));
	CHECK(!allowed(tools, "tests/hosted/pattern.h\"")); /* tools */
	CHECK(!allowed(net, "drivers/net/e1000.h\""));   /* net */
	CHECK(!allowed(dump, "boot/settings.h\""));       /* dump */
	CHECK(!allowed(boot, "dump/writer.h\""));         /* boot */
	CHECK(!allowed(boot, "check.h\""));               /* unnamed */
	CHECK(!allowed(block, "iscsi/blockdev.h\""));
	CHECK(allowed(dump, "block/blk.h\""));
}

int main(void)
{
	check_suite = "layering";
	RUN(test_every_folder_keeps_its_layer);
	RUN(test_every_folder_has_a_rule);
	RUN(test_rules_refuse_upward_includes);
	return CHECK_DONE();
}
