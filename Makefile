# SPDX-License-Identifier: GPL-2.0
# mqueue-lab: top-level driver.  Kbuild names the module's objects; this
# file only drives kbuild, the user-space sub-directories and the VM.
#
#   make            module (for this machine's kernel if its headers are
#                   installed, else for the VM's kernel) and user space
#   make demo       install missing packages, build, boot the VM, run the story
#   make shell      the VM with the module loaded and a prompt (docs/LAB.md)
#   make check-lab N  the test that checks lab exercise N (docs/LAB.md)
#   make check      install missing packages, run every test, print
#                   "N passed, N failed"
#   make vm-check T=GLOB   only the VM tests whose file names match GLOB
#   make check ARCH=arm64   only the arm64 lane (tools/arm64/arm64.mk)
#   make check-debug  the whole VM suite and the detector proof on a debug
#                   kernel (KASAN, lockdep, kmemleak, ...), built once into
#                   a cache outside the repo (tools/kernel/build-debug.sh)
#   make install DESTDIR=... PREFIX=/usr/local   module, library, headers,
#                   mqctl, man pages (INSTALL_MODULE=0: not the module);
#                   make uninstall (same variables) removes exactly those
#   make dkms-install / make dkms-remove   the module under DKMS (dkms.conf)
#   make style      checkpatch --strict on the kernel code
#   make sparse     the module with sparse (C=2) and W=1
#   make lint       checkpatch, sparse on 6.1 and 6.12, clang-format,
#                   cppcheck, gcc -fanalyzer, shellcheck (tools/lint.sh)
#   make bench      the benchmark in the VM (docs/PERFORMANCE.md); CLOCK=wall
#                   for -smp 2 wall clock (the 4x4 work), HOST=1 on this
#                   machine, BENCH_ARGS='--only=stream --reps=5' and such

TOP := $(CURDIR)
BUILD := $(TOP)/build

# The kernel the VM boots: Debian's stock 6.1 by default (the generic
# amd64 flavour: never -rt or -cloud, which sort after it).  KVER selects
# another installed one (e.g. KVER=6.12.117+deb12-amd64).  VM_KERNEL and
# VM_KDIR boot and build for a kernel that is not installed (check-debug).
VM_KVER := $(shell ls /lib/modules 2>/dev/null | grep '^6\.1\.[0-9]*-[0-9]*-amd64$$' | \
	sort -V | tail -n 1)
KVER ?= $(VM_KVER)
VM_KERNEL ?= /boot/vmlinuz-$(KVER)
VM_KDIR ?= /lib/modules/$(KVER)/build
# `make` alone: this machine's kernel when it can build modules.
HOST_KDIR := /lib/modules/$(shell uname -r)/build
KDIR ?= $(if $(wildcard $(HOST_KDIR)/Makefile),$(HOST_KDIR),/lib/modules/$(KVER)/build)

# kselftest_harness.h comes from Debian's linux-source-6.1, never the tree.
KSRC_TAR := $(firstword $(wildcard /usr/src/linux-source-6.1.tar.xz))
KSFT_INC := $(BUILD)/ksft
KSFT_HDRS := $(KSFT_INC)/kselftest_harness.h $(KSFT_INC)/kselftest.h
CHECKPATCH := $(BUILD)/ksrc/scripts/checkpatch.pl
CLANG_FORMAT_CFG := $(BUILD)/ksrc/.clang-format
# The kselftest build system, for the in-kernel-tree build (tools/ksft-tree.sh)
KSFT_LIB_MK := $(BUILD)/ksrc/tools/testing/selftests/lib.mk

# User-space parts, in build order.  Each has all, clean and vm-install.
USER_DIRS := libmqdev tools/mqctl tests/demo tests/kselftest tests/unit \
	tests/lib tests/posix tests/mqctl tests/bench tests/lab tests/stress \
	tests/fuzz
SUBMAKE = $(MAKE) --no-print-directory TOP=$(TOP) KSFT_INC=$(KSFT_INC)

.PHONY: all module user deps demo shell check-lab check-lab-solutions check vm-check vm-shell vm-demo vm-module vm-initrd \
	check-debug vm-bugs \
	install install-module uninstall dkms-install dkms-remove clean bench bench-vm bench-host \
	style sparse lint ksft-tree $(USER_DIRS)

all: module user

module:
	$(MAKE) -C $(KDIR) M=$(TOP) modules

user: $(USER_DIRS)

$(USER_DIRS): $(KSFT_HDRS)
	@if [ -f $@/Makefile ]; then $(SUBMAKE) -C $@ all; fi

tests/mqctl tests/demo tools/mqctl tests/lib tests/unit tests/posix tests/bench: libmqdev

