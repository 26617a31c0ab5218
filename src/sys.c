/* sys.c: the only module that makes system calls (sockets, poll, files,
 * clocks, getrandom, prctl). Everything else is pure and testable. */
#include "fmt.h"
#include "str.h"
#include "sys.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <psa/crypto.h>

#ifdef ATLWHO_INJECT
#include "inject.h" /* test build only: every call below counted, one failed (tests/inject/) */
#endif


static int sys_last_errno;

/* The errno values a check meets (connecting, reading, writing, opening
 * files), in glibc's words; another one shows its number. libc's strerror
 * brings 130 texts atlwho never shows (2 KB of a 256 KiB binary). */
static const short sys_errnos[] = {
	ECONNREFUSED, ETIMEDOUT, ECONNRESET, EPIPE, EHOSTUNREACH, ENETUNREACH, ENETDOWN,
	EHOSTDOWN, EADDRNOTAVAIL, EAFNOSUPPORT, ECONNABORTED, ENOENT, EACCES, EPERM, EISDIR,
	ENOTDIR, EMFILE, ENFILE, ENOMEM, EIO, EINVAL, ENAMETOOLONG, ELOOP, EAGAIN, ENOBUFS,
	EPROTO, ENXIO, ENODEV, ENOSPC, EBADF,
};
static const char sys_errtexts[] =
	"Connection refused\0Connection timed out\0Connection reset by peer\0Broken pipe\0"
	"No route to host\0Network is unreachable\0Network is down\0Host is down\0"
	"Cannot assign requested address\0Address family not supported by protocol\0"
	"Software caused connection abort\0No such file or directory\0Permission denied\0"
	"Operation not permitted\0Is a directory\0Not a directory\0Too many open files\0"
	"Too many open files in system\0Cannot allocate memory\0Input/output error\0"
	"Invalid argument\0File name too long\0Too many levels of symbolic links\0"
	"Resource temporarily unavailable\0No buffer space available\0Protocol error\0"
	"No such device or address\0No such device\0No space left on device\0"
	"Bad file descriptor\0"; /* stdout closed at start (sys_harden) */

/* Room for "errno -2147483648". */
#define SYS_ERRNUM_MAX 24

/* Module state, beside sys_last_errno and rng_failed: the text of an errno
 * the table lacks ("errno N"), which sys_errstr and sys_random_failed
 * return; each stays valid until the next such call. */
static char sys_errnum[SYS_ERRNUM_MAX], sys_rngnum[SYS_ERRNUM_MAX];

/* e's text, or "errno N" written into num. */
static const char *err_text(int e, char num[SYS_ERRNUM_MAX])
{
	const char *t = sys_errtexts;
	size_t i;

	for (i = 0; i < sizeof sys_errnos / sizeof sys_errnos[0]; i++, t += strlen(t) + 1)
		if (sys_errnos[i] == e)
			return t;
	fmt_snprintf(num, SYS_ERRNUM_MAX, "errno %d", e);
	return num;
}

const char *sys_errstr(void)
{
	return err_text(sys_last_errno, sys_errnum);
}

