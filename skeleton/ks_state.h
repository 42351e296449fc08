/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * ks_state.h - a running program's state, pinned in bpffs, and the hot
 * upgrade that state makes possible.  ks_runtime.h includes it at its end;
 * the generated loader calls:
 *
 *	ks_state_command(&cli)	--status and --rollback, which run nothing
 *	ks_state_start(obj, &cli)	after open: --upgrade checks and reuses maps
 *	ks_state_loaded()	after load: the version is recorded, maps pinned
 *
 * and the runtime calls the rest: ks_state_link() after each attachment,
 * ks_state_take_over() before an XDP or tcx one, ks_state_waiting() where
 * the program waits (sleep, ring buffer polls, daemon), ks_state_stop()
 * when it detaches everything.
 *
 * The state of program NAME lives in /sys/fs/bpf/NAME/run-state (a name no
 * KernelScript identifier can take, so no pinned map of NAME clashes; bpffs
 * refuses names with dots):
 *
 *	version		an array map of one struct ks_version: which build
 *			runs, in which process, and the one before it
 *	maps/MAP	each map the programs share with the next version
 *	links/PROG@TARGET	each attachment ('/' and '.' in TARGET become ':')
 *	previous/PROG@TARGET	the program that link ran in the version
 *			before, for --rollback
 *
 * A normal start records itself and pins; a normal stop removes it all,
 * and its links go with it.  What a killed process leaves stays attached
 * until the next start removes it (or --upgrade takes it over).
 *
 * NAME --upgrade: a newer build of the same program checks each map the
 * running version pinned against its own declaration (kind, sizes, flags,
 * max_entries, the key and value types' BTF), refuses with the map and the
 * change, or reuses them all (bpf_map__reuse_fd).  Each attachment then
 * takes over the running version's link: the kernel swaps the program of
 * an XDP or tcx link in place (bpf_link_update), without a gap; other
 * links (tracepoints, probes) are made anew beside the old one, which goes
 * at the hand-over.  The hand-over happens when the new version first
 * waits: the record names the new process, links and maps the new version
 * lacks are unpinned, and the old process gets SIGUSR1, on which it exits
 * with status 0 at its next wait, detaching nothing.  A new version that
 * exits before it waits leaves the old one as it was.
 */
#ifndef KS_STATE_H
#define KS_STATE_H

#include <dirent.h>
#include <sys/file.h>

#define KS_VERSION_MAGIC 0x6b737631	/* "ksv1" */
#define KS_STATE_SUBDIR "run-state"

/* The value of the version map. */
struct ks_version {
	__u32 magic;
	__u32 generation;		/* 1 at a start, one more at each upgrade */
	__u64 source_hash;		/* of the .ks file the build came from */
	__u32 pid;			/* the process that runs it */
	__u32 prev_generation;		/* 0: nothing to roll back to */
	__u64 start_time;		/* the process's, from /proc: a reused pid is no match */
	__u64 since;			/* when it took over: seconds since the epoch */
	__u64 prev_hash;
};

/* A link this process took over, or made beside an old one, during an
 * upgrade: what the hand-over or a retreat needs. */
struct ks_handed {
	struct ks_attachment *a;
	int old_prog_fd;		/* the program the old version ran there */
	bool staged;			/* a new link beside the old (pinned as NAME+next) */
};

static struct {
	const char *name;		/* the program's: /sys/fs/bpf/NAME */
	__u64 source_hash;
	char dir[128];			/* /sys/fs/bpf/NAME/run-state */
	bool active;			/* this process keeps its state there */
	bool upgrading;			/* --upgrade, until the hand-over */
	int lock_fd;			/* flock of /sys/fs/bpf/NAME while deciding */
	struct ks_version old;		/* the version an upgrade replaces */
	struct ks_handed handed[KS_MAX_ATTACHMENTS];
	int nr_handed;
	const struct bpf_map *new_maps[64];	/* pinned by an upgrade not handed over yet */
	int nr_new_maps;
} ks_state = { .lock_fd = -1 };

/* Set by SIGUSR1: a newer version may have taken over. */
static volatile sig_atomic_t ks_state_notified;

static inline void ks_state_notify(int sig)
{
	(void)sig;
	ks_state_notified = 1;
}

/* Whether ks_state_waiting() has something to do. */
static inline bool ks_state_busy(void)
{
	return ks_state.upgrading || ks_state_notified;
}

/* register() during an upgrade: the kernel has the running version's
 * struct_ops under the same name, and libbpf 1.1 cannot swap it in place. */
static inline int ks_state_refuse_register(const struct bpf_map *map)
{
	if (!ks_state.upgrading)
		return 0;
	fprintf(stderr, "Failed to register %s: a struct_ops cannot be upgraded in place; "
		"stop the running version, then start this one\n", bpf_map__name(map));
	return -EBUSY;
}

/* ---- small helpers ------------------------------------------------------ */

/* The start time of process PID (clock ticks after boot), 0 when it is
 * gone (or a zombie). */
static inline __u64 ks_process_start(int pid)
{
	char path[64], buf[512];
	unsigned long long start = 0;
	const char *p;
	ssize_t n;
	int fd, field;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* after the command in parentheses: field 3, the state (a zombie
	   runs no more), then on to starttime, field 22 */
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ' || p[2] == 'Z' || p[2] == 'X')
		return 0;
	for (field = 2; p && field < 22; field++)
		p = strchr(p + 1, ' ');
	if (p)
		sscanf(p + 1, "%llu", &start);
	return start;
}

/* Whether V's process still runs. */
static inline bool ks_version_alive(const struct ks_version *v)
{
	return v->pid && ks_process_start((int)v->pid) == v->start_time;
}

/* The program the link at LINK_FD runs: a new fd for it, or -1. */
static inline int ks_link_prog_fd(int link_fd)
{
	struct bpf_link_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (link_fd < 0 || bpf_obj_get_info_by_fd(link_fd, &info, &len))
		return -1;
	return bpf_prog_get_fd_by_id(info.prog_id);
}

/* The program's name and the state's directory, from the command line. */
static inline void ks_state_name(const struct ks_command_line *cli)
{
	ks_state.name = cli->state_name;
	ks_state.source_hash = cli->source_hash;
	snprintf(ks_state.dir, sizeof(ks_state.dir), KS_BPFFS_DIR "/%s/" KS_STATE_SUBDIR,
		 ks_state.name);
}

static inline const char *ks_state_path(char *buf, size_t size, const char *sub,
					const char *name)
{
	int n = snprintf(buf, size, "%s/%s%s%s", ks_state.dir, sub, name ? "/" : "",
			 name ? name : "");

	if (n < 0 || (size_t)n >= size)
		buf[0] = '\0';	/* too long: names nothing */
	return buf;
}

/* The record under DIR/version into *V: 0, or -ENOENT when there is none. */
static inline int ks_version_read(struct ks_version *v)
{
	char path[192];
	__u32 zero = 0;
	int fd, err;

	memset(v, 0, sizeof(*v));
	fd = bpf_obj_get(ks_state_path(path, sizeof(path), "version", NULL));
	if (fd < 0)
		return -errno;
	err = bpf_map_lookup_elem(fd, &zero, v) ? -errno : 0;
	close(fd);
	if (!err && v->magic != KS_VERSION_MAGIC)
		err = -ENOENT;
	return err;
}

static inline int ks_version_write(const struct ks_version *v)
{
	char path[192];
	__u32 zero = 0;
	int fd, err;

	ks_state_path(path, sizeof(path), "version", NULL);
	fd = bpf_obj_get(path);
	if (fd < 0) {
		fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "ks_version", sizeof(__u32),
				    sizeof(*v), 1, NULL);
		if (fd < 0 || bpf_obj_pin(fd, path)) {
			err = -errno;
			if (fd >= 0)
				close(fd);
			return ks_fail(err, "record the version in %s", path);
		}
	}
	err = bpf_map_update_elem(fd, &zero, v, BPF_ANY) ? -errno : 0;
	close(fd);
	return err ? ks_fail(err, "record the version in %s", path) : 0;
}

