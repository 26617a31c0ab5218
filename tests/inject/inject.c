/* inject.c: the test build's fault injector (see inject.h): counts every
 * system call src/sys.c makes and every mbedTLS allocation, fails the one
 * ATLWHO_INJECT names, and reports counts, descriptors, children and heap
 * at exit. Linked only into build/inject/atlwho (make INJECT=1). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ATLWHO_INJECT_IMPL
#include "inject.h"

/* The kinds, in the report's order. */
#define KINDS(X) X(clock_gettime) X(time) X(signal) X(prctl) X(poll) X(getaddrinfo) X(pipe) \
	X(fcntl) X(fork) X(close) X(waitpid) X(kill) X(socket) X(connect) X(getsockopt) \
	X(setsockopt) X(recv) X(send) X(write) X(read) X(open) X(stat) X(opendir) X(readdir) \
	X(nanosleep) X(getrandom) X(sigaction) X(setitimer) X(alloc)
#define K_ENUM(k) K_##k,
#define K_NAME(k) #k,
enum { KINDS(K_ENUM) K_N };
static const char *const kind_name[K_N] = { KINDS(K_NAME) };

#define INJ_SHORT (-1)
#define RULES_MAX 8

static const struct { const char *name; int e; } errnos[] = {
	{ "EINTR", EINTR }, { "EAGAIN", EAGAIN }, { "ENOMEM", ENOMEM }, { "EPIPE", EPIPE },
	{ "ECONNRESET", ECONNRESET }, { "EIO", EIO }, { "EMFILE", EMFILE }, { "ENFILE", ENFILE },
	{ "ECONNREFUSED", ECONNREFUSED }, { "EINVAL", EINVAL }, { "EACCES", EACCES },
	{ "ENOENT", ENOENT }, { "EPERM", EPERM }, { "ECHILD", ECHILD }, { "ENOBUFS", ENOBUFS },
	{ "ETIMEDOUT", ETIMEDOUT }, { "ENETUNREACH", ENETUNREACH }, { "EFAULT", EFAULT },
};

struct rule {
	int kind, what;                 /* an errno, or INJ_SHORT */
	long n;
	int from;                       /* N+: the Nth call and every later one */
};

/* Shared with the name lookup's child (MAP_SHARED survives fork), so that
 * the Nth call is counted over the whole run. */
struct shared {
	long count[K_N];
	int fired, fired_kind, fired_what;
	long fired_n;
	int fired_fd, fired_fdcall;     /* its descriptor (or -1), its call on it (1: the first) */
	int fired_fdtotal;              /* the calls on that descriptor by its close (or exit) */
	int fired_child;                /* it fired in the name lookup's child process */
	long at_fire[K_N];
	char fired_in[48];
	long live, live_bytes, bytes_peak, allocs;
};

static struct shared *sh;
static struct rule rules[RULES_MAX];
static int nrules;
static pid_t main_pid;
static const char *report_path;
/* Calls on each descriptor since it was made (this process's). */
#define FD_TRACKED 1024
static unsigned fdcalls[FD_TRACKED];

static int made_fd(int fd)
{
	if (fd >= 0 && fd < FD_TRACKED)
		fdcalls[fd] = 0;
	return fd;
}

static const char *what_name(int w)
{
	size_t i;

	if (w == INJ_SHORT)
		return "short";
	for (i = 0; i < sizeof errnos / sizeof errnos[0]; i++)
		if (errnos[i].e == w)
			return errnos[i].name;
	return "?";
}

static void die(const char *msg, const char *spec)
{
	fprintf(stderr, "ATLWHO_INJECT: %s: %s\n", msg, spec);
	_exit(98);
}

