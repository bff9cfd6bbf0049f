/* Helpers shared by the test programs: errno names that read the same on every libc. */
#ifndef WARD_TEST_COMMON_H
#define WARD_TEST_COMMON_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

/* The symbolic name of an errno value: strerror's text differs between C libraries. */
static inline const char *errno_name(int e) {
  switch (e) {
  case 0: return "OK";
  case ENOENT: return "ENOENT";
  case EEXIST: return "EEXIST";
  case ENOTDIR: return "ENOTDIR";
  case EISDIR: return "EISDIR";
  case ENOTEMPTY: return "ENOTEMPTY";
  case EBADF: return "EBADF";
  case EINVAL: return "EINVAL";
  case EACCES: return "EACCES";
  case EPERM: return "EPERM";
  case ELOOP: return "ELOOP";
  case ESPIPE: return "ESPIPE";
  default: return "other";
  }
}

/* Prints what a call returned: "ok" or the errno's name. */
static inline void report(const char *what, int result) {
  printf("%s: %s\n", what, result == 0 ? "ok" : errno_name(errno));
}

/* Stops with a message when a step that must work fails. */
static inline void check(int ok, const char *what) {
  if (!ok) {
    printf("FAILED: %s (%s)\n", what, errno_name(errno));
    exit(99);
  }
}

#endif