/* Calls EACH with the name and the path of every pin in SUB (a directory
 * of the state), and ARG. */
static inline void ks_state_each(const char *sub, void (*each)(const char *name, const char *pin,
							    void *arg), void *arg)
{
	char path[192], pin[448];
	struct dirent *e;
	DIR *d = opendir(ks_state_path(path, sizeof(path), sub, NULL));

	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.' &&
		    snprintf(pin, sizeof(pin), "%s/%s", path, e->d_name) < (int)sizeof(pin))
			each(e->d_name, pin, arg);
	if (d)
		closedir(d);
}

/* Unpins one; with DETACH (not NULL), a link detached first. */
static inline void ks_unpin(const char *name, const char *pin, void *detach)
{
	(void)name;
	if (detach) {
		int fd = bpf_obj_get(pin);

		if (fd >= 0) {
			bpf_link_detach(fd);
			close(fd);
		}
	}
	unlink(pin);
}

/*
 * Unpins everything in SUB and removes it.  With DETACH, SUB holds links,
 * each detached first (BPF_LINK_DETACH): the kernel drops an unpinned
 * object a little later, in the background, and an interface must be
 * free when this returns.  A link the kernel cannot detach (a
 * tracepoint's) blocks nothing and goes with its pin.
 */
static inline void ks_state_clear(const char *sub, bool detach)
{
	char path[192];

	ks_state_each(sub, ks_unpin, detach ? (void *)1 : NULL);
	rmdir(ks_state_path(path, sizeof(path), sub, NULL));
}

/* Removes the whole state directory; with DETACH, detaches what it
 * attached, else leaves that to the processes that hold it. */
static inline void ks_state_remove(bool detach)
{
	char path[192];

	ks_state_clear("maps", false);
	ks_state_clear("links", detach);
	ks_state_clear("previous", false);
	unlink(ks_state_path(path, sizeof(path), "version", NULL));
	rmdir(ks_state.dir);
	snprintf(path, sizeof(path), KS_BPFFS_DIR "/%s", ks_state.name);
	rmdir(path);	/* unless pinned maps are there */
}

/* The name of a's pin: PROG@TARGET, with ':' for '/' and '.' (which
 * bpffs refuses). */
static inline const char *ks_link_name(char *buf, size_t size, const struct ks_attachment *a)
{
	snprintf(buf, size, "%s%s%s", bpf_program__name(a->prog), *a->target ? "@" : "",
		 a->target);
	for (char *p = buf; *p; p++)
		if (*p == '/' || *p == '.')
			*p = ':';
	return buf;
}

/* A map the programs share with the next version: not the object's own
 * sections (globals, constants), not what ties it to this process (a
 * PROG_ARRAY holds this version's programs, a PERF_EVENT_ARRAY its perf
 * buffers), not a struct_ops, not one pinned by `pin var` already. */
static inline bool ks_map_carried(const struct bpf_map *map)
{
	enum bpf_map_type type = bpf_map__type(map);

	return !bpf_map__is_internal(map) && !bpf_map__pin_path(map) &&
	       type != BPF_MAP_TYPE_PROG_ARRAY && type != BPF_MAP_TYPE_PERF_EVENT_ARRAY &&
	       type != BPF_MAP_TYPE_STRUCT_OPS;
}

/* ---- comparing two maps' types ------------------------------------------ */

static inline __u32 ks_btf_skip_names(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	while (t && (btf_is_typedef(t) || btf_is_mod(t) || btf_is_type_tag(t))) {
		id = t->type;
		t = btf__type_by_id(btf, id);
	}
	return id;
}

