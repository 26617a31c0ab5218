/* peakrss.c: runs one command and prints its peak resident set size in KB,
 * read from /proc/PID/status (VmHWM) when the program exits, before the
 * kernel tears its memory down (ptrace, PTRACE_O_TRACEEXIT).
 *
 * Why not getrusage's ru_maxrss (GNU time's %M): on this kernel it is kept
 * from per-CPU counters and comes out up to ~250 KB short for a small
 * program (a 300 KB touch reads 256), and it counts the forked copy of the
 * parent before exec, so GNU time's own ~0.5 MB hid a smaller program's
 * peak. VmHWM belongs to the exec'd program alone and is exact.
 *
 * usage: peakrss OUTFILE COMMAND [ARG...]   appends "KB" to OUTFILE; exit
 * status: the command's */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

static long vmhwm(pid_t pid)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "VmHWM: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

int main(int argc, char **argv)
{
	long kb = -1;
	int status, sig = 0;
	pid_t pid;

	FILE *out;

	if (argc < 3) {
		fputs("usage: peakrss OUTFILE COMMAND [ARG...]\n", stderr);
		return 2;
	}
	pid = fork();
	if (pid < 0) {
		perror("peakrss: fork");
		return 2;
	}
	if (pid == 0) {
		ptrace(PTRACE_TRACEME, 0, NULL, NULL);
		execvp(argv[2], argv + 2);
		perror("peakrss: exec");
		_exit(127);
	}
	/* The first stop is the exec (SIGTRAP); from there on, stop at exit. */
	if (waitpid(pid, &status, 0) < 0 || !WIFSTOPPED(status))
		return 2;
	ptrace(PTRACE_SETOPTIONS, pid, NULL, (void *)(long)(PTRACE_O_TRACEEXIT | PTRACE_O_EXITKILL));
	for (;;) {
		if (ptrace(PTRACE_CONT, pid, NULL, (void *)(long)sig) < 0 && errno != ESRCH)
			return 2;
		sig = 0;
		if (waitpid(pid, &status, 0) < 0)
			return 2;
		if (WIFEXITED(status) || WIFSIGNALED(status))
			break;
		if (status >> 8 == (SIGTRAP | (PTRACE_EVENT_EXIT << 8)))
			kb = vmhwm(pid);
		else if (WIFSTOPPED(status) && WSTOPSIG(status) != SIGTRAP)
			sig = WSTOPSIG(status); /* pass the program's own signals on */
	}
	if (kb < 0)
		return 2;
	out = fopen(argv[1], "a");
	if (!out || fprintf(out, "%ld\n", kb) < 0 || fclose(out) != 0) {
		perror("peakrss: output file");
		return 2;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
