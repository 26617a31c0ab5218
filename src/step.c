/* step.c: the check's policy (see step.h). */
#include "fmt.h"
#include "step.h"

#include <string.h>

#include "str.h"

/* HTTP_LOCATION_MAX in words, for a message (checked below). */
#define LOCATION_MAX_TEXT "4381"
_Static_assert(HTTP_LOCATION_MAX == 4381, "LOCATION_MAX_TEXT says HTTP_LOCATION_MAX");

long step_backoff_next(long ms)
{
	return ms > STEP_RETRY_CAP_MS / 2 ? STEP_RETRY_CAP_MS : ms * 2;
}

long step_retry_after_ms(const char *v)
{
	long s;
	int r = str_num(v, strlen(v), 0, STEP_RETRY_CAP_MS / 1000, &s);

	if (r == STR_E_RANGE)
		return STEP_RETRY_CAP_MS;
	return r == STR_OK ? s * 1000 : -1;
}

/* Redirects may stay on the origin the user named, or move that same host
 * from http to https; the token never goes anywhere else. */
static int redirect_allowed(const struct url *base, const struct url *to)
{
	if (url_same_origin(base, to))
		return 1;
	return !base->https && to->https && strcmp(base->host, to->host) == 0 &&
	    (to->port == 443 || to->port == base->port);
}

/* A redirect: followed only when allowed, and only to the Location as the
 * server sent it, whole and unambiguous. */
static int redirect(const struct step_state *s, const struct http_resp *r, struct step *out)
{
	size_t len;
	unsigned fl;
	const char *loc = http_resp_header(r, HTTP_H_LOCATION, &len, &fl), *why = NULL;
	char e[STEP_WHY_MAX - 40];

	if (!loc)
		return STEP_DONE;
	if (fl & HTTP_KEPT_TRUNCATED)
		why = "longer than " LOCATION_MAX_TEXT " bytes";
	else if (fl & HTTP_KEPT_CONFLICT)
		why = "two Location fields with different values";
	else if (fl & HTTP_KEPT_REDACTED)
		why = "it carries the token";
	else if (url_resolve(&out->next, s->cur, loc, len, e, sizeof e) != URL_OK)
		why = e;
	if (why) {
		fmt_snprintf(out->why, sizeof out->why, "the Location cannot be used: %s", why);
		return STEP_DONE;
	}
	out->has_target = 1;
	return s->follow && redirect_allowed(s->base, &out->next) && s->redirs < s->max_redirs ?
	    STEP_FOLLOW : STEP_DONE;
}

void step_reply(const struct step_state *s, const struct http_resp *r, struct step *out)
{
	int st = r->status;

	out->act = STEP_DONE;
	out->wait_ms = 0;
	out->has_target = 0;
	out->why[0] = '\0';
	if (st == 404 && s->auto_product && !s->asked_confluence) {
		out->act = STEP_FALLBACK;
	} else if (http_status_redirects(st)) {
		out->act = redirect(s, r, out);
	} else if ((st == 429 || st == 503) && s->retries < s->max_retries) {
		const char *ra = http_resp_header(r, HTTP_H_RETRY_AFTER, NULL, NULL);
		long wait = ra ? step_retry_after_ms(ra) : -1;
		out->wait_ms = wait < 0 ? s->backoff : wait;
		if (s->now + out->wait_ms < s->deadline)
			out->act = STEP_RETRY;
	}
}

void step_failure(const struct step_state *s, int network_error, int connected, struct step *out)
{
	out->act = STEP_DONE;
	out->wait_ms = s->backoff;
	out->has_target = 0;
	out->why[0] = '\0';
	/* Only when nothing was sent: the token must not go out twice for
	 * one attempt the server may have seen. */
	if (network_error && !connected && s->retries < s->max_retries && s->now + s->backoff < s->deadline)
		out->act = STEP_RETRY;
}
