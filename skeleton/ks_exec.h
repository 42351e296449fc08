/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * ks_exec.h - exec(SCRIPT) in a program kernelscript generated: the
 * process becomes python3 running SCRIPT, and keeps the program's maps.
 *
 *	struct ks_handover maps[] = { { "counts", fd_of_counts } };
 *	ks_exec_python("analysis.py", maps, 1);
 *
 * The maps' file descriptors stay open across the exec, and their names
 * and numbers go in the environment as KS_MAPS=counts=5,seen=6.  The
 * Python module kernelscript writes beside the program (NAME.py, put on
 * PYTHONPATH here) reads them: the script says "import NAME" and uses
 * NAME.counts[key].  Never returns: when python3 cannot be run, the
 * program ends with a message and exit status 1.
 */
#ifndef KS_EXEC_H
#define KS_EXEC_H

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct ks_handover {
	const char *name;
	int fd;
};

/* FD stays open in the program exec() starts. */
static inline void ks_inherit_fd(int fd)
{
	int flags = fcntl(fd, F_GETFD);

	if (flags >= 0)
		fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC);
}

static inline __attribute__((noreturn)) void ks_exec_python(const char *script,
							    const struct ks_handover *maps,
							    size_t nr_maps)
{
	char list[4096] = "", dir[PATH_MAX], path[2 * PATH_MAX];
	size_t used = 0;
	ssize_t n;

	for (size_t i = 0; i < nr_maps; i++) {
		int len = snprintf(list + used, sizeof(list) - used, "%s%s=%d", i ? "," : "",
				   maps[i].name, maps[i].fd);
		if (len < 0 || (size_t)len >= sizeof(list) - used) {
			fprintf(stderr, "Failed to run %s: too many maps to hand over\n", script);
			exit(1);
		}
		used += (size_t)len;
		ks_inherit_fd(maps[i].fd);
	}
	/* the program's directory first on Python's path: NAME.py is there */
	n = readlink("/proc/self/exe", dir, sizeof(dir) - 1);
	dir[n > 0 ? n : 0] = 0;
	if (strrchr(dir, '/'))
		*strrchr(dir, '/') = 0;
	const char *old = getenv("PYTHONPATH");
	snprintf(path, sizeof(path), "%s%s%s", dir, old && *old ? ":" : "", old ? old : "");
	if (setenv("KS_MAPS", list, 1) || setenv("PYTHONPATH", path, 1)) {
		fprintf(stderr, "Failed to run %s: %s\n", script, strerror(errno));
		exit(1);
	}
	fflush(stdout);
	fflush(stderr);
	execlp("python3", "python3", script, (char *)NULL);
	fprintf(stderr, "Failed to run python3 %s: %s\n", script, strerror(errno));
	exit(1);
}

#endif /* KS_EXEC_H */
