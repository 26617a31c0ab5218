/* sys.h: every system call atlwho makes, in one place (OpenBSD nc style):
 * EINTR loops, short writes, deadlines via poll, non-blocking connect. */
#ifndef ATLWHO_SYS_H
#define ATLWHO_SYS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* Return convention: >= 0 progress; these negative values (-1 to -9: every
 * module's codes have their own range) are errors. */
#define SYS_E_IO      (-1)  /* read/write/open failed: errno-based message in sys_errstr() */
#define SYS_E_TIMEOUT (-2)  /* the deadline passed */
#define SYS_E_RESOLVE (-3)  /* getaddrinfo failed */
#define SYS_E_CONNECT (-4)  /* every address refused or failed */
#define SYS_E_TOOBIG  (-5)  /* a file larger than the caller's buffer */
#define SYS_E_ENTROPY (-6)  /* getrandom did not become ready in time */

/* Milliseconds on the monotonic clock (0 if it cannot be read). */
int64_t sys_now_ms(void);
/* Seconds since the epoch on the real-time clock (what certificates use). */
int64_t sys_wall_time(void);

/* Process set-up: ignore SIGPIPE, forbid core dumps and ptrace by others. */
void sys_harden(void);

/* Reports one line of verbose progress (may be NULL). */
typedef void (*sys_log_fn)(void *ctx, const char *msg);

/* Connecting (RFC 8305, Happy Eyeballs): the next address is tried
 * CONNECT_NEXT_MS after the previous one if that is still pending (curl
 * waits 200 ms, the RFC recommends 250), so a black-holed IPv6 address
 * costs that, not the whole --connect-timeout. CONNECT_ADDR_MAX: more
 * addresses, of either family or both, than one DNS answer of 512 bytes
 * can hold (musl keeps 48); README and atlwho.1 name it. */
#define CONNECT_NEXT_MS 200
#define CONNECT_ADDR_MAX 48

/* The memory of one sys_connect, the caller's (about 10 KB: keep it off
 * the stack). Private to sys.c. */
struct net_addr {
	int family;
	socklen_t len;
	struct sockaddr_storage sa;
};
/* What the resolver process writes: its result, then n addresses. */
struct resolved {
	int rc, err_no;
	size_t n;
	struct net_addr a[CONNECT_ADDR_MAX];
};
struct attempt {
	int fd;
	int64_t until;                  /* this attempt's --connect-timeout */
	char addr[64];
};
/* The connection attempts of one check (RFC 8305 section 5): started one
 * after another, CONNECT_NEXT_MS apart or at once when one fails, each with
 * its own --connect-timeout and all within the deadline. */
struct race {
	const struct resolved *rs;
	unsigned port;
	int connect_ms;
	int64_t deadline, next_start;
	size_t next, live;
	struct attempt at[CONNECT_ADDR_MAX];
	int last, timedout;             /* the last error; an attempt timed out */
	sys_log_fn log;
	void *logctx;
};
struct sys_connect_mem {
	struct resolved rs;
	struct race rc;
};

/* Resolves host (family 0, 4 or 6) and connects to each address in turn,
 * each attempt bounded by connect_ms and all by deadline (monotonic ms).
 * Returns a connected non-blocking socket with TCP_NODELAY, or an error;
 * err receives a one-line reason; *resolved_at the time the name resolved. */
int sys_connect(struct sys_connect_mem *mem, const char *host, unsigned port, int family, int connect_ms,
    int64_t deadline, sys_log_fn log, void *logctx, int64_t *resolved_at,
    char *err, size_t errcap);

/* Reads at most n bytes, waiting until deadline: > 0 bytes, 0 EOF, or error. */
long sys_recv(int fd, void *buf, size_t n, int64_t deadline);
/* Writes all n bytes before deadline: 0 or error. */
int sys_send_all(int fd, const void *buf, size_t n, int64_t deadline);
void sys_close(int fd);

/* Writes all n bytes to fd (stdout, stderr, a pipe); when fd is non-blocking
 * and full, waits for it to take more until deadline (monotonic ms; 0: no
 * waiting). 0, SYS_E_IO (closed, full, failing: sys_errstr()), or
 * SYS_E_TIMEOUT; how much was written before an error is not told. */
int sys_write_fd(int fd, const void *buf, size_t n, int64_t deadline);

/* Files. sys_open_read returns a descriptor or SYS_E_IO. */
int sys_open_read(const char *path);
long sys_read(int fd, void *buf, size_t n);
/* Reads a whole small file into buf (at most cap bytes) and sets *len;
 * path "-" reads standard input (left open). Returns 0, SYS_E_IO, or
 * SYS_E_TOOBIG (*len 0) when the file holds more than cap bytes. */
int sys_read_file(const char *path, void *buf, size_t cap, size_t *len);
/* 1 if path is a regular file that group or others may read, else 0. */
int sys_file_loose_perms(const char *path);
int sys_is_dir(const char *path);
int sys_is_file(const char *path);
/* Calls fn for each entry of a directory (no "." or ".."), in readdir order. */
int sys_each_dirent(const char *dir, void (*fn)(void *ctx, const char *name), void *ctx);

/* Kernel randomness. Waits for the pool until the deadline set by
 * sys_set_rng_deadline (early boot), then fails with SYS_E_ENTROPY. */
void sys_set_rng_deadline(int64_t deadline_ms);
int sys_random(void *buf, size_t n);
/* NULL, or once sys_random has failed, why: the errno's text; EAGAIN's
 * ("Resource temporarily unavailable") when the kernel's pool was not
 * ready before the deadline. */
const char *sys_random_failed(void);

/* The errno text of the last SYS_E_IO (valid until the next call). */
const char *sys_errstr(void);

/* Sleeps ms milliseconds (retry back-off). */
void sys_sleep_ms(long ms);
/* The environment variable, or NULL. */
const char *sys_getenv(const char *name);


#endif
