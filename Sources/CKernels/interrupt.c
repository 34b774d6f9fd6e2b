// Ctrl-C as a request to stop between steps (see CKernels.h).
#include "CKernels.h"
#include <signal.h>

static volatile int *pl_interrupt_flag = 0;

static void pl_sigint(int sig) {
    if (pl_interrupt_flag && !*pl_interrupt_flag) {
        *pl_interrupt_flag = 1;
        return;
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

void pl_on_interrupt(volatile int *flag) {
    pl_interrupt_flag = flag;
    signal(SIGINT, flag ? pl_sigint : SIG_DFL);
}