int64_t sys_now_ms(void)
{
	struct timespec ts = { 0, 0 }; /* a failed read (a seccomp filter) is 0, not stack garbage */

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t sys_wall_time(void)
{
	return (int64_t)time(NULL);
}

void sys_harden(void)
{
	int fd, p[2];

	/* A standard descriptor closed at start (">&-") is held by the read
	 * end of a pipe whose write end is closed: the first socket or file
	 * opened would take its number else, and stdout or stderr would be
	 * written into the server's connection or a CA file. Reading gives
	 * end of file; writing fails with EBADF (lost output: exit 8). */
	for (fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD, 0) < 0 && errno == EBADF && pipe(p) == 0) {
			close(p[1]);
			if (p[0] != fd) /* fd was free, so p[0] == fd; else leave none */
				close(p[0]);
		}
	signal(SIGPIPE, SIG_IGN);
	/* No core dump of a process that holds a token; also blocks ptrace
	 * attach by other processes of the same user. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

static int remaining_ms(int64_t deadline)
{
	int64_t left = deadline - sys_now_ms();

	if (left <= 0)
		return 0;
	return left > 1000000 ? 1000000 : (int)left;
}

/* Waits for events on fd until deadline: 1 ready, SYS_E_TIMEOUT, SYS_E_IO. */
static int wait_fd(int fd, short events, int64_t deadline)
{
	struct pollfd p;
	int r;

	for (;;) {
		int ms = remaining_ms(deadline);
		if (ms == 0)
			return SYS_E_TIMEOUT;
		p.fd = fd;
		p.events = events;
		p.revents = 0;
		r = poll(&p, 1, ms);
		if (r > 0)
			return 1;
		if (r == 0)
			continue; /* loop re-checks the deadline */
		if (errno != EINTR) {
			sys_last_errno = errno;
			return SYS_E_IO;
		}
	}
}

/* Address text for messages (RFC 5952 form: longest zero run as "::");
 * not inet_ntop, which pulls libc's printf machinery into a static binary. */
static void addr_text(const struct sockaddr *sa, char *dst, size_t cap)
{
	if (sa->sa_family == AF_INET6) {
		const unsigned char *a = ((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr.s6_addr;
		unsigned g[8];
		int i, best = -1, blen = 1, run = 0;
		size_t o = 0, k;
		for (i = 0; i < 8; i++) {
			k = 2 * (size_t)i;
			g[i] = (unsigned)a[k] << 8 | a[k + 1];
			run = g[i] ? 0 : run + 1;
			if (run > blen) {
				blen = run;
				best = i - run + 1;
			}
		}
		for (i = 0; i < 8 && o < cap; i++) {
			if (i == best) {
				o += (size_t)fmt_snprintf(dst + o, cap - o, "::");
				i += blen - 1;
				continue;
			}
			o += (size_t)fmt_snprintf(dst + o, cap - o, "%s%x",
			    (i && i != best + blen) ? ":" : "", g[i]);
		}
	} else {
		const unsigned char *a = (const unsigned char *)
		    &((const struct sockaddr_in *)(const void *)sa)->sin_addr;
		fmt_snprintf(dst, cap, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
	}
}

/* --- name resolution under the deadline --- */

/* One resolved address, flat (what crosses the pipe from the resolver). */
/* The first result from a on that can be taken (fits a net_addr) and is of
 * family fam (same) or of another (!same); NULL when there is none. */
static const struct addrinfo *next_of(const struct addrinfo *a, int fam, int same)
{
	for (; a; a = a->ai_next)
		if ((a->ai_family == fam) == same && a->ai_addrlen <= sizeof (struct sockaddr_storage))
			return a;
	return NULL;
}

/* getaddrinfo -> at most max addresses in the order RFC 8305 section 4
 * asks: the resolver's (RFC 6724) order within each family, the families
 * alternating while both last, starting with the family of the first;
 * then the rest of the longer family, so every slot can be used. */
static size_t take_addrs(const struct addrinfo *res, struct net_addr *out, size_t max)
{
	int first = res ? res->ai_family : 0;
	const struct addrinfo *a = next_of(res, first, 1), *b = next_of(res, first, 0);
	size_t n = 0;

	while (n < max && (a || b)) {
		/* while both last, the first family at even n, the other at odd */
		const struct addrinfo **take = a && (!b || n % 2 == 0) ? &a : &b;
		const struct addrinfo *t = *take;
		out[n].family = t->ai_family;
		out[n].len = t->ai_addrlen;
		memcpy(&out[n].sa, t->ai_addr, t->ai_addrlen);
		n++;
		*take = next_of(t->ai_next, first, take == &a);
	}
	return n;
}

static int gai(const char *host, const char *port, struct addrinfo *hints, struct addrinfo **res)
{
	int r = getaddrinfo(host, port, hints, res);

	if (r == EAI_NONAME || r == EAI_FAMILY) {
		/* AI_ADDRCONFIG hides ::1 on hosts with only loopback IPv6; retry without. */
		hints->ai_flags &= ~AI_ADDRCONFIG;
		r = getaddrinfo(host, port, hints, res);
	}
	return r;
}

/* resolved.rc when the lookup process died before answering, or could not
 * be started for want of a pipe or of a process (err_no says why); every
 * EAI_* code is nonzero and, in glibc and musl, negative. */
#define RESOLVER_DIED 1000
#define RESOLVER_NO_PIPE 1001
#define RESOLVER_NO_FORK 1002
#define RESOLVER_IO 1003     /* waiting for or reading its answer failed */
#define RESOLVER_UNSENT 1004 /* it could not send its answer (err_no) */

static void resolve_here(const char *host, const char *port, struct addrinfo *hints, struct resolved *out)
{
	struct addrinfo *res = NULL;

	memset(out, 0, sizeof *out);
	out->rc = gai(host, port, hints, &res);
	out->err_no = errno;
	if (out->rc == 0) {
		out->n = take_addrs(res, out->a, CONNECT_ADDR_MAX);
		freeaddrinfo(res);
	}
}

/* getaddrinfo has no timeout (musl and glibc wait for resolv.conf's
 * timeout x attempts, 10 s by default), so a child process resolves and
 * the parent waits for its answer no longer than the deadline. (A thread
 * would do, at 3 KB more of static binary.) A literal address needs no
 * lookup. Without a pipe or a process for the lookup (descriptors or a
 * pids limit exhausted) it fails at once: a lookup here could not be held
 * to the deadline, which must hold in every case. 0 with out filled
 * (out->rc the EAI_* result or a RESOLVER_* code), or SYS_E_TIMEOUT. */
static int resolve(const char *host, const char *port, const struct addrinfo *hints,
    int64_t deadline, struct resolved *out)
{
	struct addrinfo h = *hints;
	size_t got = 0;
	pid_t pid;
	int p[2], status = 0, timedout = 0, io = 0, ioerr;

	h.ai_flags |= AI_NUMERICHOST;
	resolve_here(host, port, &h, out);
	if (out->rc == 0)
		return 0;
	h = *hints;
	if (pipe(p) != 0) {
		out->rc = RESOLVER_NO_PIPE;
		out->err_no = errno;
		return 0;
	}
	/* pipe, not pipe2 (a GNU extension); close-on-exec only for form's
	 * sake: atlwho runs no other program. */
	(void)fcntl(p[0], F_SETFD, FD_CLOEXEC);
	(void)fcntl(p[1], F_SETFD, FD_CLOEXEC);
	if ((pid = fork()) < 0) {
		out->rc = RESOLVER_NO_FORK;
		out->err_no = errno;
		close(p[0]);
		close(p[1]);
		return 0;
	}
	if (pid == 0) {
		close(p[0]);
		resolve_here(host, port, &h, out);
		/* a failed write exits with its errno (< 256 on Linux) */
		_exit(sys_write_fd(p[1], out, offsetof(struct resolved, a) + out->n * sizeof out->a[0], deadline) ?
		    sys_last_errno & 255 : 0);
	}
	close(p[1]);
	for (;;) {
		long n;
		int w = wait_fd(p[0], POLLIN, deadline);
		if (w != 1) {
			timedout = w == SYS_E_TIMEOUT;
			io = !timedout;
			break;
		}
		n = sys_read(p[0], (char *)out + got, sizeof *out - got);
		if (n < 0)
			io = 1;
		if (n <= 0)
			break; /* the child has ended */
		got += (size_t)n;
	}
	ioerr = sys_last_errno;
	close(p[0]);
	if (timedout || io)
		kill(pid, SIGKILL); /* the deadline wins; or its answer is lost */
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (timedout)
		return SYS_E_TIMEOUT;
	if (got < offsetof(struct resolved, a) || out->n > CONNECT_ADDR_MAX ||
	    got != offsetof(struct resolved, a) + out->n * sizeof out->a[0]) {
		/* It died before answering (out of memory, or of stack under a
		 * tight ulimit -s): not a slow name server. */
		out->rc = io ? RESOLVER_IO : WIFSIGNALED(status) ? RESOLVER_DIED : RESOLVER_UNSENT;
		out->err_no = io ? ioerr : WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status);
	}
	return 0;
}

/* --- connecting: every address, families interleaved (RFC 8305) --- */

/* One non-blocking connect started: the socket, or -1 with *err_no. */
static int connect_start(const struct net_addr *na, int *err_no)
{
	int fd, r;

	fd = socket(na->family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_TCP);
	if (fd < 0) {
		*err_no = errno;
		return -1;
	}
	do
		r = connect(fd, (const struct sockaddr *)&na->sa, na->len);
	while (r < 0 && errno == EINTR);
	if (r < 0 && errno != EINPROGRESS) {
		*err_no = errno;
		close(fd);
		return -1;
	}
	return fd;
}

static void log_attempt(sys_log_fn log, void *ctx, const char *f, const char *addr, unsigned port, const char *why)
{
	char msg[200];

	if (!log)
		return;
	fmt_snprintf(msg, sizeof msg, f, addr, port, why);
	log(ctx, msg);
}

static void race_start(struct race *rc, int64_t now)
{
	struct attempt *a = &rc->at[rc->live];
	char num[SYS_ERRNUM_MAX];

	addr_text((const struct sockaddr *)&rc->rs->a[rc->next].sa, a->addr, sizeof a->addr);
	log_attempt(rc->log, rc->logctx, "trying %s port %u%s", a->addr, rc->port, "");
	a->fd = connect_start(&rc->rs->a[rc->next++], &rc->last);
	if (a->fd < 0) {
		log_attempt(rc->log, rc->logctx, "%s port %u: %s", a->addr, rc->port, err_text(rc->last, num));
		return;
	}
	a->until = now + rc->connect_ms < rc->deadline ? now + rc->connect_ms : rc->deadline;
	rc->live++;
	rc->next_start = now + CONNECT_NEXT_MS;
}

/* Waits for the live attempts until one connects (its socket), one fails or
 * times out (closed), the next start is due, or poll fails: -1. */
static int race_poll(struct race *rc, int64_t now)
{
	struct pollfd pf[CONNECT_ADDR_MAX];
	int64_t wake = rc->deadline;
	char num[SYS_ERRNUM_MAX];
	size_t i;
	int r;

	for (i = 0; i < rc->live; i++) {
		pf[i].fd = rc->at[i].fd;
		pf[i].events = POLLOUT;
		pf[i].revents = 0;
		if (rc->at[i].until < wake)
			wake = rc->at[i].until;
	}
	if (rc->next < rc->rs->n && rc->next_start < wake)
		wake = rc->next_start;
	r = poll(pf, (nfds_t)rc->live, wake > now ? (int)(wake - now) : 0);
	if (r < 0 && errno != EINTR) {
		rc->last = errno;
		rc->deadline = now; /* give up */
		return -1;
	}
	now = sys_now_ms();
	for (i = rc->live; i-- > 0;) {
		struct attempt *a = &rc->at[i];
		int soerr = 0;
		socklen_t sl = sizeof soerr;
		const char *why = NULL;
		if (r > 0 && pf[i].revents) {
			if (getsockopt(a->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0)
				soerr = errno;
			if (!soerr) {
				int fd = a->fd;
				log_attempt(rc->log, rc->logctx, "connected to %s port %u%s", a->addr, rc->port, "");
				*a = rc->at[--rc->live];
				return fd;
			}
			rc->last = soerr;
			why = err_text(soerr, num);
		} else if (now >= a->until) {
			rc->last = ETIMEDOUT;
			rc->timedout = 1;
			why = "timed out (--connect-timeout)";
		}
		if (why) {
			log_attempt(rc->log, rc->logctx, "%s port %u: %s", a->addr, rc->port, why);
			close(a->fd);
			*a = rc->at[--rc->live];
			rc->next_start = now; /* the next address at once */
		}
	}
	return -1;
}

int sys_connect(struct sys_connect_mem *mem, const char *host, unsigned port, int family, int connect_ms,
    int64_t deadline, sys_log_fn log, void *logctx, int64_t *resolved_at,
    char *err, size_t errcap)
{
	struct resolved *rs = &mem->rs;
	struct race *rc = &mem->rc;
	struct addrinfo hints;
	char num[SYS_ERRNUM_MAX], portstr[8];
	int fd = -1, one = 1;
	size_t i;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = family == 4 ? AF_INET : family == 6 ? AF_INET6 : AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_ADDRCONFIG | AI_NUMERICSERV;
	fmt_snprintf(portstr, sizeof portstr, "%u", port);
	if (resolve(host, portstr, &hints, deadline, rs) != 0) {
		fmt_snprintf(err, errcap, "resolving host '%s' took longer than --max-time: "
		    "the name server did not answer in time", host);
		return SYS_E_TIMEOUT;
	}
	if (rs->rc == RESOLVER_DIED) {
		fmt_snprintf(err, errcap, "cannot resolve host '%s': the lookup process ended without an answer "
		    "(signal %d)", host, rs->err_no);
		return SYS_E_RESOLVE;
	}
	if (rs->rc == RESOLVER_IO || rs->rc == RESOLVER_UNSENT) {
		fmt_snprintf(err, errcap, "cannot resolve host '%s': %s the lookup process's answer failed (%s)",
		    host, rs->rc == RESOLVER_IO ? "reading" : "sending", err_text(rs->err_no, num));
		return SYS_E_RESOLVE;
	}
	if (rs->rc == RESOLVER_NO_PIPE || rs->rc == RESOLVER_NO_FORK) {
		fmt_snprintf(err, errcap, "cannot resolve host '%s': cannot start the lookup process (%s: %s), "
		    "and a lookup without one could outlast --max-time", host,
		    rs->rc == RESOLVER_NO_PIPE ? "pipe" : "fork", err_text(rs->err_no, num));
		return SYS_E_RESOLVE;
	}
	if (rs->rc != 0 || rs->n == 0) {
		fmt_snprintf(err, errcap, "cannot resolve host '%s': %s", host,
		    rs->rc == EAI_SYSTEM ? err_text(rs->err_no, num) : rs->rc ? gai_strerror(rs->rc) : "no address");
		return SYS_E_RESOLVE;
	}
	*resolved_at = sys_now_ms();
	memset(rc, 0, sizeof *rc);
	rc->rs = rs;
	rc->port = port;
	rc->connect_ms = connect_ms;
	rc->deadline = deadline;
	rc->log = log;
	rc->logctx = logctx;
	while (fd < 0) {
		int64_t now = sys_now_ms();
		if (now >= rc->deadline)
			break;
		if (rc->next < rs->n && (rc->live == 0 || now >= rc->next_start))
			race_start(rc, now);
		else if (rc->live == 0)
			break; /* every address failed */
		else
			fd = race_poll(rc, now);
	}
	for (i = 0; i < rc->live; i++)
		close(rc->at[i].fd);
	if (fd >= 0) {
		/* Without TCP_NODELAY, Nagle plus delayed ACK adds ~40 ms to the
		 * handshake's last flight and the request. */
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		return fd;
	}
	if (rc->timedout || sys_now_ms() >= deadline) {
		fmt_snprintf(err, errcap, "connection to %s port %u timed out", host, port);
		return SYS_E_TIMEOUT;
	}
	fmt_snprintf(err, errcap, "cannot connect to %s port %u: %s", host, port, err_text(rc->last, num));
	return SYS_E_CONNECT;
}

long sys_recv(int fd, void *buf, size_t n, int64_t deadline)
{
	for (;;) {
		ssize_t r;
		/* Checked before every read, not only when one would block: a
		 * server streaming at full speed must not outlive the deadline. */
		if (sys_now_ms() >= deadline)
			return SYS_E_TIMEOUT;
		r = recv(fd, buf, n, 0);
		if (r >= 0)
			return (long)r;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK) {
			sys_last_errno = errno;
			return SYS_E_IO;
		}
		r = wait_fd(fd, POLLIN, deadline);
		if (r < 0)
			return (long)r;
	}
}

int sys_send_all(int fd, const void *buf, size_t n, int64_t deadline)
{
	const unsigned char *p = buf;

	while (n > 0) {
		ssize_t r;
		if (sys_now_ms() >= deadline)
			return SYS_E_TIMEOUT;
		r = send(fd, p, n, MSG_NOSIGNAL);
		if (r > 0) {
			p += r;
			n -= (size_t)r;
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
			sys_last_errno = errno;
			return SYS_E_IO;
		}
		r = wait_fd(fd, POLLOUT, deadline);
		if (r < 0)
			return (int)r;
	}
	return 0;
}

void sys_close(int fd)
{
	if (fd >= 0)
		close(fd);
}

/* A descriptor someone else made non-blocking (a shell, a supervisor's
 * pipe) says EAGAIN when full: poll until it drains, as for a socket,
 * never past the deadline. Every other failure (EPIPE: SIGPIPE is ignored,
 * sys_harden; ENOSPC, EIO) is the caller's to report: the output is lost. */
int sys_write_fd(int fd, const void *buf, size_t n, int64_t deadline)
{
	const char *p = buf;

	while (n > 0) {
		ssize_t r = write(fd, p, n);
		if (r > 0) {
			p += r;
			n -= (size_t)r;
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			r = wait_fd(fd, POLLOUT, deadline);
			if (r < 0)
				return (int)r;
			continue;
		}
		sys_last_errno = r < 0 ? errno : EIO; /* 0 bytes of n > 0: no progress */
		return SYS_E_IO;
	}
	return 0;
}

int sys_open_read(const char *path)
{
	int fd;

	do
		fd = open(path, O_RDONLY | O_CLOEXEC);
	while (fd < 0 && errno == EINTR);
	if (fd < 0) {
		sys_last_errno = errno;
		return SYS_E_IO;
	}
	return fd;
}

long sys_read(int fd, void *buf, size_t n)
{
	for (;;) {
		ssize_t r = read(fd, buf, n);
		if (r >= 0)
			return (long)r;
		if (errno != EINTR) {
			sys_last_errno = errno;
			return SYS_E_IO;
		}
	}
}

int sys_read_file(const char *path, void *buf, size_t cap, size_t *len)
{
	int fd = (path[0] == '-' && path[1] == 0) ? 0 : sys_open_read(path);
	size_t got = 0;
	long r;

	if (fd < 0)
		return fd;
	for (;;) {
		if (got == cap) {
			char extra;
			r = sys_read(fd, &extra, 1);
			if (r > 0) {
				got = 0;
				r = SYS_E_TOOBIG;
			}
			break;
		}
		r = sys_read(fd, (char *)buf + got, cap - got);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	if (fd != 0)
		close(fd);
	*len = got;
	return r < 0 ? (int)r : 0;
}

int sys_file_loose_perms(const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return 0;
	return (st.st_mode & (S_IRWXG | S_IRWXO)) != 0;
}

int sys_is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int sys_is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int sys_each_dirent(const char *dir, void (*fn)(void *ctx, const char *name), void *ctx)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d) {
		sys_last_errno = errno;
		return SYS_E_IO;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' && (e->d_name[1] == 0 ||
		    (e->d_name[1] == '.' && e->d_name[2] == 0)))
			continue;
		fn(ctx, e->d_name);
	}
	closedir(d);
	return 0;
}

