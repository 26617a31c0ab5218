/* timer.c: runs one command and appends "wall_us cpu_us exit" to a file:
 * wall-clock time from fork to exit, and the child's user+system CPU time
 * (getrusage), both in microseconds. CPU time is the steadier figure on a
 * busy machine; wall time is what a user waits.
 *
 * usage: timer OUTFILE COMMAND [ARG...]   (exit status: the command's) */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static long long tv_us(struct timeval tv)
{
	return (long long)tv.tv_sec * 1000000 + tv.tv_usec;
}

int main(int argc, char **argv)
{
	struct rusage ru;
	long long t0, t1;
	int status, code;
	pid_t pid, w;
	FILE *out;

	if (argc < 3) {
		fputs("usage: timer OUTFILE COMMAND [ARG...]\n", stderr);
		return 2;
	}
	t0 = now_us();
	pid = fork();
	if (pid < 0) {
		perror("timer: fork");
		return 2;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		perror("timer: exec");
		_exit(127);
	}
	do
		w = wait4(pid, &status, 0, &ru);
	while (w < 0 && errno == EINTR);
	t1 = now_us();
	if (w < 0) {
		perror("timer: wait");
		return 2;
	}
	code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	out = fopen(argv[1], "a");
	if (!out) {
		perror("timer: output file");
		return 2;
	}
	fprintf(out, "%lld %lld %d\n", t1 - t0, tv_us(ru.ru_utime) + tv_us(ru.ru_stime), code);
	if (fclose(out) != 0) {
		perror("timer: output file");
		return 2;
	}
	return code;
}
