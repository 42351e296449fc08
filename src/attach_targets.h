/* Which options of the generated program name attach() targets: main's
 * attach(prog, args.interface, 0) makes --interface a network interface,
 * so that --help calls its value NAME and a loader started without it
 * says "give --interface=NAME". */
#ifndef KS_ATTACH_TARGETS_H
#define KS_ATTACH_TARGETS_H

#include "sema.h"

/* The kinds of ks_options.h's enum ks_target, in its order. */
enum attach_target {
	ATTACH_TARGET_NONE,
	ATTACH_TARGET_INTERFACE,	/* @xdp, @tc */
	ATTACH_TARGET_TRACEPOINT,	/* @tracepoint */
	ATTACH_TARGET_FUNCTION,		/* @probe of a kernel function */
	ATTACH_TARGET_SYSCALL,		/* @probe of a syscall (ksyscall) */
};

/* What main attaches its program to with ARG.MEMBER, ARG being main's
 * parameter: the first such attach() decides. */
enum attach_target attach_target_of(const struct checked_program *cp, const char *member);

#endif
