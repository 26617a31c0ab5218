/* gnutls_responder.c: a GnuTLS HTTPS server that answers like Jira, for the
 * interop suite (tests/interop/run.py compiles it at test time against
 * libgnutls28-dev). One connection at a time on 127.0.0.1, an ephemeral port
 * printed as "PORT n" on stdout; runs until killed.
 *
 *   gnutls_responder --cert CHAIN --key KEY [--priority STRING]
 *       [--reply cl|chunked|eof]   Content-Length, chunked, or close-delimited
 *       [--no-close-notify]        end with a TCP FIN and no close_notify alert
 *       [--tickets N]              send N TLS 1.3 NewSessionTickets after the handshake
 *       [--key-update]             TLS 1.3 KeyUpdate after the request, before the reply
 *       [--client-ca FILE]         require a client certificate issued by FILE
 *
 * GET .../rest/api/2/myself with "Authorization: Bearer $INTEROP_TOKEN" gets
 * 200 and a Jira Data Center user; other credentials get Jira's 401 JSON.
 * Test code, not product code: bounded buffers, errors logged to stderr and
 * the connection dropped, never the server.
 */
#define _DEFAULT_SOURCE
#include <arpa/inet.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define HEAD_MAX 16384        /* request heads of curl and atlwho are < 1 KB */
#define IO_TIMEOUT_S 10       /* a silent client never blocks the next one for long */

static const char USER_JSON[] =
	"{\"self\":\"https://localhost/rest/api/2/user?username=fred\",\"key\":\"JIRAUSER19571\","
	"\"name\":\"fred\",\"emailAddress\":\"fred@example.com\",\"displayName\":\"Fred F. User\","
	"\"active\":true,\"deleted\":false,\"timeZone\":\"Australia/Sydney\",\"locale\":\"en_US\","
	"\"groups\":{\"size\":1,\"items\":[{\"name\":\"jira-user\"}]},\"expand\":\"groups\"}";
static const char DENIED_JSON[] =
	"{\"errorMessages\":[\"You are not authenticated. Authentication required to perform "
	"this operation.\"],\"errors\":{}}";

struct opts {
	const char *cert, *key, *priority, *reply, *client_ca;
	int close_notify, tickets, key_update;
};

