/* SPDX-License-Identifier: MIT */
/*
 * html: the report directory's index.html: one self-contained page (no
 * network, no JavaScript; the plots' SVG inline) with the scenario, the
 * environment, the results tables and the plots, styled for a laptop
 * screen and for paper.
 */
#ifndef CB_HTML_H
#define CB_HTML_H

#include <stddef.h>

struct results;

/* dir/index.html of r, with the SVGs plots_write() left in dir/plots.
 * 0, or -1 with err. */
int html_write(const char *dir, const struct results *r, char *err,
               size_t errlen);

#endif
