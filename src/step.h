/* step.h: the check's policy as a pure step function: what a reply's head
 * leads to (the Jira-to-Confluence fallback, a redirect, a retry with its
 * wait, or the end), and whether a failed exchange is retried. The caller
 * runs the loop; nothing here does I/O or keeps state between calls. */
#ifndef ATLWHO_STEP_H
#define ATLWHO_STEP_H

#include <stdint.h>

#include "http.h"
#include "url.h"

#define STEP_RETRY_FIRST_MS 1000L  /* curl's first back-off */
#define STEP_RETRY_CAP_MS 600000L  /* curl's longest back-off: 10 minutes */
/* Why a Location is refused: url.c's reasons are one short line. */
#define STEP_WHY_MAX 200

enum step_act { STEP_DONE, STEP_FALLBACK, STEP_FOLLOW, STEP_RETRY };

/* Where the check stands, and what the options allow. */
struct step_state {
	const struct url *base;         /* BASE_URL: the origin the token may go to */
	const struct url *cur;          /* the request this reply answers */
	int auto_product;               /* -p auto without --path: a Jira 404 may fall back */
	int asked_confluence;           /* the endpoint asked is Confluence's */
	int follow, max_redirs, redirs; /* -L, --max-redirs, redirects followed so far */
	int max_retries, retries;       /* --retry, retries done so far */
	long backoff;                   /* this retry's back-off in ms, without Retry-After */
	int64_t now, deadline;          /* monotonic ms */
};

struct step {
	int act;                        /* enum step_act */
	long wait_ms;                   /* STEP_RETRY: how long first */
	/* A redirect: has_target says its Location resolved to next (followed
	 * or not); else why says why it cannot be used ("" if it sent none). */
	int has_target;
	struct url next;
	char why[STEP_WHY_MAX];
};

/* Decides from a complete head (status, Location, Retry-After of r). */
void step_reply(const struct step_state *s, const struct http_resp *r, struct step *out);
/* After a failed exchange: STEP_RETRY with wait_ms when it was a network
 * failure before anything was sent (no connection) and retries and time are
 * left, else STEP_DONE. */
void step_failure(const struct step_state *s, int network_error, int connected, struct step *out);
/* The back-off after one of ms: doubled, at most STEP_RETRY_CAP_MS. */
long step_backoff_next(long ms);
/* A delta-seconds Retry-After (RFC 9110 section 10.2.3) in ms, capped at
 * STEP_RETRY_CAP_MS; -1 when it is not one (an HTTP-date is not honoured). */
long step_retry_after_ms(const char *v);

#endif