/* Whether type IDA of A and IDB of B lay out the same data: the same
 * kinds, sizes and signedness, members of the same names at the same
 * offsets, arrays of the same lengths.  Names of types do not count. */
static inline bool ks_btf_same(const struct btf *a, __u32 ida, const struct btf *b, __u32 idb,
			       int depth)
{
	const struct btf_type *ta, *tb;

	ida = ks_btf_skip_names(a, ida);
	idb = ks_btf_skip_names(b, idb);
	ta = btf__type_by_id(a, ida);
	tb = btf__type_by_id(b, idb);
	if (!ta || !tb || depth > 32)
		return ta == tb;
	if (btf_kind(ta) != btf_kind(tb))
		return false;
	switch (btf_kind(ta)) {
	case BTF_KIND_INT:
		return ta->size == tb->size && btf_int_encoding(ta) == btf_int_encoding(tb) &&
		       btf_int_bits(ta) == btf_int_bits(tb) && btf_int_offset(ta) == btf_int_offset(tb);
	case BTF_KIND_ARRAY:
		return btf_array(ta)->nelems == btf_array(tb)->nelems &&
		       ks_btf_same(a, btf_array(ta)->type, b, btf_array(tb)->type, depth + 1);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION: {
		const struct btf_member *ma = btf_members(ta), *mb = btf_members(tb);

		if (ta->size != tb->size || btf_vlen(ta) != btf_vlen(tb))
			return false;
		for (int i = 0; i < btf_vlen(ta); i++, ma++, mb++)
			if (strcmp(btf__name_by_offset(a, ma->name_off),
				   btf__name_by_offset(b, mb->name_off)) ||
			    btf_member_bit_offset(ta, i) != btf_member_bit_offset(tb, i) ||
			    btf_member_bitfield_size(ta, i) != btf_member_bitfield_size(tb, i) ||
			    !ks_btf_same(a, ma->type, b, mb->type, depth + 1))
				return false;
		return true;
	}
	case BTF_KIND_PTR:
		return true;
	default:
		return btf__resolve_size(a, ida) == btf__resolve_size(b, idb);
	}
}

/* "__u64 (8 bytes)", "struct stats (16 bytes)": type ID of BTF, for messages. */
static inline const char *ks_btf_describe(char *buf, size_t size, const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	const char *name = t ? btf__name_by_offset(btf, t->name_off) : NULL;
	const char *kind = "";

	while (t && (btf_is_mod(t) || btf_is_type_tag(t))) {
		id = t->type;
		t = btf__type_by_id(btf, id);
		name = t ? btf__name_by_offset(btf, t->name_off) : NULL;
	}
	if (t && btf_is_struct(t))
		kind = "struct ";
	else if (t && btf_is_union(t))
		kind = "union ";
	else if (t && btf_is_enum(t))
		kind = "enum ";
	if (t && btf_is_array(t))
		snprintf(buf, size, "an array of %u (%lld bytes)", btf_array(t)->nelems,
			 (long long)btf__resolve_size(btf, id));
	else
		snprintf(buf, size, "%s%s (%lld bytes)", kind, name && *name ? name : "a type",
			 (long long)btf__resolve_size(btf, id));
	return buf;
}

/* One change of map MAP, on stderr; first, once, the heading (*SAID). */
static inline void ks_map_change(const char *map, bool *said, const char *what,
				 const char *was, const char *is)
{
	if (!*said)
		fprintf(stderr, "Failed to upgrade %s: its maps changed since the running "
			"version %u:\n", ks_state.name, ks_state.old.generation);
	*said = true;
	fprintf(stderr, "  map %s: its %s was %s, it is %s in this version\n", map, what, was, is);
}

/*
 * Whether the key or the value (PART) of map MAP, OLD_SIZE bytes of type
 * OLD_ID in BTF OLD before, NOW_SIZE bytes of NOW_ID in NOW in this
 * build, changed: 1 after saying how, else 0.  The types count where both
 * have them.
 */
static inline int ks_map_part_changed(const char *map, bool *said, const char *part,
				      const struct btf *old, __u32 old_id, __u32 old_size,
				      const struct btf *now, __u32 now_id, __u32 now_size)
{
	bool typed = old && now && old_id && now_id;
	char what[16], was[96], is[96];

	if (old_size == now_size && (!typed || ks_btf_same(old, old_id, now, now_id, 0)))
		return 0;
	snprintf(what, sizeof(what), "%s %s", part, typed ? "type" : "size");
	if (typed) {
		ks_btf_describe(was, sizeof(was), old, old_id);
		ks_btf_describe(is, sizeof(is), now, now_id);
	} else {
		snprintf(was, sizeof(was), "%u bytes", old_size);
		snprintf(is, sizeof(is), "%u bytes", now_size);
	}
	ks_map_change(map, said, what, was, is);
	return 1;
}

/*
 * Whether map MAP of this build can take over the map pinned at FD: 0, or
 * 1 after a line that names each change (and first, once, the heading
 * "Failed to upgrade": *SAID records that it was printed).
 */
