# The x86_64 arch's build fragment (included by kernel/build.mk): which
# virtualization backends the kernel carries. Each is a directory of
# arch/x86_64/; backends.c lists the same ones for the run-time probe.
ARCH_BACKENDS := svm vmx
