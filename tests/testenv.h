/* SPDX-License-Identifier: MIT */
/*
 * testenv.h: where the unit tests find what the build made for them: the
 * test plugins as real shared objects, and the installed plugin directory
 * the loader searches last.
 */
#ifndef CB_TESTENV_H
#define CB_TESTENV_H

#include "paths.h"

#define TEST_PLUGIN_DIR CB_BUILD_DIR "/tests/plugins/.libs"
#define TEST_PKGLIBDIR CB_PKGLIBDIR

#endif