static inline int ks_map_changed(const struct bpf_map *map, int fd, bool *said)
{
	const char *name = bpf_map__name(map);
	const struct btf *now = ks_object ? bpf_object__btf(ks_object) : NULL;
	struct bpf_map_info info;
	__u32 len = sizeof(info);
	struct btf *old = NULL;
	char was[32], is[32];
	int changed = 0;

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len)) {
		ks_fail(errno, "read map %s of the running version", name);
		return 1;
	}
	if (info.type != bpf_map__type(map)) {
		ks_map_change(name, said, "kind", libbpf_bpf_map_type_str((enum bpf_map_type)info.type),
			      libbpf_bpf_map_type_str(bpf_map__type(map)));
		changed = 1;
	} else if (info.max_entries != bpf_map__max_entries(map)) {
		snprintf(was, sizeof(was), "%u entries", info.max_entries);
		snprintf(is, sizeof(is), "%u entries", bpf_map__max_entries(map));
		ks_map_change(name, said, "size", was, is);
		changed = 1;
	}
	if (info.map_flags != bpf_map__map_flags(map)) {
		snprintf(was, sizeof(was), "%#x", info.map_flags);
		snprintf(is, sizeof(is), "%#x", bpf_map__map_flags(map));
		ks_map_change(name, said, "flags", was, is);
		changed = 1;
	}
	if (info.btf_id && now)
		old = btf__load_from_kernel_by_id(info.btf_id);
	changed |= ks_map_part_changed(name, said, "key", old, info.btf_key_type_id, info.key_size,
				       now, bpf_map__btf_key_type_id(map), bpf_map__key_size(map));
	changed |= ks_map_part_changed(name, said, "value", old, info.btf_value_type_id,
				       info.value_size, now, bpf_map__btf_value_type_id(map),
				       bpf_map__value_size(map));
	btf__free(old);
	return changed;
}

/* ---- starting ----------------------------------------------------------- */

/* Locks /sys/fs/bpf/NAME against another start or upgrade deciding at the
 * same time: 0, or -EWOULDBLOCK. */
static inline int ks_state_lock(void)
{
	char path[160];

	snprintf(path, sizeof(path), KS_BPFFS_DIR "/%s", ks_state.name);
	if (mkdir(path, 0700) && errno != EEXIST)
		return ks_fail(errno, "create %s", path);
	ks_state.lock_fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (ks_state.lock_fd < 0)
		return ks_fail(errno, "open %s", path);
	if (flock(ks_state.lock_fd, LOCK_EX | LOCK_NB)) {
		close(ks_state.lock_fd);
		ks_state.lock_fd = -1;
		return -EWOULDBLOCK;
	}
	return 0;
}

static inline void ks_state_unlock(void)
{
	if (ks_state.lock_fd >= 0)
		close(ks_state.lock_fd);
	ks_state.lock_fd = -1;
}

static inline void ks_version_describe(char *buf, size_t size, const struct ks_version *v)
{
	snprintf(buf, size, "version %u (source %016llx)", v->generation,
		 (unsigned long long)v->source_hash);
}

/*
 * After the object is opened, before anything uses a map.  For --upgrade:
 * finds the running version, refuses (exit status 1) when a map changed,
 * else makes each pinned map this build's.  Otherwise nothing yet:
 * ks_state_loaded() records the version once the programs load.
 */
static inline int ks_state_start(struct bpf_object *obj, const struct ks_command_line *cli)
{
	struct sigaction sa;
	struct bpf_map *map;
	char path[192];
	int changed = 0, fd, err;
	bool said = false;

	ks_state_name(cli);
	ks_object = obj;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = ks_state_notify;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	if (!cli->upgrade)
		return 0;

	if (ks_ensure_bpffs())
		return -1;
	if (ks_state_lock()) {
		fprintf(stderr, "Failed to upgrade %s: another start or upgrade of it is under "
			"way\n", ks_state.name);
		return -1;
	}
	if (ks_version_read(&ks_state.old)) {
		fprintf(stderr, "Failed to upgrade %s: it is not running (nothing in %s); "
			"start it without --upgrade\n", ks_state.name, ks_state.dir);
		return -1;
	}
	bpf_object__for_each_map(map, obj) {
		if (!ks_map_carried(map))
			continue;
		fd = bpf_obj_get(ks_state_path(path, sizeof(path), "maps", bpf_map__name(map)));
		if (fd < 0)
			continue;	/* new in this version */
		changed |= ks_map_changed(map, fd, &said);
		err = changed ? 0 : bpf_map__reuse_fd(map, fd);
		close(fd);
		if (err)
			return ks_fail(err, "reuse map %s of the running version", bpf_map__name(map));
	}
	if (changed) {
		fprintf(stderr, "  the running version %u (pid %u) goes on untouched; a map of "
			"another layout needs a fresh start: stop it, then start this version\n",
			ks_state.old.generation, ks_state.old.pid);
		return -1;
	}
	ks_state.active = ks_state.upgrading = true;
	if (ks_verbose)
		fprintf(stderr, "upgrading %s from version %u (pid %u)\n", ks_state.name,
			ks_state.old.generation, ks_state.old.pid);
	return 0;
}

/* Pins the carried maps that are not pinned yet. */
static inline void ks_state_pin_maps(void)
{
	struct bpf_map *map;
	char path[192];

	ks_make_bpffs_dirs(ks_state_path(path, sizeof(path), "maps", "x"));
	bpf_object__for_each_map(map, ks_object) {
		if (!ks_map_carried(map) || bpf_map__fd(map) < 0)
			continue;
		ks_state_path(path, sizeof(path), "maps", bpf_map__name(map));
		if (!access(path, F_OK))
			continue;
		if (bpf_obj_pin(bpf_map__fd(map), path))
			fprintf(stderr, "warning: cannot pin map %s at %s (%s): an upgrade will "
				"start it empty\n", bpf_map__name(map), path, strerror(errno));
		else if (ks_state.upgrading && ks_state.nr_new_maps < 64)
			ks_state.new_maps[ks_state.nr_new_maps++] = map;
	}
}

/*
 * After the object loaded.  An upgrade pins its new maps; a normal start
 * records itself as the running version and pins the maps, unless another
 * process runs the program already (a second instance keeps no state and
 * cannot be upgraded: it says so), after removing what a process that is
 * gone left behind.
 */
