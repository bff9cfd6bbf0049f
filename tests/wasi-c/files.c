/* Files: create, write, read back, seek, append, truncate, stat, rename, link, unlink.
 *
 * Usage: files DIR   (DIR must exist and be writable; the program leaves in it the files
 * `kept.txt` and `renamed.txt` and the symbolic link `link.txt`). */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

/* DIR/NAME, in one of two buffers used in turn, so that a call can take two paths. */
static const char *at(const char *dir, const char *name) {
  static char bufs[2][4096];
  static int next;
  char *buf = bufs[next];
  next ^= 1;
  snprintf(buf, sizeof bufs[0], "%s/%s", dir, name);
  return buf;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: files DIR\n");
    return 2;
  }
  const char *dir = argv[1];

  /* stdio: write lines, read them back. */
  FILE *f = fopen(at(dir, "notes.txt"), "w");
  check(f != NULL, "fopen for writing");
  for (int i = 1; i <= 3; i++) fprintf(f, "line %d of notes\n", i);
  check(fclose(f) == 0, "fclose");
  f = fopen(at(dir, "notes.txt"), "r");
  check(f != NULL, "fopen for reading");
  char line[128];
  int lines = 0;
  while (fgets(line, sizeof line, f)) {
    lines++;
    printf("read: %s", line);
  }
  fclose(f);
  printf("lines: %d\n", lines);

  /* POSIX I/O: write, seek, overwrite, read at offsets. */
  int fd = open(at(dir, "data.bin"), O_CREAT | O_RDWR | O_TRUNC, 0644);
  check(fd >= 0, "open data.bin");
  check(write(fd, "0123456789", 10) == 10, "write");
  printf("seek end: %ld\n", (long)lseek(fd, 0, SEEK_END));
  printf("seek set 4: %ld\n", (long)lseek(fd, 4, SEEK_SET));
  check(write(fd, "abc", 3) == 3, "overwrite");
  printf("position: %ld\n", (long)lseek(fd, 0, SEEK_CUR));
  char buf[32] = {0};
  check(pread(fd, buf, 5, 2) == 5, "pread");
  printf("pread 2..7: %s\n", buf);
  check(pwrite(fd, "XY", 2, 8) == 2, "pwrite");
  printf("position after pwrite: %ld\n", (long)lseek(fd, 0, SEEK_CUR));
  memset(buf, 0, sizeof buf);
  lseek(fd, 0, SEEK_SET);
  printf("read all: %ld bytes\n", (long)read(fd, buf, sizeof buf - 1));
  printf("contents: %s\n", buf);
  printf("seek before start: %s\n", lseek(fd, -100, SEEK_SET) < 0 ? errno_name(errno) : "moved");

  /* Size changes and stat. */
  struct stat st;
  check(fstat(fd, &st) == 0, "fstat");
  printf("size: %ld, regular file: %s\n", (long)st.st_size, S_ISREG(st.st_mode) ? "yes" : "no");
  check(ftruncate(fd, 4) == 0, "ftruncate");
  check(fstat(fd, &st) == 0, "fstat");
  printf("size after truncate: %ld\n", (long)st.st_size);
  check(ftruncate(fd, 6000) == 0, "extend");
  check(fstat(fd, &st) == 0, "fstat");
  printf("size after extend: %ld\n", (long)st.st_size);
  close(fd);

  /* Append mode. */
  fd = open(at(dir, "kept.txt"), O_CREAT | O_WRONLY | O_APPEND, 0644);
  check(fd >= 0, "open for append");
  check(write(fd, "first\n", 6) == 6, "append 1");
  lseek(fd, 0, SEEK_SET);
  check(write(fd, "second\n", 7) == 7, "append 2");
  close(fd);
  check(stat(at(dir, "kept.txt"), &st) == 0, "stat kept");
  printf("appended size: %ld\n", (long)st.st_size);

  /* Exclusive create of an existing file, opening a missing one. */
  errno = 0;
  fd = open(at(dir, "kept.txt"), O_CREAT | O_EXCL | O_WRONLY, 0644);
  printf("exclusive create of existing: %s\n", fd < 0 ? errno_name(errno) : "opened");
  errno = 0;
  fd = open(at(dir, "missing.txt"), O_RDONLY);
  printf("open missing: %s\n", fd < 0 ? errno_name(errno) : "opened");

  /* Rename, hard link, symbolic link, unlink. */
  report("rename", rename(at(dir, "notes.txt"), at(dir, "renamed.txt")) == 0 ? 0 : -1);
  report("hard link", link(at(dir, "renamed.txt"), at(dir, "hard.txt")) == 0 ? 0 : -1);
  check(stat(at(dir, "hard.txt"), &st) == 0, "stat hard link");
  printf("links to renamed.txt: %ld\n", (long)st.st_nlink);
  report("unlink hard link", unlink(at(dir, "hard.txt")) == 0 ? 0 : -1);
  report("symlink", symlink("kept.txt", at(dir, "link.txt")) == 0 ? 0 : -1);
  char target[64] = {0};
  ssize_t n = readlink(at(dir, "link.txt"), target, sizeof target - 1);
  printf("readlink: %s (%ld)\n", n >= 0 ? target : errno_name(errno), (long)n);
  check(lstat(at(dir, "link.txt"), &st) == 0, "lstat");
  printf("lstat says symlink: %s\n", S_ISLNK(st.st_mode) ? "yes" : "no");
  check(stat(at(dir, "link.txt"), &st) == 0, "stat through link");
  printf("stat through link: size %ld\n", (long)st.st_size);
  report("unlink data.bin", unlink(at(dir, "data.bin")) == 0 ? 0 : -1);
  errno = 0;
  report("unlink again", unlink(at(dir, "data.bin")) == 0 ? 0 : -1);
  return 0;
}
