/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * ks_python.h - the Python modules a program kernelscript generated
 * imports (import NAME from "FILE.py"), run in CPython embedded in it.
 *
 * kernelscript compile copies each module into the project, beside the
 * program, as NAME.py (NAME the import's); the program loads it from
 * there, whatever the current directory, the first time it calls it:
 *
 *	static struct ks_py_module stats = { .name = "stats" };
 *
 *	__s64 n = ks_py_int(ks_py_call(&stats, "count", "us", port, text));
 *	char s[256]; memcpy(s, ks_py_str(ks_py_call(&stats, "name", "")).value, 256);
 *	ks_py_done(ks_py_call(&stats, "log", "b", true));
 *
 * The argument kinds: i (long long), u (unsigned long long), b (bool,
 * passed as int), c (char, passed as int), s (a NUL-terminated string).
 * A Python exception, a module that cannot be loaded, or a result of the
 * wrong type ends the program with the traceback, a message naming the
 * function, and exit status 1: nothing fails silently.  The program's own
 * output and Python's are flushed around each call, so they keep their
 * order.
 *
 * Include it before any other header: Python.h must come first.
 */
#ifndef KS_PYTHON_H
#define KS_PYTHON_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* What a Python function returning str gives: at most 255 bytes of it. */
#define KS_PY_STR_LEN 256

struct ks_py_module {
	const char *name;	/* the import's name; the file is NAME.py */
	PyObject *module;	/* loaded at the first call */
};

struct ks_py_text {
	char value[KS_PY_STR_LEN];
};

/* The module and function of the call under way, for messages. */
static const char *ks_py_where_module = "", *ks_py_where_function = "";

static inline void ks_py_flush(void)
{
	PyObject *out = PySys_GetObject("stdout"), *err = PySys_GetObject("stderr");
	PyObject *r;
	if (out && (r = PyObject_CallMethod(out, "flush", NULL)))
		Py_DECREF(r);
	if (err && (r = PyObject_CallMethod(err, "flush", NULL)))
		Py_DECREF(r);
	PyErr_Clear();
}

/* Ends the program: Python's traceback if there is one, then WHY. */
__attribute__((noreturn, format(printf, 1, 2)))
static inline void ks_py_fail(const char *why, ...)
{
	if (PyErr_Occurred())
		PyErr_Print();
	ks_py_flush();
	fflush(stdout);
	va_list ap;
	va_start(ap, why);
	fprintf(stderr, "%s.%s: ", ks_py_where_module, ks_py_where_function);
	vfprintf(stderr, why, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static inline void ks_py_finish(void)
{
	ks_py_flush();
	Py_FinalizeEx();
}

/* The directory the program runs from: its modules are there. */
static inline const char *ks_py_program_dir(void)
{
	static char dir[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", dir, sizeof(dir) - 1);
	if (n <= 0)
		return ".";
	dir[n] = 0;
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = 0;
	return dir;
}

static inline void ks_py_load(struct ks_py_module *m)
{
	if (!Py_IsInitialized()) {
		/* no signal handlers: Ctrl-C stays the program's */
		Py_InitializeEx(0);
		atexit(ks_py_finish);
	}
	const char *dir = ks_py_program_dir();
	char path[PATH_MAX];
	if (snprintf(path, sizeof(path), "%s/%s.py", dir, m->name) >= (int)sizeof(path))
		ks_py_fail("the path of %s.py is too long", m->name);
	if (access(path, R_OK) != 0)
		ks_py_fail("cannot read %s: the program loads the module from beside itself",
			   path);
	/* what the module imports may sit beside it too */
	PyObject *sys_path = PySys_GetObject("path"), *d = PyUnicode_DecodeFSDefault(dir);
	if (!sys_path || !d || PyList_Insert(sys_path, 0, d) != 0)
		ks_py_fail("cannot set up Python's module path");
	Py_DECREF(d);
	/* run from its file, under its own name, outside sys.modules (a
	 * module called like a standard one stays the program's); tracebacks
	 * name it NAME.py, and find its lines through sys.path */
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t len = 0;
	if (f) {
		FILE *mem = open_memstream(&text, &len);
		char chunk[4096];
		size_t n;
		while (mem && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
			fwrite(chunk, 1, n, mem);
		if (mem)
			fclose(mem);
		fclose(f);
	}
	if (!text)
		ks_py_fail("cannot read %s", path);
	char name[PATH_MAX];
	snprintf(name, sizeof(name), "%s.py", m->name);
	PyObject *code = Py_CompileString(text, name, Py_file_input);
	free(text);
	PyObject *module = code ? PyModule_New(m->name) : NULL;
	PyObject *globals = module ? PyModule_GetDict(module) : NULL;
	PyObject *file = globals ? PyUnicode_DecodeFSDefault(path) : NULL;
	if (!file || PyDict_SetItemString(globals, "__file__", file) != 0 ||
	    PyDict_SetItemString(globals, "__builtins__", PyEval_GetBuiltins()) != 0)
		ks_py_fail("cannot load %s", path);
	Py_DECREF(file);
	PyObject *done = PyEval_EvalCode(code, globals, globals);
	if (!done)
		ks_py_fail("cannot load %s", path);
	Py_DECREF(done);
	Py_DECREF(code);
	m->module = module;
}

/* Calls M's function FN with the arguments KINDS describes; the new
 * reference it returns goes to one of the conversions below. */
static inline PyObject *ks_py_call(struct ks_py_module *m, const char *fn, const char *kinds, ...)
{
	ks_py_where_module = m->name;
	ks_py_where_function = fn;
	fflush(stdout);
	if (!m->module)
		ks_py_load(m);
	PyObject *f = PyObject_GetAttrString(m->module, fn);
	if (!f)
		ks_py_fail("the module has no function '%s'", fn);
	PyObject *args = PyTuple_New((Py_ssize_t)strlen(kinds));
	if (!args)
		ks_py_fail("out of memory");
	va_list ap;
	va_start(ap, kinds);
	for (Py_ssize_t i = 0; kinds[i]; i++) {
		PyObject *arg = NULL;
		switch (kinds[i]) {
		case 'i':
			arg = PyLong_FromLongLong(va_arg(ap, long long));
			break;
		case 'u':
			arg = PyLong_FromUnsignedLongLong(va_arg(ap, unsigned long long));
			break;
		case 'b':
			arg = PyBool_FromLong(va_arg(ap, int));
			break;
		case 'c': {
			char ch = (char)va_arg(ap, int);
			arg = PyUnicode_DecodeLatin1(&ch, 1, NULL);
			break;
		}
		default: {
			const char *s = va_arg(ap, const char *);
			arg = PyUnicode_DecodeUTF8(s, (Py_ssize_t)strlen(s), "surrogateescape");
			break;
		}
		}
		if (!arg)
			ks_py_fail("cannot pass argument %zd", i + 1);
		PyTuple_SET_ITEM(args, i, arg);
	}
	va_end(ap);
	PyObject *result = PyObject_Call(f, args, NULL);
	Py_DECREF(args);
	Py_DECREF(f);
	if (!result)
		ks_py_fail("raised an exception (traceback above)");
	ks_py_flush();
	return result;
}

static inline const char *ks_py_type_name(PyObject *o)
{
	return Py_TYPE(o)->tp_name;
}

/* An int result (a bool is one too). */
static inline long long ks_py_int(PyObject *r)
{
	if (!PyLong_Check(r))
		ks_py_fail("returned %s, not an integer", ks_py_type_name(r));
	int overflow = 0;
	long long v = PyLong_AsLongLongAndOverflow(r, &overflow);
	if (overflow)
		ks_py_fail("returned an integer beyond i64");
	Py_DECREF(r);
	return v;
}

static inline bool ks_py_bool(PyObject *r)
{
	if (!PyBool_Check(r))
		ks_py_fail("returned %s, not a bool", ks_py_type_name(r));
	bool v = r == Py_True;
	Py_DECREF(r);
	return v;
}

/* A str result, cut to fit in 255 bytes of UTF-8. */
static inline struct ks_py_text ks_py_str(PyObject *r)
{
	struct ks_py_text t = { { 0 } };
	if (!PyUnicode_Check(r))
		ks_py_fail("returned %s, not a str", ks_py_type_name(r));
	Py_ssize_t n;
	const char *s = PyUnicode_AsUTF8AndSize(r, &n);
	if (!s)
		ks_py_fail("returned a str that is not UTF-8");
	if (n > KS_PY_STR_LEN - 1) {
		n = KS_PY_STR_LEN - 1;
		while (n > 0 && (s[n] & 0xc0) == 0x80)
			n--;	/* not inside a character */
	}
	memcpy(t.value, s, (size_t)n);
	Py_DECREF(r);
	return t;
}

/* A call whose result nobody uses: any result will do. */
static inline void ks_py_done(PyObject *r)
{
	Py_DECREF(r);
}

#endif /* KS_PYTHON_H */
