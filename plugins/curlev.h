/* SPDX-License-Identifier: MIT */
/*
 * curlev: a curl multi handle watched by a libevent base, for the plugins
 * that use curl's multi socket API. curl's socket and timer callbacks arm
 * events; whatever fires is handed to a wake function in the form
 * curl_multi_socket_action() takes: a socket and its CURL_CSELECT_* mask,
 * or CURL_SOCKET_TIMEOUT. What a wake does is the plugin's: the event-loop
 * engine drives its multi at once, greenlets resumes the coroutine that
 * owns the multi.
 *
 * A convenience library linked into those plugins; its symbols are hidden.
 */
#ifndef CB_CURLEV_H
#define CB_CURLEV_H

#include <curl/curl.h>
#include <event2/event.h>

#if defined(__GNUC__)
#define CURLEV_HIDDEN __attribute__((visibility("hidden")))
#else
#define CURLEV_HIDDEN
#endif

/*
 * An event base whose timers fire on time: libevent 2.1 reads a coarse
 * clock (one jiffy) unless asked for a precise one, and curl's timers
 * would fire up to a jiffy late. NULL on failure.
 */
CURLEV_HIDDEN struct event_base *curlev_base_new(void);

typedef void (*curlev_wake_fn)(void *arg, curl_socket_t fd, int mask);

struct curlev;

/*
 * Install the callbacks on multi. NULL if out of memory. No event is
 * armed until curl asks for one; a timeout of 0 fires on the next turn
 * of the loop, never from inside curl.
 */
CURLEV_HIDDEN struct curlev *curlev_new(struct event_base *base, CURLM *multi,
                                        curlev_wake_fn wake, void *arg);

/*
 * Free the events. Only after curl_multi_cleanup(multi): removing handles
 * and the cleanup itself still call the callbacks. Safe from inside a
 * wake: libevent does not touch an event after its callback returns.
 */
CURLEV_HIDDEN void curlev_free(struct curlev *cv);

#endif
