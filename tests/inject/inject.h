/* inject.h: fault injection at atlwho's system calls, for the test build
 * only (make INJECT=1: build/inject/atlwho, -DATLWHO_INJECT). src/sys.c
 * includes this after its system headers when ATLWHO_INJECT is defined, so
 * each system call there becomes a call of inj_*(), which counts it and
 * fails the one chosen (curl's memdebug.h does the same for its sockets).
 * The shipped builds never see this file.
 *
 * Configured by the environment (read once, before main):
 *   ATLWHO_INJECT=KIND:N:WHAT[,KIND:N:WHAT...]
 *       the Nth call of KIND (counted from 1 over the whole run, the name
 *       lookup's child process included) fails with errno WHAT (EINTR,
 *       EAGAIN, ENOMEM, EPIPE, ECONNRESET, EIO, EMFILE, ECONNREFUSED,
 *       EINVAL, ...), or WHAT=short: read, write, recv or send moves 1 byte.
 *       N+ (e.g. recv:1+:short): that call and every later one.
 *       KIND alloc fails mbedTLS's Nth allocation (calloc gives NULL; the
 *       test build is linked with --wrap=calloc,--wrap=free: inject.c).
 *   ATLWHO_INJECT_REPORT=FILE
 *       at exit, writes to FILE: "count KIND N" per kind called, "fired
 *       KIND N WHAT FUNCTION FD FDCALL FDTOTAL main|child" (the sys.c
 *       function; the descriptor or -1, the call's number on it and the
 *       number of calls on it by its close; the process) or "fired none",
 *       "at-fire KIND N" (the counts when it fired), "fds N [list]" (descriptors above 2 still open),
 *       "children N" (child processes not reaped), "heap LIVE BYTES PEAK
 *       TOTAL" (mbedTLS allocations still live, their bytes, the peak
 *       bytes, the number made). */
#ifndef ATLWHO_INJECT_H
#define ATLWHO_INJECT_H

#include <dirent.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <time.h>

int inj_clock_gettime(const char *fn, clockid_t clk, struct timespec *ts);
time_t inj_time(const char *fn, time_t *t);
void (*inj_signal(const char *fn, int sig, void (*h)(int)))(int);
int inj_prctl(const char *fn, int op, unsigned long a, unsigned long b, unsigned long c, unsigned long d);
int inj_poll(const char *fn, struct pollfd *p, nfds_t n, int ms);
int inj_getaddrinfo(const char *fn, const char *host, const char *port, const struct addrinfo *hints,
    struct addrinfo **res);
int inj_pipe(const char *fn, int p[2]);
int inj_fcntl(const char *fn, int fd, int cmd, int arg);
pid_t inj_fork(const char *fn);
int inj_close(const char *fn, int fd);
pid_t inj_waitpid(const char *fn, pid_t pid, int *status, int opt);
int inj_kill(const char *fn, pid_t pid, int sig);
int inj_socket(const char *fn, int domain, int type, int proto);
int inj_connect(const char *fn, int fd, const struct sockaddr *sa, socklen_t len);
int inj_getsockopt(const char *fn, int fd, int level, int name, void *v, socklen_t *len);
int inj_setsockopt(const char *fn, int fd, int level, int name, const void *v, socklen_t len);
ssize_t inj_recv(const char *fn, int fd, void *buf, size_t n, int flags);
ssize_t inj_send(const char *fn, int fd, const void *buf, size_t n, int flags);
ssize_t inj_write(const char *fn, int fd, const void *buf, size_t n);
ssize_t inj_read(const char *fn, int fd, void *buf, size_t n);
int inj_open(const char *fn, const char *path, int flags);
int inj_stat(const char *fn, const char *path, struct stat *st);
DIR *inj_opendir(const char *fn, const char *path);
struct dirent *inj_readdir(const char *fn, DIR *d);
int inj_nanosleep(const char *fn, const struct timespec *req, struct timespec *rem);
ssize_t inj_getrandom(const char *fn, void *buf, size_t n, unsigned flags);
int inj_sigaction(const char *fn, int sig, const struct sigaction *sa, struct sigaction *old);
int inj_setitimer(const char *fn, int which, const struct itimerval *it, struct itimerval *old);

/* Function-like macros: "struct stat st" and "struct sigaction sa" are
 * left alone; only calls are redirected. Not in inject.c, which makes the
 * real calls. */
#ifndef ATLWHO_INJECT_IMPL
#undef clock_gettime
#undef time
#undef signal
#undef prctl
#undef poll
#undef getaddrinfo
#undef pipe
#undef fcntl
#undef fork
#undef close
#undef waitpid
#undef kill
#undef socket
#undef connect
#undef getsockopt
#undef setsockopt
#undef recv
#undef send
#undef write
#undef read
#undef open
#undef stat
#undef opendir
#undef readdir
#undef nanosleep
#undef getrandom
#undef sigaction
#undef setitimer
#define clock_gettime(c, t) inj_clock_gettime(__func__, c, t)
#define time(t) inj_time(__func__, t)
#define signal(s, h) inj_signal(__func__, s, h)
#define prctl(o, a, b, c, d) inj_prctl(__func__, o, a, b, c, d)
#define poll(p, n, ms) inj_poll(__func__, p, n, ms)
#define getaddrinfo(h, p, hi, r) inj_getaddrinfo(__func__, h, p, hi, r)
#define pipe(p) inj_pipe(__func__, p)
#define fcntl(fd, c, a) inj_fcntl(__func__, fd, c, a)
#define fork() inj_fork(__func__)
#define close(fd) inj_close(__func__, fd)
#define waitpid(p, s, o) inj_waitpid(__func__, p, s, o)
#define kill(p, s) inj_kill(__func__, p, s)
#define socket(d, t, p) inj_socket(__func__, d, t, p)
#define connect(fd, sa, l) inj_connect(__func__, fd, sa, l)
#define getsockopt(fd, l, n, v, len) inj_getsockopt(__func__, fd, l, n, v, len)
#define setsockopt(fd, l, n, v, len) inj_setsockopt(__func__, fd, l, n, v, len)
#define recv(fd, b, n, f) inj_recv(__func__, fd, b, n, f)
#define send(fd, b, n, f) inj_send(__func__, fd, b, n, f)
#define write(fd, b, n) inj_write(__func__, fd, b, n)
#define read(fd, b, n) inj_read(__func__, fd, b, n)
#define open(p, f) inj_open(__func__, p, f)
#define stat(p, st) inj_stat(__func__, p, st)
#define opendir(p) inj_opendir(__func__, p)
#define readdir(d) inj_readdir(__func__, d)
#define nanosleep(r, m) inj_nanosleep(__func__, r, m)
#define getrandom(b, n, f) inj_getrandom(__func__, b, n, f)
#define sigaction(s, a, o) inj_sigaction(__func__, s, a, o)
#define setitimer(w, i, o) inj_setitimer(__func__, w, i, o)
#endif

#endif