/* KIND:N[+]:WHAT */
static void parse_rule(const char *s, size_t len)
{
	char buf[96], *kind, *n, *what, *end;
	struct rule *r = &rules[nrules];
	size_t i;

	if (len >= sizeof buf || nrules == RULES_MAX)
		die("rule too long or too many rules", s);
	memcpy(buf, s, len);
	buf[len] = 0;
	kind = buf;
	n = strchr(kind, ':');
	what = n ? strchr(n + 1, ':') : NULL;
	if (!n || !what)
		die("expected KIND:N:WHAT", buf);
	*n++ = 0;
	*what++ = 0;
	r->kind = -1;
	for (i = 0; i < K_N; i++)
		if (strcmp(kind, kind_name[i]) == 0)
			r->kind = (int)i;
	if (r->kind < 0)
		die("unknown kind", kind);
	r->n = strtol(n, &end, 10);
	r->from = *end == '+';
	if (r->n < 1 || end == n || (*end && strcmp(end, "+") != 0))
		die("N must be a number from 1, or N+", n);
	r->what = 0;
	if (strcmp(what, "short") == 0)
		r->what = INJ_SHORT;
	for (i = 0; i < sizeof errnos / sizeof errnos[0]; i++)
		if (strcmp(what, errnos[i].name) == 0)
			r->what = errnos[i].e;
	if (!r->what)
		die("unknown errno name (or short)", what);
	nrules++;
}

static void report(void);

__attribute__((constructor)) static void inj_init(void)
{
	const char *spec = getenv("ATLWHO_INJECT");

	sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		die("mmap failed", "");
	main_pid = getpid();
	while (spec && *spec) {
		const char *c = strchr(spec, ',');
		size_t len = c ? (size_t)(c - spec) : strlen(spec);
		parse_rule(spec, len);
		spec += len + (c != NULL);
	}
	report_path = getenv("ATLWHO_INJECT_REPORT");
	atexit(report);
}

/* Counts a call of kind made in function fn on descriptor fd (or -1): 0 to
 * make it, else the errno to fail it with, or INJ_SHORT. */
static int hit_fd(int kind, const char *fn, int fd)
{
	long c = __atomic_add_fetch(&sh->count[kind], 1, __ATOMIC_SEQ_CST);
	unsigned fc = fd >= 0 && fd < FD_TRACKED ? ++fdcalls[fd] : 0;
	int i;

	for (i = 0; i < nrules; i++) {
		const struct rule *r = &rules[i];
		if (r->kind != kind || (r->from ? c < r->n : c != r->n))
			continue;
		if (!__atomic_exchange_n(&sh->fired, 1, __ATOMIC_SEQ_CST)) {
			int k;
			sh->fired_kind = kind;
			sh->fired_n = c;
			sh->fired_what = r->what;
			sh->fired_fd = fd;
			sh->fired_fdcall = (int)fc;
			sh->fired_fdtotal = -1;
			sh->fired_child = getpid() != main_pid;
			snprintf(sh->fired_in, sizeof sh->fired_in, "%s", fn);
			for (k = 0; k < K_N; k++)
				sh->at_fire[k] = __atomic_load_n(&sh->count[k], __ATOMIC_SEQ_CST);
		}
		return r->what;
	}
	return 0;
}

static int hit(int kind, const char *fn)
{
	return hit_fd(kind, fn, -1);
}

/* The descriptors above 2 still open, listed into buf; their number. */
static int open_fds(char *buf, size_t cap)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	struct rlimit rl;
	size_t o = 0;
	int n = 0;

	/* valgrind keeps its own descriptors above the limit it gives us */
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		rl.rlim_cur = RLIM_INFINITY;

	buf[0] = 0;
	if (!d)
		return -1;
	while ((e = readdir(d)) != NULL) {
		char path[64], target[128];
		int fd = atoi(e->d_name);
		ssize_t len;
		if (e->d_name[0] == '.' || fd <= 2 || fd == dirfd(d) || (rlim_t)fd >= rl.rlim_cur)
			continue;
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
		len = readlink(path, target, sizeof target - 1);
		target[len > 0 ? len : 0] = 0;
		n++;
		if (o < cap)
			o += (size_t)snprintf(buf + o, cap - o, " %d=%s", fd, target);
	}
	closedir(d);
	return n;
}

