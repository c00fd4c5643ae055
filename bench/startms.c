/*
 * startms.c — time from exec to the first 200 answer of GET /healthz.
 *
 *   startms PORT PATH LOG -- COMMAND [ARG...]
 *
 * Starts COMMAND (its output to LOG), then tries 127.0.0.1:PORT in a tight
 * loop (a new connection every 0.2 ms while refused) until GET PATH answers
 * 200; prints the milliseconds, sends SIGTERM and waits for the command to
 * exit. Gives up after 10 s (exit 1). Loopback only.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int try_once(int port, const char *path)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		close(fd);
		return 0;
	}
	char req[512], resp[64];
	int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", path);
	if (write(fd, req, (size_t)n) != n) {
		close(fd);
		return 0;
	}
	ssize_t got = 0, r;
	while (got < 12 && (r = read(fd, resp + got, sizeof resp - 1 - (size_t)got)) > 0)
		got += r;
	close(fd);
	resp[got > 0 ? got : 0] = 0;
	return strncmp(resp, "HTTP/1.1 200", 12) == 0 || strncmp(resp, "HTTP/1.0 200", 12) == 0;
}

int main(int argc, char **argv)
{
	if (argc < 6 || strcmp(argv[4], "--") != 0) {
		fprintf(stderr, "usage: startms PORT PATH LOG -- COMMAND [ARG...]\n");
		return 2;
	}
	int port = atoi(argv[1]);
	double t0 = now_ms();
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open(argv[3], O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
		execvp(argv[5], argv + 5);
		_exit(127);
	}
	int ok = 0;
	double t = 0;
	while (now_ms() - t0 < 10000) {
		int r = try_once(port, argv[2]);
		if (r == 1) {
			t = now_ms() - t0;
			ok = 1;
			break;
		}
		int st;
		if (waitpid(pid, &st, WNOHANG) == pid) {
			fprintf(stderr, "startms: the command exited before answering\n");
			return 1;
		}
		struct timespec d = {0, 200000};
		nanosleep(&d, NULL);
	}
	kill(pid, SIGTERM);
	int st;
	waitpid(pid, &st, 0);
	if (!ok) {
		fprintf(stderr, "startms: no 200 within 10 s\n");
		return 1;
	}
	printf("%.2f\n", t);
	return 0;
}