static int send_all(gnutls_session_t s, const char *p, size_t n)
{
	while (n) {
		ssize_t w = gnutls_record_send(s, p, n);
		if (w == GNUTLS_E_AGAIN || w == GNUTLS_E_INTERRUPTED)
			continue;
		if (w < 0) {
			fprintf(stderr, "gnutls_responder: send: %s\n", gnutls_strerror((int)w));
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Reads the request head; 0 when complete, -1 on error or EOF. */
static int read_head(gnutls_session_t s, char *buf, size_t cap)
{
	size_t len = 0;

	while (len + 1 < cap) {
		ssize_t r = gnutls_record_recv(s, buf + len, cap - 1 - len);
		if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED)
			continue;
		if (r <= 0) {
			fprintf(stderr, "gnutls_responder: recv: %s\n",
				r ? gnutls_strerror((int)r) : "EOF before the request");
			return -1;
		}
		len += (size_t)r;
		buf[len] = 0;
		if (strstr(buf, "\r\n\r\n"))
			return 0;
	}
	fprintf(stderr, "gnutls_responder: request head over %d bytes\n", HEAD_MAX);
	return -1;
}

static int reply(gnutls_session_t s, const struct opts *o, const char *head)
{
	const char *tok = getenv("INTEROP_TOKEN");
	char want[512], hdr[1024];
	int ok, n;
	const char *body;
	size_t blen;

	snprintf(want, sizeof want, "\r\nAuthorization: Bearer %s\r\n", tok ? tok : "");
	ok = tok && strstr(head, want) && strstr(head, "/rest/api/2/myself");
	body = ok ? USER_JSON : DENIED_JSON;
	blen = strlen(body);
	if (!strcmp(o->reply, "chunked")) {
		size_t half = blen / 2;
		n = snprintf(hdr, sizeof hdr, "HTTP/1.1 %s\r\nContent-Type: application/json;charset=UTF-8\r\n"
			     "X-AREQUESTID: 913x1x1\r\nTransfer-Encoding: chunked\r\n\r\n%zx\r\n",
			     ok ? "200 " : "401 ", half);
		if (send_all(s, hdr, (size_t)n) || send_all(s, body, half))
			return -1;
		n = snprintf(hdr, sizeof hdr, "\r\n%zx\r\n", blen - half);
		if (send_all(s, hdr, (size_t)n) || send_all(s, body + half, blen - half))
			return -1;
		return send_all(s, "\r\n0\r\n\r\n", 7);
	}
	if (!strcmp(o->reply, "eof"))
		n = snprintf(hdr, sizeof hdr, "HTTP/1.1 %s\r\nContent-Type: application/json;charset=UTF-8\r\n"
			     "Connection: close\r\n\r\n", ok ? "200 OK" : "401 Unauthorized");
	else
		n = snprintf(hdr, sizeof hdr, "HTTP/1.1 %s\r\nContent-Type: application/json;charset=UTF-8\r\n"
			     "Content-Length: %zu\r\nConnection: close\r\n\r\n",
			     ok ? "200 OK" : "401 Unauthorized", blen);
	if (send_all(s, hdr, (size_t)n))
		return -1;
	return send_all(s, body, blen);
}

static void serve(int fd, gnutls_certificate_credentials_t cred, gnutls_datum_t *ticket_key,
		  const struct opts *o)
{
	gnutls_session_t s;
	char head[HEAD_MAX], junk[4096];
	int r;

	if (gnutls_init(&s, GNUTLS_SERVER) < 0)
		return;
	if ((r = gnutls_priority_set_direct(s, o->priority, NULL)) < 0) {
		fprintf(stderr, "gnutls_responder: priority %s: %s\n", o->priority, gnutls_strerror(r));
		goto out;
	}
	gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, cred);
	gnutls_session_ticket_enable_server(s, ticket_key);
	if (o->client_ca)
		gnutls_certificate_server_set_request(s, GNUTLS_CERT_REQUIRE);
	gnutls_transport_set_int(s, fd);
	gnutls_handshake_set_timeout(s, IO_TIMEOUT_S * 1000);
	do
		r = gnutls_handshake(s);
	while (r < 0 && !gnutls_error_is_fatal(r));
	if (r < 0) {
		fprintf(stderr, "gnutls_responder: handshake: %s\n", gnutls_strerror(r));
		gnutls_alert_send_appropriate(s, r);   /* as gnutls-serv does */
		goto out;
	}
	if (o->client_ca) {
		unsigned status = 0;
		if (gnutls_certificate_verify_peers2(s, &status) < 0 || status) {
			fprintf(stderr, "gnutls_responder: client certificate not verified (%u)\n", status);
			gnutls_alert_send(s, GNUTLS_AL_FATAL, GNUTLS_A_BAD_CERTIFICATE);
			goto out;
		}
	}
	if (o->tickets && (r = gnutls_session_ticket_send(s, (unsigned)o->tickets, 0)) < 0)
		fprintf(stderr, "gnutls_responder: tickets: %s\n", gnutls_strerror(r));
	if (read_head(s, head, sizeof head))
		goto out;
	if (o->key_update && (r = gnutls_session_key_update(s, 0)) < 0)
		fprintf(stderr, "gnutls_responder: key update: %s\n", gnutls_strerror(r));
	if (reply(s, o, head))
		goto out;
	if (o->close_notify)
		gnutls_bye(s, GNUTLS_SHUT_WR);
out:
	/* A FIN, then wait for the client's close: closing with its bytes unread
	 * would send a RST that can destroy the reply in the client's buffer. */
	shutdown(fd, SHUT_WR);
	while (read(fd, junk, sizeof junk) > 0)
		;
	gnutls_deinit(s);
}

int main(int argc, char **argv)
{
	struct opts o = { NULL, NULL, "NORMAL", "cl", NULL, 1, 0, 0 };
	gnutls_certificate_credentials_t cred;
	gnutls_datum_t ticket_key;
	struct sockaddr_in sa;
	socklen_t sl = sizeof sa;
	int ls, r, i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--no-close-notify"))
			o.close_notify = 0;
		else if (!strcmp(a, "--key-update"))
			o.key_update = 1;
		else if (v && !strcmp(a, "--cert"))
			o.cert = v, i++;
		else if (v && !strcmp(a, "--key"))
			o.key = v, i++;
		else if (v && !strcmp(a, "--priority"))
			o.priority = v, i++;
		else if (v && !strcmp(a, "--reply"))
			o.reply = v, i++;
		else if (v && !strcmp(a, "--client-ca"))
			o.client_ca = v, i++;
		else if (v && !strcmp(a, "--tickets"))
			o.tickets = atoi(v), i++;
		else {
			fprintf(stderr, "gnutls_responder: bad argument %s\n", a);
			return 2;
		}
	}
	if (!o.cert || !o.key) {
		fprintf(stderr, "usage: gnutls_responder --cert CHAIN --key KEY [options]\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	gnutls_global_init();
	gnutls_certificate_allocate_credentials(&cred);
	if ((r = gnutls_certificate_set_x509_key_file2(cred, o.cert, o.key, GNUTLS_X509_FMT_PEM, NULL, 0)) < 0) {
		fprintf(stderr, "gnutls_responder: %s / %s: %s\n", o.cert, o.key, gnutls_strerror(r));
		return 1;
	}
	if (o.client_ca && gnutls_certificate_set_x509_trust_file(cred, o.client_ca, GNUTLS_X509_FMT_PEM) <= 0) {
		fprintf(stderr, "gnutls_responder: no CA in %s\n", o.client_ca);
		return 1;
	}
	gnutls_session_ticket_key_generate(&ticket_key);

	ls = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (ls < 0 || bind(ls, (struct sockaddr *)&sa, sizeof sa) || listen(ls, 16) ||
	    getsockname(ls, (struct sockaddr *)&sa, &sl)) {
		perror("gnutls_responder: listen");
		return 1;
	}
	printf("PORT %d\n", ntohs(sa.sin_port));
	fflush(stdout);
	for (;;) {
		struct timeval tv = { IO_TIMEOUT_S, 0 };
		int fd = accept(ls, NULL, NULL);
		if (fd < 0)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
		serve(fd, cred, &ticket_key, &o);
		close(fd);
	}
}
