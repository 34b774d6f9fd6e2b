// Runs before anything else in the `privlab` tool and the test bundles: when OpenBLAS fell back to
// a kernel set below what the CPU's features call for (a CPU newer than the library: Prescott's
// SSE3 kernels on an AVX-512 Xeon), re-execute the process with OPENBLAS_CORETYPE naming the right
// set, so every product of the run uses it.
//
// Why re-execute. OpenBLAS reads OPENBLAS_CORETYPE once, in its own constructor, when the dynamic
// loader maps the library — before main, before this constructor. The alternatives are worse:
//  - loading OpenBLAS late (dlopen after setting the variable) sends every BLAS and LAPACK call
//    through a table of function pointers of our own, hides the dependency from the linker and
//    from the packaging of the Gradescope bundle;
//  - re-initialising OpenBLAS in place (its exported gotoblas_dynamic_quit/_init) relies on
//    internals that are not its API and whose buffers and thread pool were sized for the first set.
// A restart relies only on the documented variable, costs one exec (a few milliseconds, on the
// affected CPUs only), keeps the process id, arguments, open files and standard input (nothing
// has been read yet), and its children — `grade` workers — inherit the choice.
//
// Who chose is recorded for `pl.system()` / `privlab system`: OpenBLAS (variable unset), the
// feature check (PRIVLAB_BLAS_CHOSEN equals OPENBLAS_CORETYPE) or the user (any other value of
// OPENBLAS_CORETYPE, which is never changed).
#include "CBLASStartup.h"
#include "CKernels.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

// From OpenBLAS (linked through the CBLAS module); declared here so this target needs no headers.
extern char *openblas_get_corename(void);
extern char *openblas_get_config(void);

int pl_blas_startup_linked(void) { return 1; }

// One line on stderr per process tree: children inherit PRIVLAB_BLAS_WARNED.
static void warn_once(const char *line) {
    if (getenv("PRIVLAB_BLAS_WARNED")) return;
    fprintf(stderr, "privlab: %s\n", line);
    setenv("PRIVLAB_BLAS_WARNED", "1", 1);
}

__attribute__((constructor)) static void pl_blas_startup(int argc, char **argv, char **envp) {
    (void)argc;
    (void)envp;
    const char *requested = getenv("OPENBLAS_CORETYPE");
    const char *chosen = getenv("PRIVLAB_BLAS_CHOSEN");
    const char *current = openblas_get_corename();
    char line[512];
    if (requested && chosen && !strcasecmp(requested, chosen)) {
        // The restarted process (or a child of one): did OpenBLAS take the set?
        if (pl_blas_set_tier(current) < pl_blas_set_tier(chosen)) {
            snprintf(line, sizeof line,
                     "OpenBLAS ignored OPENBLAS_CORETYPE=%s and runs its %s kernels, several times slower on this CPU",
                     chosen, current ? current : "unknown");
            warn_once(line);
        }
        return;
    }
    // Tests only: treat the set the user forced as if OpenBLAS had fallen back to it on an
    // unrecognised CPU, so the restart runs on every machine (Tests/PrivLabLuaTests/BLASChoiceCLITests).
    int pretend = getenv("PRIVLAB_BLAS_TEST_UNRECOGNISED") != NULL;
    if (requested && !pretend) return;  // the user's choice, kept as it is
    const char *target = pl_blas_upgrade(current, pl_cpu_features());
    if (!target) return;
    const char *config = openblas_get_config();
    if (!config || !strstr(config, "DYNAMIC_ARCH")) {
        // A library built for one CPU has no other kernels to switch to.
        snprintf(line, sizeof line, "OpenBLAS was built for %s only (no DYNAMIC_ARCH); this CPU has %s's features",
                 current ? current : "one CPU", target);
        warn_once(line);
        return;
    }
    unsetenv("PRIVLAB_BLAS_TEST_UNRECOGNISED");
    setenv("OPENBLAS_CORETYPE", target, 1);
    setenv("PRIVLAB_BLAS_CHOSEN", target, 1);
    int err = EINVAL;  // no argument vector to restart with (a host that passes none to constructors)
    if (argv && argv[0]) {
        execv("/proc/self/exe", argv);
        err = errno;
    }
    // Still here: the restart failed; run on with OpenBLAS's set, and say so.
    unsetenv("OPENBLAS_CORETYPE");
    unsetenv("PRIVLAB_BLAS_CHOSEN");
    snprintf(line, sizeof line,
             "OpenBLAS runs its generic %s kernels on a CPU that has %s's features, and restarting with them failed (%s); "
             "set OPENBLAS_CORETYPE=%s for full speed",
             current ? current : "unknown", target, strerror(err), target);
    warn_once(line);
}
