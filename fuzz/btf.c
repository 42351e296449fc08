/* libFuzzer harness: a BTF file (--btf-vmlinux-path names any file) read
 * by btf_raw.c, checked, indexed, and asked what the checker asks: raw
 * BTF or an ELF file with a .BTF section, damaged at will. */
#include "fuzz.h"

#include <stdlib.h>
#include <unistd.h>

#include "btf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every type's text, every struct's members: what reading a type does. */
static void read_all(const struct kernel_btf *kb)
{
	for (uint32_t id = 0; id < kernel_btf_type_count(kb); id++) {
		kernel_btf_type_text(kb, id);
		kernel_btf_size(kb, id);
		kernel_btf_struct_by_id(kb, id);
	}
	kernel_btf_is_struct(kb, "xdp_md");
	kernel_btf_func(kb, "do_exit");
	kernel_btf_enum(kb, "xdp_action");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[] = "/tmp/ks-fuzz-btf.XXXXXX";
	static int fd = -1;
	if (fd < 0) {
		fd = mkstemp(path);
		setenv("KERNELSCRIPT_CACHE_DIR", "", 1);	/* no index on disk */
	}
	if (fd < 0 || ftruncate(fd, 0) || pwrite(fd, data, size, 0) != (ssize_t)size)
		return 0;
	struct arena *a = arena_new();
	const char *why;
	struct kernel_btf *kb = kernel_btf_load(a, path, &why);
	if (kb)
		read_all(kb);
	kernel_btf_free(kb);
	arena_free(a);
	return 0;
}
