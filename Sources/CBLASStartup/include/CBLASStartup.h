#ifndef PRIVLAB_CBLASSTARTUP_H
#define PRIVLAB_CBLASSTARTUP_H

/// The kernel-set check of `blas_startup.c` runs by itself when a program linking this target
/// starts (an ELF constructor); nothing needs calling. Linked only into PrivLab's executables —
/// the `privlab` tool and the test bundles — never into the engine library, because it may
/// re-execute the process.
///
/// Returns 1: lets a program show the linker it needs this object, so the constructor is kept.
int pl_blas_startup_linked(void);

#endif