static inline void ks_state_loaded(void)
{
	struct ks_version v;
	char what[64], path[192];

	if (!ks_state.name)
		return;
	if (ks_state.upgrading) {
		ks_state_pin_maps();
		return;
	}
	if (ks_ensure_bpffs() || ks_state_lock()) {
		fprintf(stderr, "note: %s keeps no state in %s, so it cannot be upgraded while it "
			"runs\n", ks_state.name, ks_state.dir);
		return;
	}
	if (!ks_version_read(&v)) {
		ks_version_describe(what, sizeof(what), &v);
		if (ks_version_alive(&v)) {
			fprintf(stderr, "note: %s already runs as pid %u (%s): this one keeps no "
				"state, and '%s --upgrade' would replace that one\n", ks_state.name,
				v.pid, what, ks_state.name);
			ks_state_unlock();
			return;
		}
		fprintf(stderr, "note: removing what %s left in %s when pid %u ended without "
			"stopping\n", what, ks_state.dir, v.pid);
		ks_state_remove(true);
	}
	memset(&v, 0, sizeof(v));
	v.magic = KS_VERSION_MAGIC;
	v.generation = 1;
	v.source_hash = ks_state.source_hash;
	v.pid = (__u32)getpid();
	v.start_time = ks_process_start((int)v.pid);
	v.since = (__u64)time(NULL);
	if (!ks_make_bpffs_dirs(ks_state_path(path, sizeof(path), "links", "x")) &&
	    !ks_version_write(&v)) {
		ks_state.active = true;
		ks_state_pin_maps();
	}
	ks_state_unlock();
}

/* ---- links -------------------------------------------------------------- */

/*
 * Before attaching a: during an upgrade, the running version's link of the
 * same name, when it has one and the kernel swaps programs in it (XDP,
 * tcx), now runs PROG_FD and becomes a's.  1 when it did, 0 when a is to
 * be attached anew.
 */
static inline int ks_state_take_over(struct ks_attachment *a, int prog_fd)
{
	char name[128], path[320];
	struct ks_handed *h;
	int fd;

	if (!ks_state.upgrading || ks_state.nr_handed == KS_MAX_ATTACHMENTS)
		return 0;
	fd = bpf_obj_get(ks_state_path(path, sizeof(path), "links",
				       ks_link_name(name, sizeof(name), a)));
	if (fd < 0)
		return 0;
	h = &ks_state.handed[ks_state.nr_handed];
	h->old_prog_fd = ks_link_prog_fd(fd);
	if (bpf_link_update(fd, prog_fd, NULL)) {
		if (ks_verbose)
			fprintf(stderr, "link %s: the kernel does not swap its program (%s), "
				"making a new one\n", name, strerror(errno));
		if (h->old_prog_fd >= 0)
			close(h->old_prog_fd);
		close(fd);
		return 0;
	}
	if (a->kind == KS_ATTACH_LINK) {
		close(fd);
		a->link = bpf_link__open(path);
		if (!a->link)
			fprintf(stderr, "warning: link %s is updated but cannot be reopened: %s\n",
				name, strerror(errno));
	} else {
		a->link_fd = fd;
	}
	a->pinned = true;
	h->a = a;
	h->staged = false;
	ks_state.nr_handed++;
	if (ks_verbose)
		fprintf(stderr, "link %s now runs the new %s\n", name, bpf_program__name(a->prog));
	return 1;
}

/* After attaching a: its link is pinned, beside the running version's of
 * the same name during an upgrade (swapped at the hand-over). */
static inline void ks_state_link(struct ks_attachment *a)
{
	char name[128], path[320], next[336];
	struct ks_handed *h;
	int fd, old, err;

	if (!ks_state.active || a->pinned)
		return;
	fd = a->kind == KS_ATTACH_TCX ? a->link_fd : a->link ? bpf_link__fd(a->link) : -1;
	if (fd < 0)
		return;	/* XDP with mode flags, tc on the qdisc: no link to pin */
	ks_state_path(path, sizeof(path), "links", ks_link_name(name, sizeof(name), a));
	if (ks_state.upgrading && access(path, F_OK) == 0 &&
	    ks_state.nr_handed < KS_MAX_ATTACHMENTS) {
		h = &ks_state.handed[ks_state.nr_handed++];
		h->a = a;
		h->staged = true;
		old = bpf_obj_get(path);
		h->old_prog_fd = ks_link_prog_fd(old);
		if (old >= 0)
			close(old);
		snprintf(next, sizeof(next), "%s+next", path);
		unlink(next);
		err = bpf_obj_pin(fd, next);
	} else {
		err = bpf_obj_pin(fd, path);
	}
	if (err)
		fprintf(stderr, "warning: cannot pin the link of %s at %s (%s): an upgrade will "
			"attach it anew\n", bpf_program__name(a->prog), path, strerror(errno));
	else
		a->pinned = true;
}

/* Before a is undone: its pin goes, unless a newer version owns it now. */
static inline void ks_state_unpin(struct ks_attachment *a)
{
	char name[128], path[320];

	if (!a->pinned || !ks_state.active)
		return;
	ks_state_path(path, sizeof(path), "links", ks_link_name(name, sizeof(name), a));
	unlink(path);
	a->pinned = false;
}

/* ---- the hand-over ------------------------------------------------------ */

/* Whether the link pinned as NAME in links/ is one of this process's. */
static inline bool ks_state_owns_link(const char *name)
{
	char mine[128];

	for (int i = 0; i < ks_nr_attachments; i++)
		if (ks_attachments[i].used && ks_attachments[i].pinned &&
		    !strcmp(ks_link_name(mine, sizeof(mine), &ks_attachments[i]), name))
			return true;
	return false;
}

/* Unpins the link NAME unless it is one of this process's. */
static inline void ks_unpin_foreign_link(const char *name, const char *pin, void *arg)
{
	if (!ks_state_owns_link(name))
		ks_unpin(name, pin, arg);
}

