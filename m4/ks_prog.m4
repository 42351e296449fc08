dnl KS_NEED_PROG(VARIABLE, PROGRAM, DEBIAN-PACKAGE)
dnl Finds PROGRAM or stops, naming the Debian package that has it.
AC_DEFUN([KS_NEED_PROG], [
  AC_PATH_PROG([$1], [$2])
  AS_IF([test -z "$$1"], [AC_MSG_ERROR([$2 not found; on Debian: apt-get install $3])])
])

dnl KS_WANT_PROG(VARIABLE, PROGRAM, DEBIAN-PACKAGE)
dnl Finds PROGRAM or warns: kernelscript builds without it, but the C projects
dnl it writes need it.
AC_DEFUN([KS_WANT_PROG], [
  AC_PATH_PROG([$1], [$2])
  AS_IF([test -z "$$1"],
    [AC_MSG_WARN([$2 not found: generated projects cannot be built or tested; on Debian: apt-get install $3])])
])