$(KSFT_HDRS) $(CHECKPATCH) $(CLANG_FORMAT_CFG) $(KSFT_LIB_MK) &:
	@test -n "$(KSRC_TAR)" || { echo "linux-source-6.1 is not installed: run tools/deps.sh"; exit 1; }
	rm -rf $(BUILD)/ksrc && mkdir -p $(BUILD)/ksrc $(KSFT_INC)
	tar -xJf $(KSRC_TAR) -C $(BUILD)/ksrc --strip-components=1 --wildcards \
		'*/tools/testing/selftests/kselftest_harness.h' \
		'*/tools/testing/selftests/kselftest.h' \
		'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch' '*/.clang-format' \
		'*/tools/testing/selftests/Makefile' '*/tools/testing/selftests/lib.mk' \
		'*/tools/testing/selftests/kselftest/*' \
		'*/tools/testing/selftests/run_kselftest.sh' '*/scripts/subarch.include'
	cp $(BUILD)/ksrc/tools/testing/selftests/kselftest_harness.h \
		$(BUILD)/ksrc/tools/testing/selftests/kselftest.h $(KSFT_INC)/

deps:
	@sh tools/deps.sh

# The module for the VM's kernel is built in a copy of the sources, so
# that it never clobbers the in-tree build for this machine's kernel.
# Each make run gets its own scratch directory (the pid of its shell's
# parent, make itself), so that parallel runs do not trample each other.
VM_RUN := $(BUILD)/vm-$(KVER).$(shell echo $$PPID)
VM_KMOD := $(VM_RUN)/kmod
VM_KO := $(VM_KMOD)/mqueue_lab.ko
VM_ROOT := $(VM_RUN)/root
VM_INITRD := $(VM_RUN)/initrd.gz

vm-module:
	@rm -rf $(VM_KMOD) && mkdir -p $(VM_KMOD)
	@cp -r Kbuild kmod uapi $(VM_KMOD)/
	$(MAKE) -C $(VM_KDIR) M=$(VM_KMOD) modules

vm-initrd: vm-module user
	rm -rf $(VM_ROOT) && mkdir -p $(VM_ROOT)
	@for d in $(USER_DIRS); do \
		[ -f $$d/Makefile ] || continue; \
		$(SUBMAKE) -C $$d vm-install VMROOT=$(VM_ROOT) || exit 1; \
	done
	sh tools/vm/mkinitramfs.sh $(VM_ROOT) $(VM_KO) $(VM_INITRD)

T ?= *
VM_ENV = VM_KERNEL='$(VM_KERNEL)'
vm-check: vm-initrd
	VM_LOG=$(VM_RUN)/console.log $(VM_ENV) sh tools/vm/run.sh $(KVER) $(VM_INITRD) check '$(T)'; \
		st=$$?; rm -rf $(VM_RUN); exit $$st

vm-shell: vm-initrd
	$(VM_ENV) sh tools/vm/run.sh $(KVER) $(VM_INITRD) shell

vm-demo: vm-initrd
	$(VM_ENV) sh tools/vm/run.sh $(KVER) $(VM_INITRD) demo; \
		st=$$?; rm -rf $(VM_RUN); exit $$st

# The detector proof (tests/kernel/): mqlab_bugs.ko, one deliberate bug
# per detector, built against VM_KDIR (a debug kernel's tree: never the
# stock ones) and added to the initramfs; the guest runs bugs-run.sh.
VM_BUGS := $(VM_RUN)/bugs
vm-bugs: vm-initrd
	@rm -rf $(VM_BUGS) && mkdir -p $(VM_BUGS)
	@cp tests/kernel/Kbuild tests/kernel/mqlab_bugs.c $(VM_BUGS)/
	$(MAKE) -C $(VM_KDIR) M=$(VM_BUGS) modules
	cp $(VM_BUGS)/mqlab_bugs.ko tests/kernel/bugs-run.sh $(VM_ROOT)/opt/mqlab/
	sh tools/vm/mkinitramfs.sh $(VM_ROOT) $(VM_KO) $(VM_INITRD)
	VM_LOG=$(VM_RUN)/console.log $(VM_ENV) sh tools/vm/run.sh $(KVER) $(VM_INITRD) bugs; \
		st=$$?; rm -rf $(VM_RUN); exit $$st

# The debug-kernel lane alone (tools/check.sh runs it last, for `make check`).
check-debug: deps
	@sh tools/check.sh --debug-only

# The story and nothing else: the build goes to build/demo-build.log
# (its tail is shown if it fails), the VM prints only the story.
DEMO_LOG := $(BUILD)/demo-build.log
demo: deps
	@mkdir -p $(BUILD)
	@echo "==> building and booting the VM (build log: build/demo-build.log)"
	@$(MAKE) --no-print-directory VM_RUN=$(VM_RUN) vm-initrd > $(DEMO_LOG) 2>&1 || \
		{ tail -n 20 $(DEMO_LOG); exit 1; }
	@$(VM_ENV) sh tools/vm/run.sh $(KVER) $(VM_INITRD) demo; \
		st=$$?; rm -rf $(VM_RUN); exit $$st