static void report(void)
{
	char fds[512];
	FILE *f;
	int k, nfd, kids = 0;
	pid_t p;

	if (getpid() != main_pid || !report_path)
		return;
	nfd = open_fds(fds, sizeof fds);
	/* A child not reaped: still running (0) or a zombie (its pid). */
	while ((p = waitpid(-1, NULL, WNOHANG)) != -1) {
		kids++;
		if (p == 0)
			break;
	}
	f = fopen(report_path, "w");
	if (!f)
		return;
	for (k = 0; k < K_N; k++)
		if (sh->count[k])
			fprintf(f, "count %s %ld\n", kind_name[k], sh->count[k]);
	if (sh->fired) {
		if (sh->fired_fdtotal < 0 && sh->fired_fd >= 0 && sh->fired_fd < FD_TRACKED && !sh->fired_child)
			sh->fired_fdtotal = (int)fdcalls[sh->fired_fd];
		fprintf(f, "fired %s %ld %s %s %d %d %d %s\n", kind_name[sh->fired_kind], sh->fired_n,
		    what_name(sh->fired_what), sh->fired_in, sh->fired_fd, sh->fired_fdcall,
		    sh->fired_fdtotal, sh->fired_child ? "child" : "main");
		for (k = 0; k < K_N; k++)
			if (sh->at_fire[k])
				fprintf(f, "at-fire %s %ld\n", kind_name[k], sh->at_fire[k]);
	} else {
		fprintf(f, "fired none\n");
	}
	fprintf(f, "fds %d%s\n", nfd, fds);
	fprintf(f, "children %d\n", kids);
	fprintf(f, "heap %ld %ld %ld %ld\n", sh->live, sh->live_bytes, sh->bytes_peak, sh->allocs);
	fclose(f);
}

/* --- the heap: mbedTLS's allocations ---
 * tls.c gives mbedTLS its own allocator (MBEDTLS_PLATFORM_MEMORY), which
 * calls libc's calloc and free; the test build is linked with
 * -Wl,--wrap=calloc,--wrap=free, so those calls from our objects and
 * mbedTLS's come here (libc's own allocations do not). atlwho's code
 * allocates nothing itself. */

/* Sizes from malloc_usable_size, the same at calloc and at free: no header
 * in front of a block, whose interior pointer would read as "possibly lost"
 * in valgrind's check of the name lookup's child (it exits holding a copy
 * of the parent's heap). */
void *__real_calloc(size_t n, size_t size);
void __real_free(void *p);
void *__wrap_calloc(size_t n, size_t size);
void __wrap_free(void *p);

void *__wrap_calloc(size_t n, size_t size)
{
	void *p;

	if (hit(K_alloc, "calloc")) {
		errno = ENOMEM;
		return NULL;
	}
	p = __real_calloc(n, size);
	if (!p)
		return NULL;
	sh->live++;
	sh->allocs++;
	sh->live_bytes += (long)malloc_usable_size(p);
	if (sh->live_bytes > sh->bytes_peak)
		sh->bytes_peak = sh->live_bytes;
	return p;
}

void __wrap_free(void *p)
{
	if (!p)
		return;
	sh->live--;
	sh->live_bytes -= (long)malloc_usable_size(p);
	__real_free(p);
}

/* --- the system calls --- */

#define FAIL(kind, ret) do { int w_ = hit(K_##kind, fn); \
	if (w_ > 0) { errno = w_; return ret; } } while (0)

int inj_clock_gettime(const char *fn, clockid_t clk, struct timespec *ts)
{
	FAIL(clock_gettime, -1);
	return clock_gettime(clk, ts);
}

time_t inj_time(const char *fn, time_t *t)
{
	FAIL(time, (time_t)-1);
	return time(t);
}

void (*inj_signal(const char *fn, int sig, void (*h)(int)))(int)
{
	FAIL(signal, SIG_ERR);
	return signal(sig, h);
}

int inj_prctl(const char *fn, int op, unsigned long a, unsigned long b, unsigned long c, unsigned long d)
{
	FAIL(prctl, -1);
	return prctl(op, a, b, c, d);
}

int inj_poll(const char *fn, struct pollfd *p, nfds_t n, int ms)
{
	FAIL(poll, -1);
	return poll(p, n, ms);
}

int inj_getaddrinfo(const char *fn, const char *host, const char *port, const struct addrinfo *hints,
    struct addrinfo **res)
{
	int w = hit(K_getaddrinfo, fn);

	if (w > 0) {
		errno = w;
		return w == EAGAIN ? EAI_AGAIN : w == ENOMEM ? EAI_MEMORY : EAI_SYSTEM;
	}
	return getaddrinfo(host, port, hints, res);
}

