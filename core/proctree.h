/*
 * proctree: the resident memory of a process and all its descendants, read
 * from /proc, for the peak-memory figure of a measurement cell.
 */
#ifndef CB_PROCTREE_H
#define CB_PROCTREE_H

#include <stdint.h>
#include <sys/types.h>

/*
 * Sum of the resident set sizes of root and every live descendant, in
 * bytes (pages shared between them count once per process, as mprof's
 * include-children does). 0 if root is gone.
 */
uint64_t proctree_rss(pid_t root);

#endif