/* Unpins the map NAME unless this version has it. */
static inline void ks_unpin_foreign_map(const char *name, const char *pin, void *arg)
{
	struct bpf_map *map = bpf_object__find_map_by_name(ks_object, name);

	if (!map || !ks_map_carried(map))
		ks_unpin(name, pin, arg);
}

/* This version takes over: the record names it, the old process leaves. */
static inline void ks_state_commit(void)
{
	char name[128], path[320], next[336], what[64];
	struct ks_version v;
	int i;

	ks_state.upgrading = false;
	ks_state_clear("previous", false);
	ks_make_bpffs_dirs(ks_state_path(path, sizeof(path), "previous", "x"));
	for (i = 0; i < ks_state.nr_handed; i++) {
		struct ks_handed *h = &ks_state.handed[i];

		ks_link_name(name, sizeof(name), h->a);
		if (h->staged) {
			ks_state_path(path, sizeof(path), "links", name);
			snprintf(next, sizeof(next), "%s+next", path);
			if (rename(next, path))
				fprintf(stderr, "warning: cannot pin the link of %s at %s: %s\n",
					bpf_program__name(h->a->prog), path, strerror(errno));
		}
		if (h->old_prog_fd >= 0) {
			bpf_obj_pin(h->old_prog_fd, ks_state_path(path, sizeof(path), "previous",
								  name));
			close(h->old_prog_fd);
		}
	}
	ks_state.nr_handed = 0;
	ks_state_each("links", ks_unpin_foreign_link, NULL);
	ks_state_each("maps", ks_unpin_foreign_map, NULL);

	memset(&v, 0, sizeof(v));
	v.magic = KS_VERSION_MAGIC;
	v.generation = ks_state.old.generation + 1;
	v.source_hash = ks_state.source_hash;
	v.pid = (__u32)getpid();
	v.start_time = ks_process_start((int)v.pid);
	v.since = (__u64)time(NULL);
	v.prev_generation = ks_state.old.generation;
	v.prev_hash = ks_state.old.source_hash;
	ks_version_write(&v);
	ks_state_unlock();
	if (ks_version_alive(&ks_state.old) && ks_state.old.pid != v.pid)
		kill((pid_t)ks_state.old.pid, SIGUSR1);
	ks_version_describe(what, sizeof(what), &v);
	fprintf(stderr, "%s: %s took over from version %u (pid %u)\n", ks_state.name, what,
		ks_state.old.generation, ks_state.old.pid);
}

/*
 * The upgrade ends without a hand-over (this process exits first): each
 * link taken over runs the old program again, links made beside old ones
 * go, and the running version is as it was.
 */
static inline void ks_state_retreat(void)
{
	char name[128], path[320], next[336];

	for (int i = 0; i < ks_state.nr_handed; i++) {
		struct ks_handed *h = &ks_state.handed[i];
		int fd = h->a->kind == KS_ATTACH_TCX ? h->a->link_fd
			 : h->a->link ? bpf_link__fd(h->a->link) : -1;

		if (h->staged) {
			ks_state_path(path, sizeof(path), "links", ks_link_name(name, sizeof(name), h->a));
			snprintf(next, sizeof(next), "%s+next", path);
			unlink(next);
		} else if (fd >= 0 && h->old_prog_fd >= 0 && bpf_link_update(fd, h->old_prog_fd, NULL)) {
			fprintf(stderr, "warning: cannot give link %s its old program back: %s\n",
				ks_link_name(name, sizeof(name), h->a), strerror(errno));
		}
		h->a->pinned = false;	/* the old version's, or gone */
		if (h->old_prog_fd >= 0)
			close(h->old_prog_fd);
	}
	ks_state.nr_handed = 0;
	for (int i = 0; i < ks_state.nr_new_maps; i++)	/* new in this version */
		unlink(ks_state_path(path, sizeof(path), "maps", bpf_map__name(ks_state.new_maps[i])));
	ks_state.nr_new_maps = 0;
	ks_state.upgrading = ks_state.active = false;
	ks_state_unlock();
	fprintf(stderr, "%s: the upgrade did not complete; version %u (pid %u) runs on as it was\n",
		ks_state.name, ks_state.old.generation, ks_state.old.pid);
}

/*
 * After a rollback: a link made anew (a tracepoint's) is pinned under an
 * attachment's name in place of the one this process holds, which it then
 * drops (that detaches it) to hold the pinned one; a link the previous
 * version did not have is unpinned, and its attachment dropped.
 */
static inline void ks_state_resync(void)
{
	char name[128], path[320];
	struct bpf_link_info mine, pinned;
	__u32 len;

	for (int i = 0; i < ks_nr_attachments; i++) {
		struct ks_attachment *a = &ks_attachments[i];
		int own = !a->used || !a->pinned ? -1 : a->kind == KS_ATTACH_TCX ? a->link_fd
			  : a->link ? bpf_link__fd(a->link) : -1;
		int fd;

		if (own < 0)
			continue;
		fd = bpf_obj_get(ks_state_path(path, sizeof(path), "links",
					       ks_link_name(name, sizeof(name), a)));
		memset(&mine, 0, sizeof(mine));
		memset(&pinned, 0, sizeof(pinned));
		len = sizeof(mine);
		bpf_obj_get_info_by_fd(own, &mine, &len);
		len = sizeof(pinned);
		if (fd >= 0) {
			bpf_obj_get_info_by_fd(fd, &pinned, &len);
			close(fd);
		}
		if (fd >= 0 && mine.id == pinned.id)
			continue;
		if (fd < 0) {	/* gone with the rollback */
			a->pinned = false;
			ks_undo(a);
		} else {
			bpf_link__destroy(a->link);
			a->link = bpf_link__open(path);
		}
		if (ks_verbose)
			fprintf(stderr, "link %s %s by a rollback\n", name,
				fd < 0 ? "was removed" : "was made anew");
	}
}