void sys_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

const char *sys_getenv(const char *name)
{
	return getenv(name);
}

static int64_t rng_deadline;

void sys_set_rng_deadline(int64_t deadline_ms)
{
	rng_deadline = deadline_ms;
}

static volatile sig_atomic_t rng_alarm;
static int rng_failed;

static void on_alarm(int sig)
{
	(void)sig;
	rng_alarm = 1;
}

/* Early boot: the pool is not ready and GRND_NONBLOCK says EAGAIN. Polling
 * does not help (the kernel credits entropy to a waiting reader), so block
 * in getrandom, interrupted by a one-shot SIGALRM at the deadline
 * (installed without SA_RESTART, so the call returns EINTR). */
static ssize_t getrandom_until(void *p, size_t n, int64_t deadline)
{
	struct sigaction sa, old;
	struct itimerval it, oit;
	int64_t left = deadline - sys_now_ms();
	ssize_t r;

	if (deadline == 0)
		return getrandom(p, n, 0);
	if (left <= 0) {
		errno = EAGAIN;
		return -1;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, &old);
	memset(&it, 0, sizeof it);
	it.it_value.tv_sec = (time_t)(left / 1000);
	it.it_value.tv_usec = (suseconds_t)(left % 1000 * 1000);
	rng_alarm = 0;
	setitimer(ITIMER_REAL, &it, &oit);
	do
		r = getrandom(p, n, 0);
	while (r < 0 && errno == EINTR && !rng_alarm);
	memset(&it, 0, sizeof it);
	setitimer(ITIMER_REAL, &it, NULL);
	sigaction(SIGALRM, &old, NULL);
	if (r < 0 && rng_alarm)
		errno = EAGAIN;
	return r;
}

int sys_random(void *buf, size_t n)
{
	unsigned char *p = buf;

	while (n > 0) {
		ssize_t r = getrandom(p, n, GRND_NONBLOCK);
		if (r < 0 && errno == EAGAIN)
			r = getrandom_until(p, n, rng_deadline);
		if (r > 0) {
			p += r;
			n -= (size_t)r;
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		sys_last_errno = rng_failed = r < 0 ? errno : EIO;
		return SYS_E_ENTROPY;
	}
	return 0;
}

const char *sys_random_failed(void)
{
	return rng_failed ? err_text(rng_failed, sys_rngnum) : NULL;
}

/* mbedTLS's PSA RNG, configured with MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG:
 * the kernel's getrandom(2), never /dev/random (absent in an initramfs). */
psa_status_t mbedtls_psa_external_get_random(
    mbedtls_psa_external_random_context_t *context,
    uint8_t *output, size_t output_size, size_t *output_length)
{
	(void)context;
	if (sys_random(output, output_size) != 0) {
		*output_length = 0;
		return PSA_ERROR_INSUFFICIENT_ENTROPY;
	}
	*output_length = output_size;
	return PSA_SUCCESS;
}
