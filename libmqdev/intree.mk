# SPDX-License-Identifier: MIT
# Included by the Makefiles of programs linked with -lmqdev.
#
# A program built in the tree finds libmqdev.so.1 in the tree: it is
# linked with a $ORIGIN runpath to $(TOP)/libmqdev, relative to its own
# directory, so that it runs from the tree without `make install` or
# LD_LIBRARY_PATH and wherever the tree is moved.  `make install`
# installs a copy relinked without it (libtool's way), so that no
# installed binary carries a build-tree path:
#
#   prog $(INST)/prog: prog.c
#	$(CC) ... $(call intree_rpath,$@) -o $@ ...

INST := .inst
INTREE_RPATH := -Wl,-rpath,'$$ORIGIN/$(shell realpath -m \
	--relative-to=$(CURDIR) $(TOP)/libmqdev)'
intree_rpath = $(if $(filter $(INST)/%,$(1)),,$(INTREE_RPATH))
