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

SWIFTFLAGS = -c release -Xswiftc -static-stdlib
BINARY     = $(shell $(SWIFT) build $(SWIFTFLAGS) --show-bin-path)/mpop

.PHONY: all build install uninstall test clean

all: build

build:
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
