# Builds and installs mpop in Swift.
#
#   make                      release build, Swift runtime linked in statically
#   make install              PREFIX=/usr/local DESTDIR= (staging root); the
#                             binary is installed stripped, its debug
#                             information stays in the build folder as
#                             mpop.debug (objcopy --only-keep-debug)
#   make uninstall            removes what install put there
#   make test                 installs test dependencies, runs the whole suite
#
# The binary links GnuTLS, GNU SASL and json-c dynamically (libgnutls30,
# libgsasl18, libjson-c5 on Debian) and loads libcurl's GnuTLS flavour
# (libcurl3-gnutls) when OAuth 2.0 first needs it; it needs no Swift library
# at run time.

# swift from PATH, else the toolchain in /opt/swift.
SWIFT      ?= $(shell command -v swift 2>/dev/null || echo /opt/swift/usr/bin/swift)
PREFIX     ?= /usr/local
DESTDIR    ?=
BINDIR     ?= $(PREFIX)/bin
MANDIR     ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/vendor-completions
SYSTEMDUSERDIR ?= $(PREFIX)/lib/systemd/user
INSTALL    ?= install
OBJCOPY    ?= objcopy

# The link keeps a run's resident memory small (Docs/Architecture.md,
# "Memory of the program itself"): lld with packed relative relocations
# (DT_RELR, glibc 2.36), so the loader does not read 650 KB of relocation
# records, and libstdc++, which the Swift runtime needs, taken from its
# static archive (a folder of ours that holds only libstdc++.a comes first
# in the search), so the run maps only the part it uses instead of the
# whole shared library. Without the archive (libstdc++-12-dev) the link
# falls back to the shared library.
CLANG      ?= $(dir $(SWIFT))clang
STATIC_CXX := $(shell $(CLANG) -print-file-name=libstdc++.a 2>/dev/null)
STATIC_CXX_DIR = .build/static-libstdc++
SWIFTFLAGS = -c release -Xswiftc -static-stdlib \
	-Xswiftc -use-ld=lld -Xlinker -z -Xlinker pack-relative-relocs \
	$(if $(filter /%,$(STATIC_CXX)),-Xlinker -L$(CURDIR)/$(STATIC_CXX_DIR))
BINARY     = $(shell $(SWIFT) build $(SWIFTFLAGS) --show-bin-path)/mpop

.PHONY: all build install uninstall test clean

all: build

build:
	$(if $(filter /%,$(STATIC_CXX)),mkdir -p $(STATIC_CXX_DIR) && ln -sf $(STATIC_CXX) $(STATIC_CXX_DIR)/libstdc++.a)
	$(SWIFT) build $(SWIFTFLAGS) --product mpop

install: build
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) \
		$(DESTDIR)$(SYSTEMDUSERDIR)
	$(OBJCOPY) --only-keep-debug $(BINARY) $(BINARY).debug
	$(INSTALL) -m 755 -s $(BINARY) $(DESTDIR)$(BINDIR)/mpop
	$(INSTALL) -m 644 Docs/mpop.1 $(DESTDIR)$(MANDIR)/man1/mpop.1
	$(INSTALL) -m 644 completions/mpop.bash $(DESTDIR)$(BASHCOMPDIR)/mpop
	$(INSTALL) -m 644 completions/_mpop $(DESTDIR)$(ZSHCOMPDIR)/_mpop
	$(INSTALL) -m 644 Docs/systemd/mpop@.service Docs/systemd/mpop@.timer \
		$(DESTDIR)$(SYSTEMDUSERDIR)/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/mpop \
		$(DESTDIR)$(MANDIR)/man1/mpop.1 \
		$(DESTDIR)$(BASHCOMPDIR)/mpop \
		$(DESTDIR)$(ZSHCOMPDIR)/_mpop \
		$(DESTDIR)$(SYSTEMDUSERDIR)/mpop@.service \
		$(DESTDIR)$(SYSTEMDUSERDIR)/mpop@.timer

test:
	Scripts/test

clean:
	$(SWIFT) package clean