# For students (docs/LAB.md): the VM with the module loaded, the tools
# and trace-cmd on PATH, and a shell prompt.  Ctrl-a x leaves.
shell: deps
	@mkdir -p $(BUILD)
	@echo "==> building the VM (build log: build/shell-build.log)"
	@$(MAKE) --no-print-directory VM_RUN=$(VM_RUN) vm-initrd > $(BUILD)/shell-build.log 2>&1 || \
		{ tail -n 20 $(BUILD)/shell-build.log; exit 1; }
	@$(VM_ENV) sh tools/vm/run.sh $(KVER) $(VM_INITRD) shell; \
		st=$$?; rm -rf $(VM_RUN); exit $$st

# The benchmark (tests/bench).  CLOCK=icount: one vCPU counting
# instructions, figures that repeat; CLOCK=wall: -smp 2 and the wall
# clock, for the 4x4 work.  The console log, its BENCH lines and (with
# gnuplot) the chart go to build/bench/.
CLOCK ?= icount
BENCH_ARGS ?=
BENCH_OUT := $(BUILD)/bench
BENCH_NAME = $(BENCH_OUT)/bench-$(if $(HOST),host-$(shell uname -r),$(KVER)-$(CLOCK))
bench_words = $(subst $(eval) ,+,$(strip --clock=$(CLOCK) $(BENCH_ARGS)))

bench: $(if $(HOST),bench-host,bench-vm)

bench-vm: vm-initrd
	@mkdir -p $(BENCH_OUT)
	VM_LOG=$(BENCH_NAME).log VM_ICOUNT=$(if $(filter icount,$(CLOCK)),1) VM_SMP=2 \
		VM_APPEND='ipcmni_extend mqlab.bench=$(bench_words)' \
		sh tools/vm/run.sh $(KVER) $(VM_INITRD) bench; \
		st=$$?; rm -rf $(VM_RUN); \
		grep -a '^BENCH' $(BENCH_NAME).log > $(BENCH_NAME).tsv; \
		sh tests/bench/chart.sh $(BENCH_NAME).tsv $(BENCH_NAME).svg; \
		echo "bench: $(BENCH_NAME).log, .tsv, .svg"; exit $$st

# On this machine: needs root and a kernel that loads the module.
bench-host: module user
	@mkdir -p $(BENCH_OUT)
	@[ "$$(id -u)" = 0 ] || { echo "make bench HOST=1 must run as root (insmod, sysctls)"; exit 1; }
	{ MQBENCH_KO=$(TOP)/mqueue_lab.ko MQBENCH_BIN=$(TOP)/tests/bench/mqbench \
		MQBENCH_LIB=$(TOP)/libmqdev/libmqdev-posix.so \
		LD_LIBRARY_PATH=$(TOP)/libmqdev \
		sh tests/bench/run-bench.sh --clock=host $(BENCH_ARGS); \
		echo $$? > $(BENCH_NAME).rc; } 2>&1 | tee $(BENCH_NAME).log; \
		st=$$(cat $(BENCH_NAME).rc); rm -f $(BENCH_NAME).rc; \
		grep -a '^BENCH' $(BENCH_NAME).log > $(BENCH_NAME).tsv; \
		sh tests/bench/chart.sh $(BENCH_NAME).tsv $(BENCH_NAME).svg; exit $$st

check: deps
	@sh tools/check.sh $(if $(filter arm64,$(ARCH)),--arm64-only)

include tools/arm64/arm64.mk

# make check-lab N (or N=...): the test that checks exercise N of
# docs/LAB.md, in the VM.  A check that SKIPs (exercise not done yet)
# fails here.  About 2 minutes: one boot.
LAB_TEST_1 := 70-lab-1
LAB_TEST_2 := 70-lab-2
LAB_TEST_3 := 70-lab-3
LAB_TEST_4 := 10-wake
LAB_TEST_5 := 50-demo
LAB_TEST_6 := 70-lab-6
LAB_NRS := 1 2 3 4 5 6
LAB := $(or $(N),$(firstword $(filter $(LAB_NRS),$(MAKECMDGOALS))))
check-lab:
	@mkdir -p $(BUILD); test -n "$(LAB_TEST_$(LAB))" || \
		{ echo "usage: make check-lab N, N one of $(LAB_NRS) (docs/LAB.md)"; exit 2; }
	@echo "==> exercise $(LAB): $(LAB_TEST_$(LAB))"
	@$(MAKE) --no-print-directory vm-check T='$(LAB_TEST_$(LAB))' | \
		tee $(BUILD)/check-lab.log; \
	res=$$(grep -a '^MQLAB-RESULT: ' $(BUILD)/check-lab.log | tail -n 1); \
	echo "$$res" | grep -q ' 0 failed, 0 skipped' || \
		{ echo "check-lab $(LAB): not passed ($$res)"; exit 1; }; \
	echo "check-lab $(LAB): passed"