/*
 * Where the program waits (sleep, ring buffer polls, daemon): an upgrade
 * hands over the first time; after SIGUSR1, a process that a newer
 * version replaced exits with status 0, leaving its links to that one.
 */
static inline void ks_state_waiting(void)
{
	struct ks_version v;

	if (ks_state.upgrading)
		ks_state_commit();
	if (!ks_state_notified)
		return;
	ks_state_notified = 0;
	if (!ks_state.active || ks_version_read(&v))
		return;
	if (v.pid == (__u32)getpid()) {
		ks_state_resync();
		return;
	}
	ks_state.active = false;	/* nothing of it is this process's now */
	for (int i = 0; i < ks_nr_attachments; i++)
		ks_attachments[i].pinned = false;
	fprintf(stderr, "%s: version %u (pid %u) took over; exiting\n", ks_state.name,
		v.generation, v.pid);
	exit(0);
}

/* daemon() moved the program into another process: the record follows. */
static inline void ks_state_moved(void)
{
	struct ks_version v;

	if (!ks_state.active || ks_version_read(&v))
		return;
	v.pid = (__u32)getpid();
	v.start_time = ks_process_start((int)v.pid);
	ks_version_write(&v);
}

/*
 * The program stops, and a normal stop removes the state: with DETACH,
 * the links too (everything is being detached).  Without, before exec():
 * the new program could not remove pins when it ends, so there are none,
 * and the links stay attached through the descriptors it inherits, and
 * end with it.
 */
static inline void ks_state_stop(bool detach)
{
	if (ks_state.upgrading)
		ks_state_retreat();
	if (!ks_state.active)
		return;
	ks_state.active = false;
	for (int i = 0; i < ks_nr_attachments; i++)
		ks_attachments[i].pinned = false;
	ks_state_remove(detach);
}

/* ---- --status and --rollback -------------------------------------------- */

/* --status's line of the link pinned at PIN. */
static inline void ks_show_link(const char *name, const char *pin, void *arg)
{
	struct bpf_link_info info;
	struct bpf_prog_info prog;
	__u32 len = sizeof(info), plen = sizeof(prog);
	int fd = bpf_obj_get(pin), pfd;

	(void)arg;
	memset(&info, 0, sizeof(info));
	memset(&prog, 0, sizeof(prog));
	if (fd >= 0 && !bpf_obj_get_info_by_fd(fd, &info, &len)) {
		pfd = bpf_prog_get_fd_by_id(info.prog_id);
		if (pfd >= 0) {
			bpf_obj_get_info_by_fd(pfd, &prog, &plen);
			close(pfd);
		}
		printf("  link %-28s id %u, program id %u (%s)\n", name, info.id, info.prog_id,
		       prog.name);
	}
	if (fd >= 0)
		close(fd);
}

/* --status's line of the map pinned at PIN. */
static inline void ks_show_map(const char *name, const char *pin, void *arg)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info);
	int fd = bpf_obj_get(pin);

	(void)arg;
	memset(&info, 0, sizeof(info));
	if (fd >= 0 && !bpf_obj_get_info_by_fd(fd, &info, &len))
		printf("  map  %-28s id %u, %s of %u entries\n", name, info.id,
		       libbpf_bpf_map_type_str((enum bpf_map_type)info.type), info.max_entries);
	if (fd >= 0)
		close(fd);
}

/* --status: which version runs, where, with what.  0 when it runs. */
static inline int ks_state_status(void)
{
	struct ks_version v;
	char what[64], since[32];
	time_t t;
	bool alive;

	if (ks_version_read(&v)) {
		printf("%s is not running (nothing in %s)\n", ks_state.name, ks_state.dir);
		return 1;
	}
	alive = ks_version_alive(&v);
	t = (time_t)v.since;
	strftime(since, sizeof(since), "%Y-%m-%d %H:%M:%S", localtime(&t));
	ks_version_describe(what, sizeof(what), &v);
	printf("%s: %s, pid %u%s, since %s\n", ks_state.name, what, v.pid,
	       alive ? "" : " (gone: its programs stay attached until the next start)", since);
	if (v.prev_generation)
		printf("  previous: version %u (source %016llx), kept for --rollback\n",
		       v.prev_generation, (unsigned long long)v.prev_hash);
	ks_state_each("links", ks_show_link, NULL);
	ks_state_each("maps", ks_show_map, NULL);
	return alive ? 0 : 1;
}

/*
 * A new link of the tracepoint program PROG on the tracepoint of the link
 * named NAME ("PROG@category:event"): its fd, or a negative errno after a
 * message.  What libbpf's attach does, from a program's fd.
 */
