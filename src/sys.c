/* sys.c: the only module that makes system calls (sockets, poll, files,
 * clocks, getrandom, prctl). Everything else is pure and testable. */
#include "fmt.h"
#include "sys.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <psa/crypto.h>

static int sys_last_errno;

const char *sys_errstr(void)
{
	return strerror(sys_last_errno);
}

int64_t sys_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t sys_wall_time(void)
{
	return (int64_t)time(NULL);
}

void sys_harden(void)
{
	signal(SIGPIPE, SIG_IGN);
	/* No core dump of a process that holds a token; also blocks ptrace
	 * attach by other processes of the same user. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

void sys_wipe(void *p, size_t n)
{
	volatile unsigned char *v = p;

	while (n--)
		*v++ = 0;
}

static int remaining_ms(int64_t deadline)
{
	int64_t left = deadline - sys_now_ms();

	if (left <= 0)
		return 0;
	return left > 1000000 ? 1000000 : (int)left;
}

/* Waits for events on fd until deadline: 1 ready, SYS_ERR_TIMEOUT, SYS_ERR_IO. */
static int wait_fd(int fd, short events, int64_t deadline)
{
	struct pollfd p;
	int r;

	for (;;) {
		int ms = remaining_ms(deadline);
		if (ms == 0)
			return SYS_ERR_TIMEOUT;
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
			return SYS_ERR_IO;
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

/* One non-blocking connect attempt, bounded by until. */
static int connect_one(const struct addrinfo *ai, int64_t until, int *err_no)
{
	int fd, r, one = 1, soerr = 0;
	socklen_t sl = sizeof soerr;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
	if (fd < 0) {
		*err_no = errno;
		return -1;
	}
	do
		r = connect(fd, ai->ai_addr, ai->ai_addrlen);
	while (r < 0 && errno == EINTR);
	if (r < 0 && errno != EINPROGRESS) {
		*err_no = errno;
		close(fd);
		return -1;
	}
	if (r < 0) {
		r = wait_fd(fd, POLLOUT, until);
		if (r == SYS_ERR_TIMEOUT) {
			*err_no = ETIMEDOUT;
			close(fd);
			return -1;
		}
		if (r < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0 || soerr) {
			*err_no = soerr ? soerr : errno;
			close(fd);
			return -1;
		}
	}
	/* Without TCP_NODELAY, Nagle plus delayed ACK adds ~40 ms to the
	 * handshake's last flight and the request. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	return fd;
}

int sys_connect(const char *host, unsigned port, int family, int connect_ms,
    int64_t deadline, sys_log_fn log, void *logctx, int64_t *resolved_at,
    char *err, size_t errcap)
{
	struct addrinfo hints, *res = NULL, *ai;
	char portstr[8], addr[64], msg[160];
	int r, fd = -1, last = 0, timedout = 0;
	int64_t conn_deadline;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = family == 4 ? AF_INET : family == 6 ? AF_INET6 : AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_ADDRCONFIG | AI_NUMERICSERV;
	fmt_snprintf(portstr, sizeof portstr, "%u", port);
	r = getaddrinfo(host, portstr, &hints, &res);
	if (r == EAI_NONAME || r == EAI_FAMILY) {
		/* AI_ADDRCONFIG hides ::1 on hosts with only loopback IPv6; retry without. */
		hints.ai_flags = AI_NUMERICSERV;
		r = getaddrinfo(host, portstr, &hints, &res);
	}
	if (r != 0) {
		fmt_snprintf(err, errcap, "cannot resolve host '%s': %s", host,
		    r == EAI_SYSTEM ? strerror(errno) : gai_strerror(r));
		return SYS_ERR_RESOLVE;
	}
	*resolved_at = sys_now_ms();
	conn_deadline = *resolved_at + connect_ms;
	if (conn_deadline > deadline)
		conn_deadline = deadline;
	for (ai = res; ai; ai = ai->ai_next) {
		addr_text(ai->ai_addr, addr, sizeof addr);
		if (log) {
			fmt_snprintf(msg, sizeof msg, "trying %s port %u", addr, port);
			log(logctx, msg);
		}
		fd = connect_one(ai, conn_deadline, &last);
		if (fd >= 0) {
			if (log) {
				fmt_snprintf(msg, sizeof msg, "connected to %s port %u", addr, port);
				log(logctx, msg);
			}
			break;
		}
		if (last == ETIMEDOUT)
			timedout = 1;
		if (log) {
			fmt_snprintf(msg, sizeof msg, "%s port %u: %s", addr, port, strerror(last));
			log(logctx, msg);
		}
		if (sys_now_ms() >= conn_deadline)
			break;
	}
	freeaddrinfo(res);
	if (fd >= 0)
		return fd;
	if (timedout || sys_now_ms() >= conn_deadline) {
		fmt_snprintf(err, errcap, "connection to %s port %u timed out", host, port);
		return SYS_ERR_TIMEOUT;
	}
	fmt_snprintf(err, errcap, "cannot connect to %s port %u: %s", host, port, strerror(last));
	return SYS_ERR_CONNECT;
}

long sys_recv(int fd, void *buf, size_t n, int64_t deadline)
{
	for (;;) {
		ssize_t r;
		/* Checked before every read, not only when one would block: a
		 * server streaming at full speed must not outlive the deadline. */
		if (sys_now_ms() >= deadline)
			return SYS_ERR_TIMEOUT;
		r = recv(fd, buf, n, 0);
		if (r >= 0)
			return (long)r;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK) {
			sys_last_errno = errno;
			return SYS_ERR_IO;
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
			return SYS_ERR_TIMEOUT;
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
			return SYS_ERR_IO;
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

void sys_write_fd(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n > 0) {
		ssize_t r = write(fd, p, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return; /* stdout closed: nothing useful left to do */
		p += r;
		n -= (size_t)r;
	}
}

int sys_open_read(const char *path)
{
	int fd;

	do
		fd = open(path, O_RDONLY | O_CLOEXEC);
	while (fd < 0 && errno == EINTR);
	if (fd < 0) {
		sys_last_errno = errno;
		return SYS_ERR_IO;
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
			return SYS_ERR_IO;
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
				r = SYS_ERR_TOOBIG;
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
		return SYS_ERR_IO;
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
		sys_last_errno = r < 0 ? errno : EIO;
		rng_failed = 1;
		return SYS_ERR_ENTROPY;
	}
	return 0;
}

int sys_random_failed(void)
{
	return rng_failed;
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