# The lab checks' own proof (tests/lab/solutions-check.sh): in a scratch
# copy with the reference solutions applied, the checks of exercises 1,
# 2, 3, 6 and 10-purge pass; one build and one boot, 6 to 11 minutes
# measured on a loaded 2-core machine (make check: MQLAB_CHECK_LAB=0
# leaves it out).
# LAB_WRONG=1: wrong solutions instead, and every check must fail.
check-lab-solutions:
	@sh tests/lab/solutions-check.sh $(if $(LAB_WRONG),--wrong) KVER=$(KVER)
ifneq ($(filter check-lab,$(MAKECMDGOALS)),)
$(LAB_NRS):
	@:
endif

PREFIX ?= /usr/local
MANDIR ?= $(PREFIX)/share/man

# The module goes in through kbuild's modules_install, into
# $(DESTDIR)/lib/modules/<KDIR's release>/extra/, then depmod (kbuild skips
# it in a DESTDIR without System.map).  INSTALL_MODULE=0: everything but
# the module (a DESTDIR install on a machine without kernel headers).
# CONFIG_MODULE_SIG_ALL= : kbuild would sign the module with the key of
# the kernel's build, which a distribution's headers do not ship (DKMS
# signs with the machine's own key: make dkms-install).
INSTALL_MODULE ?= 1
# The release the module is built for (its vermagic), where kbuild puts it.
KREL = $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"/\1/p' \
	$(KDIR)/include/generated/utsrelease.h 2>/dev/null)
MOD_INST = $(DESTDIR)/lib/modules/$(KREL)/extra/mqueue_lab.ko

install: $(if $(filter 1,$(INSTALL_MODULE)),install-module)
	$(SUBMAKE) -C libmqdev install
	$(SUBMAKE) -C tools/mqctl install
	install -D -m 0644 kmod/mqueue-lab.4 $(DESTDIR)$(MANDIR)/man4/mqueue-lab.4

install-module: module
	$(MAKE) -C $(KDIR) M=$(TOP) INSTALL_MOD_PATH=$(DESTDIR) \
		CONFIG_MODULE_SIG_ALL= modules_install

# DKMS (dkms.conf): the module's sources into /usr/src/mqueue-lab-VERSION,
# then dkms add, build and install for KREL (KDIR's kernel; DKMS rebuilds
# it for each kernel installed later).  dkms-remove undoes all of it.
DKMS_VER = $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' $(TOP)/dkms.conf)
DKMS_SRC = /usr/src/mqueue-lab-$(DKMS_VER)

dkms-install:
	rm -rf $(DKMS_SRC) && mkdir -p $(DKMS_SRC)
	cp -r Kbuild kmod uapi dkms.conf $(DKMS_SRC)/
	dkms add -m mqueue-lab -v $(DKMS_VER)
	dkms install -m mqueue-lab -v $(DKMS_VER) -k $(KREL)

dkms-remove:
	-dkms remove -m mqueue-lab -v $(DKMS_VER) --all
	rm -rf $(DKMS_SRC)

# Exactly what install put there; directories stay.
uninstall:
	$(SUBMAKE) -C libmqdev uninstall
	$(SUBMAKE) -C tools/mqctl uninstall
	rm -f $(DESTDIR)$(MANDIR)/man4/mqueue-lab.4
	rm -f $(MOD_INST)
	if [ -z "$(DESTDIR)" ] && [ -n "$(KREL)" ]; then depmod $(KREL); fi

style: $(CHECKPATCH)
	perl $(CHECKPATCH) --no-tree --strict --quiet -f Kbuild kmod/*.[ch] uapi/linux/*.h

# tests/kselftest built as a kselftest collection in a kernel tree
# (build/ksrc): make -C tools/testing/selftests TARGETS=mqueue-lab.
ksft-tree: $(KSFT_LIB_MK)
	@sh tools/ksft-tree.sh

# Every linter (tools/lint.sh), one result line each; L=NAME for one (L="a b"), tools/lint.sh --list
lint: $(CHECKPATCH) $(CLANG_FORMAT_CFG)
	@sh tools/lint.sh $(L)

sparse:
	$(MAKE) -C $(KDIR) M=$(TOP) C=2 W=1 modules

clean:
	-$(MAKE) -C $(KDIR) M=$(TOP) clean
	@for d in $(USER_DIRS); do \
		[ -f $$d/Makefile ] && $(SUBMAKE) -C $$d clean; done; true
	rm -rf $(BUILD)

print-%:
	@echo $($*)