static inline int ks_tracepoint_link(int prog, const char *name)
{
	char tp[128], path[256], id[32] = "";
	const char *at = strchr(name, '@');
	struct perf_event_attr attr;
	int fd, pfd, link;
	char *colon;
	ssize_t n;

	snprintf(tp, sizeof(tp), "%s", at ? at + 1 : "");
	colon = strchr(tp, ':');
	if (!colon)
		return ks_fail(EINVAL, "find the tracepoint of link %s", name);
	*colon = '/';
	if (ks_ensure_tracefs())
		return -ENOENT;
	snprintf(path, sizeof(path), "%s/events/%s/id", access(KS_DEBUGFS_TRACING_DIR, F_OK) ?
		 KS_TRACEFS_DIR : KS_DEBUGFS_TRACING_DIR, tp);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	n = fd >= 0 ? read(fd, id, sizeof(id) - 1) : -1;
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return ks_fail(errno ? errno : ENOENT, "read %s", path);
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_TRACEPOINT;
	attr.config = strtoull(id, NULL, 10);
	attr.sample_period = 1;
	attr.wakeup_events = 1;
	pfd = (int)syscall(__NR_perf_event_open, &attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	if (pfd < 0)
		return ks_fail(errno, "open tracepoint %s", tp);
	link = bpf_link_create(prog, pfd, BPF_PERF_EVENT, NULL);
	close(pfd);	/* the link holds the event */
	return link < 0 ? ks_fail(link, "attach the previous program to %s", tp) : link;
}

/*
 * The link pinned as NAME (fd LINK) runs PROG again.  With DOIT false,
 * only whether it can: the kernel swaps the program of an XDP or tcx link
 * in place; a tracepoint gets a new link, pinned over the old, which the
 * running process then drops (ks_state_resync()); other links cannot.  0,
 * 1 when the running process must be told, or -1 after a message.
 */
static inline int ks_rollback_link(const char *name, int link, int prog, bool doit)
{
	char path[320], next[336];
	struct bpf_prog_info pinfo;
	__u32 plen = sizeof(pinfo);
	int now = ks_link_prog_fd(link), err, fd;

	memset(&pinfo, 0, sizeof(pinfo));
	/* swapping in the program it runs already: whether it swaps at all
	   (tcx answers EEXIST) */
	err = bpf_link_update(link, doit ? prog : now, NULL) ? -errno : 0;
	if (now >= 0)
		close(now);
	if (!err || (!doit && err == -EEXIST))
		return 0;
	bpf_obj_get_info_by_fd(prog, &pinfo, &plen);
	if (err != -EINVAL || pinfo.type != BPF_PROG_TYPE_TRACEPOINT) {
		ks_fail(err, "roll back link %s", name);
		if (err == -EINVAL)
			fprintf(stderr, "  the kernel swaps the programs of XDP and tcx links, and "
				"tracepoints get new links; for this one, start the previous build "
				"with --upgrade\n");
		return -1;
	}
	if (!doit)
		return 0;
	fd = ks_tracepoint_link(prog, name);
	if (fd < 0)
		return -1;
	ks_state_path(path, sizeof(path), "links", name);
	snprintf(next, sizeof(next), "%s+next", path);
	unlink(next);
	err = bpf_obj_pin(fd, next) || rename(next, path) ? -errno : 0;
	close(fd);
	if (err) {
		unlink(next);
		return ks_fail(err, "pin the rolled back link %s", name), -1;
	}
	return 1;
}

/* How a rollback goes: what ks_rollback_each() does with each link. */
struct ks_rollback {
	bool doit;		/* false: only whether each link can roll back */
	unsigned int prev;	/* the previous version */
	int failed, done, tell;
};

/* The link NAME, whose previous program is pinned at PIN. */
static inline void ks_rollback_each(const char *name, const char *pin, void *arg)
{
	struct ks_rollback *r = arg;
	char link[320];
	int prog = bpf_obj_get(pin);
	int fd = bpf_obj_get(ks_state_path(link, sizeof(link), "links", name));
	int result = prog >= 0 && fd >= 0 ? ks_rollback_link(name, fd, prog, r->doit) : 0;

	r->failed |= result < 0;
	r->tell |= result > 0;
	r->done += r->doit && prog >= 0 && fd >= 0;
	if (prog >= 0)
		close(prog);
	if (fd >= 0)
		close(fd);
}

/* A link the previous version did not have (no program of it kept in
 * previous/): detached and unpinned. */
static inline void ks_rollback_drop_new(const char *name, const char *pin, void *arg)
{
	struct ks_rollback *r = arg;
	char kept[320];

	if (access(ks_state_path(kept, sizeof(kept), "previous", name), F_OK) == 0)
		return;
	ks_unpin(name, pin, (void *)1);	/* XDP, tcx; a tracepoint's goes with its holders */
	printf("%s: link %s is new since version %u: removed\n", ks_state.name, name, r->prev);
	r->tell = 1;
}

/*
 * --rollback: the program each link ran in the previous version runs in
 * it again; the record says so, and the running process goes on.  Every
 * link is checked before any changes.
 */
static inline int ks_state_rollback(void)
{
	struct ks_rollback r = { .doit = false };
	struct ks_version v;

	if (ks_version_read(&v)) {
		fprintf(stderr, "Failed to roll back %s: it is not running (nothing in %s)\n",
			ks_state.name, ks_state.dir);
		return 1;
	}
	if (!v.prev_generation) {
		fprintf(stderr, "Failed to roll back %s: no previous version is kept (version %u "
			"runs since a start or a rollback, not an upgrade)\n", ks_state.name,
			v.generation);
		return 1;
	}
	if (ks_state_lock()) {
		fprintf(stderr, "Failed to roll back %s: an upgrade of it is under way\n",
			ks_state.name);
		return 1;
	}
	r.prev = v.prev_generation;
	ks_state_each("previous", ks_rollback_each, &r);
	if (!r.failed) {
		r.doit = true;
		ks_state_each("previous", ks_rollback_each, &r);
	}
	if (!r.failed) {
		ks_state_each("links", ks_rollback_drop_new, &r);
		ks_state_clear("previous", false);
		v.generation = v.prev_generation;
		v.source_hash = v.prev_hash;
		v.prev_generation = 0;
		v.prev_hash = 0;
		v.since = (__u64)time(NULL);
		r.failed = ks_version_write(&v) ? 1 : 0;
	}
	ks_state_unlock();
	/* the running process drops the links that were replaced or removed */
	if (r.tell && ks_version_alive(&v))
		kill((pid_t)v.pid, SIGUSR1);
	if (!r.failed)
		printf("%s: rolled back to version %u (%d link%s)\n", ks_state.name, v.generation,
		       r.done, r.done == 1 ? "" : "s");
	return r.failed;
}

/* --status or --rollback, instead of running the program: the exit status. */
static inline int ks_state_command(const struct ks_command_line *cli)
{
	ks_state_name(cli);
	if (ks_ensure_bpffs())
		return 1;
	return cli->status ? ks_state_status() : ks_state_rollback();
}

#endif /* KS_STATE_H */
