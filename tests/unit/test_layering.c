/* tests/unit/test_layering.c - the core's include graph keeps the layers of
 * docs/architecture.md: lib < net < iscsi < dump, boot; dump/ and boot/
 * sit side by side (neither includes the other). Reads the sources, so it
 * runs from the repository root (as tests/run.sh does). */
#include "tests/unit/check.h"
#include <dirent.h>
#include <stdio.h>
#include <string.h>

/* Count the #include "X/..." lines of the .c/.h files in dir for each
 * forbidden X; prints the offenders. -1 when dir cannot be read. */
static int forbidden_includes(const char *dir, const char *const *bad, int nbad)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int hits = 0, files = 0;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		char path[512], line[512];
		FILE *f;

		if (n < 3 || e->d_name[n - 2] != '.' ||
		    (e->d_name[n - 1] != 'c' && e->d_name[n - 1] != 'h'))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (!(f = fopen(path, "r")))
			continue;
		files++;
		while (fgets(line, sizeof(line), f))
			for (int i = 0; i < nbad; i++) {
				char pat[64];

				snprintf(pat, sizeof(pat), "#include \"%s/", bad[i]);
				if (!strncmp(line, pat, strlen(pat))) {
					printf("  %s: %s", path, line);
					hits++;
				}
			}
		fclose(f);
	}
	closedir(d);
	return files ? hits : -1;
}

static void test_lower_layers_do_not_look_up(void)
{
	static const char *const above_lib[] = { "net", "iscsi", "dump", "boot" };

	CHECK_EQ(forbidden_includes("lib", above_lib, 4), 0);
	CHECK_EQ(forbidden_includes("net", above_lib + 1, 3), 0);
	CHECK_EQ(forbidden_includes("iscsi", above_lib + 2, 2), 0);
}

/* The crash flow gets its settings from its caller (arch/x86), not from
 * boot/settings.h. */
static void test_dump_and_boot_side_by_side(void)
{
	static const char *const boot[] = { "boot" }, *const dump[] = { "dump" };

	CHECK_EQ(forbidden_includes("dump", boot, 1), 0);
	CHECK_EQ(forbidden_includes("boot", dump, 1), 0);
}

int main(void)
{
	check_suite = "layering";
	RUN(test_lower_layers_do_not_look_up);
	RUN(test_dump_and_boot_side_by_side);
	return CHECK_DONE();
}
