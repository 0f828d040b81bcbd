# SPDX-License-Identifier: GPL-2.0
#
# m32.mk - how test programs are built 32-bit (i386), for the module's
# compat_ioctl path.  Include it after TOP is set; it defines
#   CC32      the compiler command for a 32-bit program (the arm64 lane
#             sets it to its armhf cross compiler)
#   HAVE_M32  y when CC32 can build a program that includes <linux/...>
#
# Debian's gcc-12-multilib (tools/deps.sh) has the 32-bit libraries and
# start files.  The unversioned gcc-multilib only adds the symlink
# /usr/include/asm -> x86_64-linux-gnu/asm, and it conflicts with every
# cross compiler (the arm64 lane's gcc-aarch64-linux-gnu among them), so
# that one symlink is made here, in the build tree.

M32_INC := $(TOP)/build/m32-include
CC32 ?= $(CC) -m32 -isystem $(M32_INC)
HAVE_M32 := $(shell mkdir -p $(M32_INC) && \
	ln -sfn /usr/include/x86_64-linux-gnu/asm $(M32_INC)/asm && \
	echo 'int main(void) { return 0; }' | $(CC32) -include linux/errno.h \
	-x c -o /dev/null - >/dev/null 2>&1 && echo y)
