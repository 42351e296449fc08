/* Which options of the generated program name attach() targets: main's
 * attach(prog, args.interface, 0) makes --interface a network interface,
 * so that --help calls its value NAME and a loader started without it
 * says "give --interface=NAME". */
#ifndef KS_ATTACH_TARGETS_H
#define KS_ATTACH_TARGETS_H

#include "prog_kinds.h"
#include "sema.h"

/* What main attaches its program to with ARG.MEMBER, ARG being main's
 * parameter, as the attached program's kind describes it (prog_kinds.h);
 * the first such attach() decides.  NULL: none does. */
const struct attach_target *attach_target_of(const struct checked_program *cp, const char *member);

#endif