int inj_pipe(const char *fn, int p[2])
{
	int r;

	FAIL(pipe, -1);
	r = pipe(p);
	if (r == 0) {
		made_fd(p[0]);
		made_fd(p[1]);
	}
	return r;
}

int inj_fcntl(const char *fn, int fd, int cmd, int arg)
{
	FAIL(fcntl, -1);
	return fcntl(fd, cmd, arg);
}

pid_t inj_fork(const char *fn)
{
	FAIL(fork, -1);
	return fork();
}

/* Linux releases the descriptor whatever close returns (close(2)): so
 * does a failed close here. */
int inj_close(const char *fn, int fd)
{
	int w = hit_fd(K_close, fn, fd), r = close(fd);

	if (sh->fired && fd == sh->fired_fd && sh->fired_fdtotal < 0 && fd < FD_TRACKED &&
	    sh->fired_child == (getpid() != main_pid))
		sh->fired_fdtotal = (int)fdcalls[fd] - 1; /* not this close */
	made_fd(fd);
	if (w > 0) {
		errno = w;
		return -1;
	}
	return r;
}

pid_t inj_waitpid(const char *fn, pid_t pid, int *status, int opt)
{
	FAIL(waitpid, -1);
	return waitpid(pid, status, opt);
}

int inj_kill(const char *fn, pid_t pid, int sig)
{
	FAIL(kill, -1);
	return kill(pid, sig);
}

int inj_socket(const char *fn, int domain, int type, int proto)
{
	FAIL(socket, -1);
	return made_fd(socket(domain, type, proto));
}

int inj_connect(const char *fn, int fd, const struct sockaddr *sa, socklen_t len)
{
	FAIL(connect, -1);
	return connect(fd, sa, len);
}

int inj_getsockopt(const char *fn, int fd, int level, int name, void *v, socklen_t *len)
{
	FAIL(getsockopt, -1);
	return getsockopt(fd, level, name, v, len);
}

int inj_setsockopt(const char *fn, int fd, int level, int name, const void *v, socklen_t len)
{
	FAIL(setsockopt, -1);
	return setsockopt(fd, level, name, v, len);
}

/* read, write, recv, send: an errno, or 1 byte moved (short). */
#define IO(kind) int w_ = hit_fd(K_##kind, fn, fd); \
	if (w_ > 0) { errno = w_; return -1; } \
	if (w_ == INJ_SHORT && n > 1) n = 1

ssize_t inj_recv(const char *fn, int fd, void *buf, size_t n, int flags)
{
	IO(recv);
	return recv(fd, buf, n, flags);
}

ssize_t inj_send(const char *fn, int fd, const void *buf, size_t n, int flags)
{
	IO(send);
	return send(fd, buf, n, flags);
}

ssize_t inj_write(const char *fn, int fd, const void *buf, size_t n)
{
	IO(write);
	return write(fd, buf, n);
}

ssize_t inj_read(const char *fn, int fd, void *buf, size_t n)
{
	IO(read);
	return read(fd, buf, n);
}

int inj_open(const char *fn, const char *path, int flags)
{
	FAIL(open, -1);
	return made_fd(open(path, flags));
}

int inj_stat(const char *fn, const char *path, struct stat *st)
{
	FAIL(stat, -1);
	return stat(path, st);
}

DIR *inj_opendir(const char *fn, const char *path)
{
	FAIL(opendir, NULL);
	return opendir(path);
}

struct dirent *inj_readdir(const char *fn, DIR *d)
{
	FAIL(readdir, NULL);
	return readdir(d);
}

int inj_nanosleep(const char *fn, const struct timespec *req, struct timespec *rem)
{
	FAIL(nanosleep, -1);
	return nanosleep(req, rem);
}

ssize_t inj_getrandom(const char *fn, void *buf, size_t n, unsigned flags)
{
	FAIL(getrandom, -1);
	return getrandom(buf, n, flags);
}

int inj_sigaction(const char *fn, int sig, const struct sigaction *sa, struct sigaction *old)
{
	FAIL(sigaction, -1);
	return sigaction(sig, sa, old);
}

int inj_setitimer(const char *fn, int which, const struct itimerval *it, struct itimerval *old)
{
	FAIL(setitimer, -1);
	return setitimer(which, it, old);
}
